"""Forms of supervision and assessment. They parse input only; the rules live in supervision.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import indicators
from dangjian.core.attachments import MultipleFileField
from dangjian.core.params import get as param
from dangjian.orgs.forms import (
    DateInput,
    OrgChoiceField,
    OrgMultipleChoiceField,
    TablerFormMixin,
    style_widgets,
)
from dangjian.orgs.models import Organisation

from . import params
from .models import RankingSet, VenueKind, VenuePlan, WeakReason

MAX_SET_ITEMS = 8


class MonthField(forms.DateField):
    """A month (YYYY-MM) as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]


def _orgs(user, cap: str):
    return Organisation.objects.where_can(user, cap).current().order_by("path")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PlanForm(TablerFormMixin, forms.Form):
    """An unannounced inspection: the targets picked by name, or sampled at random from a subtree."""

    org = OrgChoiceField(label=_("Organising body"))
    month = MonthField(label=_("Month"), initial=lambda: timezone.localdate().strftime("%Y-%m"))
    theme = forms.CharField(label=_("Theme"), max_length=120)
    team = forms.CharField(
        label=_("Team"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One inspector a line, with his or her department, e.g. 王明（县委组织部）."),
    )
    checklist = forms.CharField(label=_("Checklist"), widget=forms.Textarea(attrs={"rows": 5}))
    targets = OrgMultipleChoiceField(label=_("Organisations picked"), required=False)
    sample_within = OrgChoiceField(label=_("Or sample at random from"), required=False)
    sample_size = forms.IntegerField(label=_("How many to sample"), min_value=1, required=False)
    seed = forms.CharField(
        label=_("Sample seed"), max_length=40, required=False, help_text=_("Empty: a new random seed.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = _orgs(user, "inspect")
        self.fields["org"].queryset = orgs
        self.fields["targets"].queryset = orgs
        self.fields["sample_within"].queryset = orgs
        self.fields["checklist"].initial = "\n".join(params.split(params.INSPECTION_CHECKLIST.key))


class VisitForm(TablerFormMixin, forms.Form):
    """A visit recorded on the spot: organisation, time, inspectors, a score per check, findings, photos."""

    org = OrgChoiceField(label=_("Organisation visited"))
    visited_at = forms.DateTimeField(
        label=_("Time of the visit"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(
        label=pgettext_lazy("inspection", "Problems found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One problem a line; each becomes an item of the organisation's ledger."),
    )
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=DateInput())
    photos = MultipleFileField(label=_("Photos"), required=False, extensions=["jpg", "jpeg", "png"])

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # The targets of the plan, and any organisation named in the data (the service refuses it by name).
        self.fields["org"].queryset = Organisation.objects.filter(pk__in=plan.targets.values("pk"))
        self.fields["org"].error_messages["invalid_choice"] = _(
            "This organisation is not a target of the inspection."
        )
        self.check_names = {}
        for i, check in enumerate(plan.checks):
            name = f"score_{i}"
            self.check_names[name] = check
            self.fields[name] = forms.IntegerField(
                label=_("%(check)s (0–10)") % {"check": check},
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 10}),
            )
        # On the spot the checklist comes first, then what was seen and found.
        self.order_fields(
            ["org", "visited_at", "inspectors", *self.check_names, "notes", "findings", "deadline"]
        )
        style_widgets(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        scores = {check: data.pop(name) for name, check in self.check_names.items()}
        data["findings"] = _lines(data.get("findings"))
        return {**data, "scores": scores}


class RankingSetForm(TablerFormMixin, forms.Form):
    """A weighted set of indicators: up to eight rows of indicator, weight and direction."""

    org = OrgChoiceField(label=_("Organisation"))
    name = forms.CharField(label=pgettext_lazy("object", "Name"), max_length=80)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = _orgs(user, "brief")
        choices = [("", "—")] + [(i.key, f"{i.label}（{i.key}）") for i in indicators.all_indicators()]
        for n in range(MAX_SET_ITEMS):
            # A free key (not a choice list) so that an unknown indicator gets the service's message.
            self.fields[f"key_{n}"] = forms.CharField(
                label=_("Indicator %(n)s") % {"n": n + 1},
                required=False,
                widget=forms.Select(choices=choices),
            )
            self.fields[f"weight_{n}"] = forms.IntegerField(label=_("Weight (%)"), required=False)
            self.fields[f"direction_{n}"] = forms.ChoiceField(
                label=_("Direction"),
                required=False,
                choices=[
                    ("", _("As the indicator says")),
                    ("up", _("Higher is better")),
                    ("down", _("Lower is better")),
                ],
            )
        style_widgets(self)

    def rows(self):
        return [(self[f"key_{n}"], self[f"weight_{n}"], self[f"direction_{n}"]) for n in range(MAX_SET_ITEMS)]

    def items(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for n in range(MAX_SET_ITEMS):
            key = (data.get(f"key_{n}") or "").strip()
            if not key:
                continue
            direction = data.get(f"direction_{n}")
            out.append(
                {
                    "key": key,
                    "weight": data.get(f"weight_{n}"),
                    "higher_is_better": None if not direction else direction == "up",
                }
            )
        return out


class BriefingForm(TablerFormMixin, forms.Form):
    org = OrgChoiceField(label=pgettext_lazy("briefing", "Issuing organisation"))
    month = MonthField(label=_("Month"))
    title = forms.CharField(label=_("Title"), max_length=120)
    ranking_set = forms.ModelChoiceField(
        label=_("Ranking"), queryset=RankingSet.objects.none(), required=False
    )
    summary = forms.CharField(label=_("Opening summary"), widget=forms.Textarea(attrs={"rows": 5}))
    good_practice = forms.CharField(
        label=_("Good practice"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user, "brief")
        self.fields["ranking_set"].queryset = RankingSet.objects.visible_to(user).select_related("org")
        if editing:
            del self.fields["org"], self.fields["month"]


class RatingSelfForm(TablerFormMixin, forms.Form):
    """The self-assessment: one score, or the items of the scoresheet that applies (``sheet_rows``) that are not
    filled from an indicator."""

    org = OrgChoiceField(label=_("Organisation"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    self_score = forms.DecimalField(
        label=_("Self-assessment score"), max_digits=5, decimal_places=1, required=False
    )
    self_note = forms.CharField(
        label=_("Self-assessment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, sheet_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user, "self_assess")
        self.sheet_rows = sheet_rows
        self.item_names = {}
        if sheet_rows is not None:
            del self.fields["self_score"]
            for i, row in enumerate(sheet_rows):
                if row["points"] is not None:
                    continue
                self.item_names[i] = row["name"]
                self.fields[f"item_{i}"] = forms.DecimalField(
                    label=_("%(item)s (weight %(weight)s%%, 0–100)")
                    % {"item": row["name"], "weight": row["weight"]},
                    max_digits=5,
                    decimal_places=1,
                    required=False,
                )
                self.fields[f"note_{i}"] = forms.CharField(
                    label=_("Based on"), max_length=200, required=False
                )
            self.order_fields(
                ["org", "year", *(f for i in self.item_names for f in (f"item_{i}", f"note_{i}"))]
            )
            style_widgets(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        scores = {}
        for i, name in self.item_names.items():
            scores[name] = {"score": data.pop(f"item_{i}", None), "note": data.pop(f"note_{i}", "")}
        if self.sheet_rows is not None:
            data["item_scores"] = scores
        return data


MAX_SHEET_ITEMS = 10


class ScoresheetForm(TablerFormMixin, forms.Form):
    """A rating scoresheet: up to ten items (name, weight, optionally an indicator and its full-marks value)
    and the thresholds of the classification and the stars."""

    org = OrgChoiceField(label=_("Organisation"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=pgettext_lazy("object", "Name"), max_length=80)
    grade_thresholds = forms.CharField(
        label=_("Classification thresholds"),
        help_text=_("The lowest score graded 好, 较好 and 一般, e.g. 90,80,60."),
    )
    star_thresholds = forms.CharField(
        label=_("Star thresholds"),
        help_text=_("The lowest score for one to five stars, e.g. 60,65,75,85,95."),
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"], self.fields["year"]
        else:
            self.fields["org"].queryset = _orgs(user, "rate")
        choices = [("", _("Scored by hand"))] + [
            (i.key, f"{i.label}（{i.key}）") for i in indicators.all_indicators()
        ]
        for n in range(MAX_SHEET_ITEMS):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Item %(n)s") % {"n": n + 1}, max_length=60, required=False
            )
            self.fields[f"weight_{n}"] = forms.IntegerField(label=_("Weight (%)"), required=False)
            # A free key (not a choice list) so that an unknown indicator gets the service's message.
            self.fields[f"indicator_{n}"] = forms.CharField(
                label=_("Filled from"), required=False, widget=forms.Select(choices=choices)
            )
            self.fields[f"full_{n}"] = forms.DecimalField(
                label=_("Full marks at"), max_digits=10, decimal_places=2, required=False
            )
        style_widgets(self)

    def rows(self):
        return [
            (self[f"name_{n}"], self[f"weight_{n}"], self[f"indicator_{n}"], self[f"full_{n}"])
            for n in range(MAX_SHEET_ITEMS)
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        out = {
            "name": data["name"],
            "grade_thresholds": data["grade_thresholds"].replace("，", ",").split(","),
            "star_thresholds": data["star_thresholds"].replace("，", ",").split(","),
            "items": [
                {
                    "name": data.get(f"name_{n}") or "",
                    "weight": data.get(f"weight_{n}"),
                    "indicator": data.get(f"indicator_{n}") or "",
                    "full": data.get(f"full_{n}"),
                }
                for n in range(MAX_SHEET_ITEMS)
            ],
        }
        if "org" in data:
            out.update(org=data["org"], year=data["year"])
        return out


class RankingCallForm(TablerFormMixin, forms.Form):
    """Call in the last places of a month's ranking: how many, and the deadline of their rectification."""

    ranking_set = forms.ModelChoiceField(label=_("Ranking"), queryset=RankingSet.objects.none())
    root = OrgChoiceField(label=_("Organisations ranked under"))
    month = MonthField(label=_("Month"))
    bottom = forms.IntegerField(
        label=_("Last places called in"),
        min_value=1,
        initial=lambda: param(params.BOTTOM_N.key),
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ranking_set"].queryset = RankingSet.objects.visible_to(user).select_related("org")
        self.fields["root"].queryset = _orgs(user, "brief")


class RatingRateForm(TablerFormMixin, forms.Form):
    poll_score = forms.DecimalField(label=_("Member and public poll"), max_digits=5, decimal_places=1)
    township_score = forms.DecimalField(label=_("Township's score"), max_digits=5, decimal_places=1)


class NoteForm(TablerFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WeakFlagForm(TablerFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Organisation"))
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"), choices=WeakReason.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(label=_("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    county_contact = forms.CharField(label=_("County leader in contact"), max_length=60, required=False)
    township_contact = forms.CharField(label=_("Township leader in contact"), max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user, "rate")


class WeakPlanForm(TablerFormMixin, forms.Form):
    problems = forms.CharField(
        label=_("Problems to rectify"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One a line.")
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def service_kwargs(self) -> dict:
        return {"problems": _lines(self.cleaned_data["problems"]), "deadline": self.cleaned_data["deadline"]}


class VenueForm(TablerFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Organisation"))
    kind = forms.ChoiceField(label=pgettext_lazy("activity venue", "Venue"), choices=VenueKind.choices)
    area = forms.IntegerField(label=_("Area (m²)"), min_value=0, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    checked = forms.MultipleChoiceField(
        label=_("六有 items met"), widget=forms.CheckboxSelectMultiple, required=False
    )
    plan = forms.ChoiceField(
        label=_("Plan (without a venue)"), choices=[("", "—"), *VenuePlan.choices], required=False
    )
    plan_deadline = forms.DateField(label=_("Venue ready by"), required=False, widget=DateInput())
    photos = MultipleFileField(label=_("Photos"), required=False, extensions=["jpg", "jpeg", "png"])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user, "self_assess")
        standard = params.split(params.VENUE_CHECKLIST.key)
        # Free values: an item not in the standard gets the service's message, not a choice error.
        self.fields["checked"].choices = [(c, c) for c in standard]
        self.fields["checked"].valid_value = lambda value: True


class AssessmentForm(RankingSetForm):
    """An annual assessment: the organisation, year and title, indicator rows and manual items."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    manual_items = forms.CharField(
        label=_("Items scored by the office"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the name and its weight, e.g. 述职评议 20."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["name"].label = _("Title")


class AssessmentScoreForm(TablerFormMixin, forms.Form):
    """One manual score: the organisation, the item, 0–100 and what it is based on."""

    org = OrgChoiceField(label=_("Organisation"))
    item = forms.ChoiceField(label=pgettext_lazy("scoresheet", "Item"))
    score = forms.DecimalField(label=_("Score (0–100)"), max_digits=5, decimal_places=1)
    note = forms.CharField(label=_("Based on"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organisation.objects.current().filter(
            path__startswith=assessment.org.path, depth=assessment.org.depth + 1
        )
        self.fields["org"].error_messages["invalid_choice"] = _("This organisation is not assessed here.")
        # Free values: an unknown item gets the service's message.
        self.fields["item"].choices = [(n, n) for n in assessment.manual_names]
        self.fields["item"].valid_value = lambda value: True
