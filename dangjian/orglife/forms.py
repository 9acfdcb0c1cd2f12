"""Forms of organisational life. They parse input only; the rules live in orglife.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.attachments import MultipleFileField
from dangjian.core.caps import Cap
from dangjian.core.scoping import get_scope
from dangjian.orgs.forms import DateInput, OrgChoiceField, TablerFormMixin, style_widget
from dangjian.orgs.models import Organisation

from .apps import RECORD
from .models import (
    RULE_KINDS,
    CourseKind,
    CoverageTarget,
    FrequencyRule,
    Grade,
    Handling,
    MeetingKind,
    PeriodKind,
    Presence,
)
from .services import Mark


def org_field(user, cap=RECORD, label=None) -> OrgChoiceField:
    """The organisation a record belongs to, put first in a form after the form styled its own fields."""
    field = OrgChoiceField(
        lambda: Organisation.objects.where_can(user, cap).current(),  # built when first read
        key=(user.pk, get_scope(user), cap),
        label=label or _("Organisation"),
    )
    return style_widget(field)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(TablerFormMixin, forms.Form):
    """A meeting: when and what, the minutes, the vote; attendance comes as ``p_<person>``/``r_<person>``."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    planned = forms.BooleanField(label=_("Planned (not yet held)"), required=False)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    chair = forms.CharField(label=_("Chair"), max_length=40, required=False)
    recorder = forms.CharField(label=_("Recorder"), max_length=40, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    key_points = forms.CharField(
        label=_("Key points"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    declared_passed = forms.BooleanField(label=_("Declared passed"), required=False)
    lecturer = forms.CharField(label=_("Lecturer (party lesson)"), max_length=40, required=False)
    lesson_title = forms.CharField(label=_("Lesson title"), max_length=200, required=False)
    observers = forms.CharField(
        label=_("Attending non-members (列席)"),
        max_length=300,
        required=False,
        help_text=_("Names, separated by 、"),
    )
    files = MultipleFileField(label=_("Minutes and photos"), required=False)

    def __init__(self, *args, user, with_org=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_org:
            self.fields = {"org": org_field(user), **self.fields}

    def marks(self) -> dict[int, Mark]:
        """Attendance as posted: ``p_<person id>`` = present/absent/leave, ``r_<person id>`` = reason."""
        result = {}
        for name, value in self.data.items():
            if name.startswith("p_") and name[2:].isdigit() and value in Presence.values:
                pk = int(name[2:])
                result[pk] = Mark(value, self.data.get(f"r_{pk}", "")[:120])
        return result

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        votes = (data.pop("votes_for"), data.pop("votes_against"), data.pop("votes_abstain"))
        passed = data.pop("declared_passed")
        data.pop("org", None)
        # The lecturer is chosen in the attendance table from the expected list (a radio per row): the
        # secretary's own party lesson counts for the rule of DOMAIN.md §2.
        lecturer = str(self.data.get("lecturer_person_id") or "")
        return {
            **data,
            "lecturer_person_id": int(lecturer) if lecturer.isdigit() else None,
            "marks": self.marks(),
            "votes": votes,
            "declared_passed": passed if any(v is not None for v in votes) else None,
        }


class ReportCompileForm(TablerFormMixin, forms.Form):
    month = forms.DateField(label=_("Month"), widget=DateInput(), help_text=_("Any day of the month."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": org_field(user), **self.fields}


class ReportSubmitForm(TablerFormMixin, forms.Form):
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportReviewForm(TablerFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AmendmentForm(TablerFormMixin, forms.Form):
    text = forms.CharField(label=_("Correction"), widget=forms.Textarea(attrs={"rows": 2}))


class RaiseItemsForm(TablerFormMixin, forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class EvaluationForm(TablerFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    person = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    handling = forms.ChoiceField(
        label=_("Handling (unqualified only)"), choices=[("", "—"), *Handling.choices], required=False
    )
    handling_note = forms.CharField(label=_("Handling details"), max_length=300, required=False)
    self_assessment = forms.CharField(
        label=_("Self-assessment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    poll_excellent = forms.IntegerField(label=_("Poll: excellent"), min_value=0, initial=0)
    poll_qualified = forms.IntegerField(label=_("Poll: qualified"), min_value=0, initial=0)
    poll_basic = forms.IntegerField(label=_("Poll: basically qualified"), min_value=0, initial=0)
    poll_unqualified = forms.IntegerField(label=_("Poll: unqualified"), min_value=0, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": org_field(user), **self.fields}


class MutualSheetForm(TablerFormMixin, forms.Form):
    """One member's mutual-assessment sheet: the rater, and ``g_<person id>`` = a grade for each other member."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    rater = forms.IntegerField(label=_("Rated by"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": org_field(user), **self.fields}

    def grades(self) -> dict[int, str]:
        """The grades as posted (an empty choice is left out, so the service names who lacks one)."""
        return {
            int(name[2:]): value
            for name, value in self.data.items()
            if name.startswith("g_") and name[2:].isdigit() and value
        }


class CoverageItemsForm(TablerFormMixin, forms.Form):
    """Hand down who is still missing one training target as ledger items."""

    target = forms.ModelChoiceField(queryset=CoverageTarget.objects.all(), widget=forms.HiddenInput)
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": org_field(user, cap=Cap.INSPECT), **self.fields}
        self.fields["org"].widget = forms.HiddenInput()


class CourseForm(TablerFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("object", "Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1)
    audience = forms.CharField(label=_("Audience"), max_length=200, required=False)
    materials = forms.CharField(
        label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": org_field(user, label=_("Organiser")), **self.fields}


class RuleForm(TablerFormMixin, forms.Form):
    rule = forms.ModelChoiceField(queryset=FrequencyRule.objects.all(), widget=forms.HiddenInput)
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    times = forms.IntegerField(label=_("Times per period"), min_value=0, max_value=31)
    active = forms.BooleanField(label=_("Checked"), required=False)


class TargetForm(TablerFormMixin, forms.Form):
    target = forms.ModelChoiceField(queryset=CoverageTarget.objects.all(), widget=forms.HiddenInput)
    min_courses = forms.IntegerField(label=_("Courses at least"), min_value=0, max_value=50)
    min_hours = forms.DecimalField(label=_("Hours at least"), min_value=0, max_digits=5, decimal_places=1)
    course_kinds = forms.MultipleChoiceField(
        label=_("Kinds of course that count"), choices=CourseKind.choices, required=False
    )
    active = forms.BooleanField(label=_("Checked"), required=False)


class RuleOverrideForm(TablerFormMixin, forms.Form):
    """A row for one organisation kind that differs from the general rule of a meeting kind."""

    kind = forms.ChoiceField(label=_("Meeting kind"), choices=RULE_KINDS)
    org_kind = forms.ChoiceField(label=_("Organisation kind"), choices=[])
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    times = forms.IntegerField(label=_("Times per period"), min_value=0, max_value=31)

    def __init__(self, *args, **kwargs):
        from dangjian.orgs.models import BRANCH_KINDS, OrgKind

        super().__init__(*args, **kwargs)
        self.fields["org_kind"].choices = [(k.value, k.label) for k in OrgKind if k in BRANCH_KINDS]
