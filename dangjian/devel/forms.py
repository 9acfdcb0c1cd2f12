"""Forms of the development pages. They parse input only; the rules live in devel.rules and devel.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.attachments import MultipleFileField
from dangjian.orgs.forms import DateInput, OrgChoiceField, TablerFormMixin, style_widgets
from dangjian.orgs.models import ETHNICITIES, Education, Job, Organisation, OrgKind, Person

from .models import NOTICE_STEPS, STEP_BY_NUMBER, ConversionOutcome
from .rules import DevelCap
from .services import DOCUMENT_TYPES

BRANCH_KINDS = [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH]


class FileOpenForm(TablerFormMixin, forms.Form):
    """An application for Party membership received by a branch (step 1)."""

    org = OrgChoiceField(label=_("Branch"))
    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=18)
    applied_on = forms.DateField(
        label=_("Date of application"), widget=DateInput(), initial=timezone.localdate
    )
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=[(e, e) for e in ETHNICITIES], initial="汉族")
    education = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *Education.choices], required=False
    )
    job = forms.ChoiceField(label=_("Job"), choices=[("", "—"), *Job.choices], required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    files = MultipleFileField(
        label=_("Written application (scan)"), required=False, extensions=DOCUMENT_TYPES
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organisation.objects.where_can(user, DevelCap.DEVELOP)
            .current()
            .filter(kind__in=BRANCH_KINDS)
            .order_by("path")
        )
        style_widgets(self)


# Which particulars each step asks for (besides the date, the acting body and the note).
STEP_FIELDS = {
    2: ("people",),
    5: ("people",),
    9: ("sponsor_1", "sponsor_2"),
    10: ("files",),
    11: ("training_days", "training_hours", "files"),
    14: ("files",),
    15: ("entitled", "present", "votes_for", "files"),
    16: ("people",),
    17: ("extended_limit",),
    23: ("entitled", "present", "votes_for", "outcome", "extension_months", "files"),
    24: ("extended_limit",),  # the note gives the reason when the vote was to cancel
}
OPTIONAL = (
    "sponsor_1",
    "sponsor_2",
    "training_days",
    "training_hours",
    "entitled",
    "present",
    "votes_for",
    "outcome",
    "extension_months",
    "extended_limit",
    "people",
    "files",
)


class StepForm(TablerFormMixin, forms.Form):
    """The next step of a file: its date and the particulars the step records."""

    done_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    body = forms.CharField(label=_("Acting body"), max_length=120, required=False)
    people = forms.CharField(label=_("People"), max_length=200, required=False)
    sponsor_1 = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("First sponsor"), required=False
    )
    sponsor_2 = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("Second sponsor"), required=False
    )
    training_days = forms.IntegerField(label=_("Training days"), min_value=0, required=False)
    training_hours = forms.IntegerField(label=_("Class hours"), min_value=0, required=False)
    entitled = forms.IntegerField(label=_("Members entitled to vote"), min_value=0, required=False)
    present = forms.IntegerField(label=_("Voting members present"), min_value=0, required=False)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("vote", "Outcome"),
        choices=[("", "—"), *ConversionOutcome.choices],
        required=False,
    )
    extension_months = forms.IntegerField(label=_("Extension (months)"), min_value=0, required=False)
    extended_limit = forms.BooleanField(
        label=_("Approval limit extended (special case, up to 6 months)"), required=False
    )
    note = forms.CharField(label=_("Particulars"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = MultipleFileField(label=_("Documents (scans)"), required=False, extensions=DOCUMENT_TYPES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    PEOPLE_LABELS = {
        1: _("Applicant"),
        2: _("Who talked with the applicant"),
        5: _("Contacts (培养联系人), one or two"),
        16: _("Who talked with the applicant"),
    }

    def __init__(self, *args, file=None, number=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = STEP_FIELDS.get(number, ())
        for name in OPTIONAL:
            if name not in wanted:
                del self.fields[name]
        if "people" in self.fields:
            self.fields["people"].label = self.PEOPLE_LABELS.get(number, _("People"))
        if "files" in self.fields and STEP_BY_NUMBER[number].document:
            self.fields["files"].label = STEP_BY_NUMBER[number].document
        if number == 10:
            self.fields["note"].label = _("Conclusion of the political review")
        for name in ("sponsor_1", "sponsor_2"):
            if name in self.fields:
                self.fields[name].queryset = (
                    Person.objects.visible_to(user)
                    .members()
                    .filter(org=file.org)
                    .exclude(pk=file.person_id)
                    .order_by("name_pinyin")
                )
        style_widgets(self)


class AssessmentForm(TablerFormMixin, forms.Form):
    """A further half-yearly assessment of an activist by the branch."""

    done_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    people = forms.CharField(label=pgettext_lazy("candidate", "Contacts"), max_length=200, required=False)
    note = forms.CharField(
        label=pgettext_lazy("candidate", "Assessment"), widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("Assessment form (scan)"), required=False, extensions=DOCUMENT_TYPES)


class StopForm(TablerFormMixin, forms.Form):
    """Stop developing an applicant (停止发展): the date of the decision and its reason."""

    done_on = forms.DateField(label=_("Date of the decision"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason for stopping"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoticeForm(TablerFormMixin, forms.Form):
    """A public notice (公示) before steps 7, 12, 15 or 23."""

    before_step = forms.TypedChoiceField(
        label=_("Before step"),
        coerce=int,
        choices=[(n, f"{n} {STEP_BY_NUMBER[n].label}") for n in NOTICE_STEPS],
    )
    place = forms.CharField(label=_("Published where"), max_length=120)
    starts_on = forms.DateField(label=pgettext_lazy("publicity", "From"), widget=DateInput())
    ends_on = forms.DateField(label=pgettext_lazy("publicity", "Until"), widget=DateInput())
    outcome = forms.CharField(label=_("Feedback received"), max_length=200, required=False)


class QuotaForm(TablerFormMixin, forms.Form):
    """An organisation's development quota for a year."""

    org = OrgChoiceField(label=_("Organisation"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Quota (people)"), min_value=0)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organisation.objects.visible_to(user).current().order_by("path")
        style_widgets(self)
