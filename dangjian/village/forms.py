"""Forms of the village pages. They parse input only; the rules live in village.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.attachments import MultipleFileField
from dangjian.orgs.forms import DateInput, TablerFormMixin

from .models import (
    DecisionCategory,
    DecisionStep,
    GridCategory,
    MatterSource,
    ReportKind,
    Satisfaction,
    Step,
    Weekday,
    WorkFile,
)


class CheckInForm(TablerFormMixin, forms.Form):
    """One tap: where (optional) and a photo (optional)."""

    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class RotaForm(TablerFormMixin, forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Office hours on"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class HolidayDutyForm(TablerFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class LeaveForm(TablerFormMixin, forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MoveForm(TablerFormMixin, forms.Form):
    """A workflow move: the target state, the version seen, a note (and the fields some moves need)."""

    to = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    returned_on = forms.DateField(label=_("Back on"), required=False, widget=DateInput())


class DictionaryChoiceField(forms.ModelChoiceField):
    """A choice among the active entries of a dictionary that apply at one organisation."""

    def __init__(self, model, **kwargs):
        super().__init__(queryset=model.objects.none(), **kwargs)
        self.dictionary = model

    def for_org(self, org) -> None:
        self.queryset = self.dictionary.objects.applying_to(org).filter(active=True)


class ReportForm(TablerFormMixin, forms.Form):
    kind = DictionaryChoiceField(ReportKind, label=_("Kind"))
    occurs_on = forms.DateField(label=_("Date of the matter"), widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].for_org(org)


class PostingForm(TablerFormMixin, forms.Form):
    sending_unit = forms.CharField(label=_("Sending unit"), max_length=120)
    started_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())


class WorkFileForm(TablerFormMixin, forms.ModelForm):
    class Meta:
        model = WorkFile
        fields = [
            "year",
            "targets",
            "commitments",
            "grade",
            "evaluation",
            "remuneration",
            "remuneration_paid_on",
            "rewards",
            "sanctions",
        ]
        widgets = {
            "remuneration_paid_on": DateInput(),
            "targets": forms.Textarea(attrs={"rows": 3}),
            "commitments": forms.Textarea(attrs={"rows": 3}),
            "rewards": forms.Textarea(attrs={"rows": 2}),
            "sanctions": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionForm(TablerFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=DecisionCategory.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, initial=0, min_value=0
    )


class StepForm(TablerFormMixin, forms.Form):
    """One of the six steps; the meeting fields for steps 3–4, the publication fields for steps 5–6."""

    step = forms.TypedChoiceField(label=_("Step"), choices=Step.choices, coerce=int)
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    assembly = forms.ChoiceField(
        label=_("Meeting (step 4)"), choices=[("", "—"), *DecisionStep.Assembly.choices], required=False
    )
    expected = forms.IntegerField(label=_("Entitled to attend"), min_value=1, required=False)
    present = forms.IntegerField(label=pgettext_lazy("count", "Present"), min_value=0, required=False)
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstained"), min_value=0, required=False)
    minutes = forms.CharField(
        label=pgettext_lazy("village meeting", "Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    published_where = forms.CharField(label=_("Published at"), max_length=120, required=False)
    published_from = forms.DateField(label=_("Published from"), required=False, widget=DateInput())
    published_until = forms.DateField(label=_("Published until"), required=False, widget=DateInput())
    files = MultipleFileField(label=_("Minutes file or photo"), required=False)


class ImplementedForm(TablerFormMixin, forms.Form):
    implemented_on = forms.DateField(label=_("Implemented on"), widget=DateInput())


class GridForm(TablerFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("object", "Name"), max_length=60)
    area = forms.CharField(label=_("Area"), max_length=200, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Grid members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people


class MatterForm(TablerFormMixin, forms.Form):
    title = forms.CharField(label=_("Matter"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=MatterSource.choices)
    category = DictionaryChoiceField(GridCategory, label=_("Category"))
    complex = forms.BooleanField(label=_("Complex matter"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    reporter_name = forms.CharField(label=_("Reporter"), max_length=40, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=20, required=False)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].for_org(org)


class RouteForm(TablerFormMixin, forms.Form):
    to_org = forms.IntegerField(label=_("Route to"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MatterMoveForm(TablerFormMixin, forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Measures"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolved_on = forms.DateField(label=_("Handled on"), required=False, widget=DateInput())
    feedback_how = forms.CharField(label=_("Fed back by"), max_length=60, required=False)
    feedback_on = forms.DateField(label=_("Fed back on"), required=False, widget=DateInput())
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Satisfaction.choices], required=False
    )


class ToLedgerForm(TablerFormMixin, forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class CommitmentsForm(forms.Form):
    """Nothing to fill: the commitments are read from the work file."""


class DictionaryEntryForm(TablerFormMixin, forms.ModelForm):
    """An entry of a dictionary; on a new entry, also whose it is (one's organisation, or shared)."""

    keeper = forms.ChoiceField(label=_("Kept by"), required=False)

    def __init__(self, *args, keepers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if keepers is None:
            del self.fields["keeper"]
        else:
            self.fields["keeper"].choices = keepers
            self.fields["keeper"].required = True
            self.order_fields(["keeper"])


class GridCategoryForm(DictionaryEntryForm):
    class Meta:
        model = GridCategory
        fields = ["name", "respond_days", "resolve_days", "order", "active"]


class ReportKindForm(DictionaryEntryForm):
    class Meta:
        model = ReportKind
        fields = ["name", "report_within_days", "order", "active"]
