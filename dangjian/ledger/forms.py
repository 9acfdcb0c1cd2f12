"""Forms of the ledger pages. They parse input only; every rule lives in ledger.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.forms import add_service_error  # noqa: F401 (the ledger views import it from here)
from dangjian.orgs.forms import DateInput, OrgChoiceField, TablerFormMixin
from dangjian.orgs.models import BRANCH_KINDS, COMMITTEE_KINDS, Organisation
from dangjian.orgs.widgets import OrgTreeSelect, RenderedInTree

from .models import Accountability, Category, Duty, ItemKind, ItemList, Recheck, Source


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; size and type are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class VersionedForm(TablerFormMixin, forms.Form):
    """A form acting on a record: carries the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# ------------------------------------------------------------------ lists


class ItemListForm(TablerFormMixin, forms.Form):
    """A new list (清单): issuing organisation, title, kind, source, date, document, approval."""

    org = OrgChoiceField(label=_("Issuing organisation"))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.PROBLEM)
    source = forms.ChoiceField(
        label=pgettext_lazy("problem", "Source"), choices=Source.choices, initial=Source.ASSIGNED
    )
    issued_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    document = forms.CharField(label=_("Source document"), max_length=200, required=False)
    document_file = forms.FileField(label=_("Document file"), required=False)
    needs_approval = forms.BooleanField(
        label=_("Needs the leader's approval before handing down"), required=False
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class ListTransitionForm(VersionedForm):
    """Submit, approve, send back or hand down a list."""

    to = forms.ChoiceField(choices=ItemList.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TargetsMixin:
    """The responsible organisations, picked in the scoped organisation tree (orgs.widgets.OrgTreeSelect).

    ``orgs``: single organisations; ``whole``: "<committee id>:<sector>" for every current branch
    of that sector below a committee (all villages of a township). Both are choices of the scoped
    queryset the view passes, so an organisation outside it is refused as an invalid choice.
    """

    def _set_targets(self, orgs) -> None:
        self.fields["orgs"].queryset = orgs
        self._orgs = orgs
        committees = [o for o in orgs.filter(kind__in=[str(k) for k in COMMITTEE_KINDS]).order_by("path")]
        self.fields["whole"].choices = [
            (f"{c.pk}:{sector}", f"{c.label}：{label}")
            for c in committees
            for sector, label in OrgTreeSelect.WHOLE_SECTORS
        ]
        if self.is_bound and hasattr(self.data, "getlist"):
            self.fields["orgs"].widget.whole_checked = set(self.data.getlist("whole"))

    def _chosen_targets(self, data: dict) -> None:
        if "whole" in self.errors:  # its boxes are drawn in the tree: say what is wrong there
            self.add_error("orgs", list(self.errors.pop("whole")))
        chosen = set(data.get("orgs") or [])
        for value in data.get("whole") or []:
            committee_id, _sep, sector = value.partition(":")
            committee = self._orgs.filter(pk=committee_id).first()
            if committee is None:
                continue
            below = self._orgs.filter(
                path__subtree=committee.path,
                depth__gt=committee.depth,
                kind__in=[str(k) for k in BRANCH_KINDS],
                dissolved_on__isnull=True,
            )
            chosen.update(below.filter(sector=sector) if sector else below)
        if not chosen and "orgs" not in self.errors:
            self.add_error("orgs", _("Choose at least one responsible organisation."))
        data["orgs"] = sorted(chosen, key=lambda o: o.path)


# A hand-made post of an organisation outside the tree (another township's village) reads the same for both fields.
_OUTSIDE = {"invalid_choice": _("A chosen organisation is not one you may hand items down to.")}


def _targets_field():
    return forms.ModelMultipleChoiceField(
        error_messages=_OUTSIDE,
        queryset=Organisation.objects.none(),
        label=_("Responsible organisations"),
        help_text=_(
            "Type a name or its pinyin initials to find it; “all villages” below a township chooses each of them."
        ),
        widget=OrgTreeSelect(),
        required=False,
    )


def _whole_field():
    return forms.MultipleChoiceField(
        label=_("Or every branch of a kind below a committee"),
        required=False,
        widget=RenderedInTree,
        error_messages=_OUTSIDE,
    )


class ItemForm(TargetsMixin, TablerFormMixin, forms.Form):
    """One item handed to one or more organisations (several → one group with a roll-up)."""

    orgs = _targets_field()
    whole = _whole_field()
    title = forms.CharField(label=_("Problem / task"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True), label=_("Category"), required=False
    )
    source = forms.ChoiceField(
        label=pgettext_lazy("problem", "Source"), choices=Source.choices, required=False
    )
    target = forms.CharField(label=_("Target"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    leader = forms.TypedChoiceField(
        label=_("Responsible leader"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Picked from the roster's current posts; type a name below only if the person is not in it."
        ),
    )
    responsible_leader = forms.CharField(
        label=_("Responsible leader (not in the roster)"), max_length=60, required=False
    )
    person = forms.TypedChoiceField(
        label=_("Responsible person"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Left empty: the secretary of each responsible organisation (第一责任人)."),
    )
    responsible_person = forms.CharField(
        label=_("Responsible person (not in the roster)"), max_length=60, required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    long_term = forms.BooleanField(label=_("Long-term"), required=False)
    duty = forms.ChoiceField(
        label=_("Duty"),
        required=False,
        choices=[("", "—"), *Duty.choices],
        help_text=_(
            "Responsibility lists only: standing duties have no deadline and are reviewed every year."
        ),
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = [
        "orgs",
        "whole",
        "title",
        "description",
        "category",
        "source",
        "target",
        "leader",
        "responsible_leader",
        "person",
        "responsible_person",
        "deadline",
        "long_term",
        "duty",
        "remarks",
    ]

    def __init__(self, *args, orgs, roster=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._set_targets(orgs)
        # ``roster``: (person, label) of the current posts the user may see (ledger.selectors.roster_choices).
        self._people = {person.pk: person for person, _label in roster}
        choices = [("", "—"), *((person.pk, label) for person, label in roster)]
        self.fields["leader"].choices = choices
        self.fields["person"].choices = choices

    def clean(self):
        data = super().clean()
        self._chosen_targets(data)
        return data

    def item_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("orgs", "whole")}
        if not data.get("source"):
            data.pop("source", None)
        for name in ("leader", "person"):
            data[name] = self._people.get(data.get(name)) if data.get(name) else None
        if not data.get("duty"):
            data.pop("duty", None)
        return data


class PasteItemsForm(TargetsMixin, TablerFormMixin, forms.Form):
    """Many items at once: one per line, each to every chosen organisation, with one deadline."""

    orgs = _targets_field()
    whole = _whole_field()
    text = forms.CharField(
        label=_("Items, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Each non-empty line becomes one item; numbering such as 1. or （一） is removed."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    long_term = forms.BooleanField(label=_("Long-term"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_targets(orgs)

    def clean(self):
        data = super().clean()
        self._chosen_targets(data)
        return data

    def item_fields(self) -> dict:
        return {"deadline": self.cleaned_data["deadline"], "long_term": self.cleaned_data["long_term"]}


# ------------------------------------------------------------------ item actions


class TransitionForm(VersionedForm):
    """One move of an item; which extra fields matter depends on the target state."""

    to = forms.ChoiceField(choices=[], widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Measures"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput(), required=False)
    files = MultipleFileField(label=_("Evidence files"))

    def __init__(self, *args, **kwargs):
        from .models import Item

        super().__init__(*args, **kwargs)
        self.fields["to"].choices = Item.Status.choices


class ProgressForm(VersionedForm):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    files = MultipleFileField(label=_("Evidence files"))


class ExtensionRequestForm(VersionedForm):
    requested_to = forms.DateField(label=_("Requested new deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(TablerFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecheckScheduleForm(TablerFormMixin, forms.Form):
    scheduled_on = forms.DateField(label=_("Re-check on"), widget=DateInput(), initial=timezone.localdate)


class ListRecheckForm(TablerFormMixin, forms.Form):
    """Re-check a whole list: all its closed items, or a random sample of N."""

    scheduled_on = forms.DateField(label=_("Re-check on"), widget=DateInput(), initial=timezone.localdate)
    sample = forms.IntegerField(
        label=_("Sample size"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to re-check every closed item."),
    )


class RecheckRecordForm(TablerFormMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(Recheck.Result.CONFIRMED, _("Confirmed")), (Recheck.Result.RELAPSED, _("Relapsed"))],
    )
    note = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(
        label=_("New deadline"),
        widget=DateInput(),
        required=False,
        help_text=_("Needed when the problem relapsed."),
    )
    files = MultipleFileField(label=_("Evidence files"))


class AccountabilityForm(TablerFormMixin, forms.Form):
    """A decision under the 问责条例: whom, which forms (combinable), which body, the facts, the outcome."""

    target = forms.ChoiceField(
        label=_("Held accountable"),
        choices=Accountability.Target.choices,
        initial=Accountability.Target.CADRE,
    )
    person_name = forms.CharField(label=_("Leading cadre held accountable"), max_length=60, required=False)
    target_org = OrgChoiceField(label=_("Party organisation held accountable"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Accountability.Outcome.choices, initial=Accountability.Outcome.ACCOUNTABLE
    )
    body = forms.ChoiceField(
        label=_("Deciding body"), choices=[("", "---------"), *Accountability.Body.choices]
    )
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput(), initial=timezone.localdate)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    # Named like the service's argument; declared last because the name hides the ``forms`` module.
    forms = forms.MultipleChoiceField(
        label=_("Forms"),
        choices=Accountability.Form.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "Leading cadres: circulated notice, admonishment, organisational adjustment or handling, "
            "disciplinary sanction. Organisations: written self-examination, circulated notice, "
            "reorganisation. Forms may be combined; leave empty for an exemption, a tolerated error or a "
            "clearing."
        ),
    )

    field_order = [
        "target",
        "person_name",
        "target_org",
        "outcome",
        "forms",
        "body",
        "facts",
        "decided_on",
        "document_number",
    ]

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            # The responsible organisation and those above it.
            self.fields["target_org"].queryset = Organisation.objects.filter(
                path__in=[item.org.path, *item.org.ancestor_paths()]
            ).order_by("path")


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
    )
