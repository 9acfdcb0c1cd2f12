"""Forms of the evaluation pages. They parse input only; the rules live in reviews.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.attachments import MultipleFileField
from dangjian.orgs.forms import DateInput, OrgChoiceField, TablerFormMixin

from .models import Grade, ReviewSession


class SessionForm(TablerFormMixin, forms.Form):
    """A new session: host organisation, year, title, date, venue, kind of score sheet."""

    org = OrgChoiceField(label=_("Host organisation"))
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    title = forms.CharField(label=pgettext_lazy("object", "Title"), max_length=120)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    venue = forms.CharField(label=_("Venue"), max_length=120, required=False)
    sheet_kind = forms.ChoiceField(label=_("Score sheet"), choices=ReviewSession.SheetKind.choices)
    with_comment = forms.BooleanField(label=_("Raters may add a comment"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class SessionEditForm(TablerFormMixin, forms.Form):
    """The session's title, date, venue and whether raters may add a comment."""

    title = forms.CharField(label=pgettext_lazy("object", "Title"), max_length=120)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    venue = forms.CharField(label=_("Venue"), max_length=120, required=False)
    with_comment = forms.BooleanField(label=_("Raters may add a comment"), required=False)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Rater group"), max_length=40, required=False)
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=0, max_value=100, required=False)
    expected = forms.IntegerField(label=_("Expected raters"), min_value=0, max_value=500, required=False)
    quorum = forms.IntegerField(label=_("Minimum raters"), min_value=0, max_value=500, required=False)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=80, required=False)
    max_points = forms.IntegerField(label=_("Maximum points"), min_value=0, max_value=100, required=False)


GroupFormSet = forms.formset_factory(GroupForm, extra=0, max_num=8, absolute_max=8)
IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=0, max_num=10, absolute_max=10)


class SheetForm(TablerFormMixin, forms.Form):
    """The points of each grade and the lowest total of each overall grade."""

    points_good = forms.IntegerField(label=_("Points of “Good”"), min_value=0, max_value=100)
    points_fairly_good = forms.IntegerField(label=_("Points of “Fairly good”"), min_value=0, max_value=100)
    points_average = forms.IntegerField(label=_("Points of “Average”"), min_value=0, max_value=100)
    points_poor = forms.IntegerField(label=_("Points of “Poor”"), min_value=0, max_value=100)
    threshold_good = forms.IntegerField(label=_("Lowest total graded “Good”"), min_value=0, max_value=100)
    threshold_fairly_good = forms.IntegerField(
        label=_("Lowest total graded “Fairly good”"), min_value=0, max_value=100
    )
    threshold_average = forms.IntegerField(
        label=_("Lowest total graded “Average”"), min_value=0, max_value=100
    )


class ReporterForm(TablerFormMixin, forms.Form):
    """Add an organisation below the host and its secretary to the reporters."""

    org = OrgChoiceField(label=_("Organisation"))
    secretary = forms.CharField(label=_("Secretary reporting"), max_length=40)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class ReportForm(TablerFormMixin, forms.Form):
    """The written report in three parts, with attachments."""

    achievements = forms.CharField(label=_("Achievements"), widget=forms.Textarea(attrs={"rows": 6}))
    problems = forms.CharField(
        label=_("Problems found"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One problem per line: each line can be handed over as an item after the session."),
    )
    plans = forms.CharField(label=_("Plans for next year"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Attachments"), required=False)


class QuestionForm(TablerFormMixin, forms.Form):
    asker_role = forms.CharField(label=_("Asked by (role)"), max_length=60)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentForm(TablerFormMixin, forms.Form):
    commenter = forms.CharField(label=_("Comment by"), max_length=60)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class HandOverForm(TablerFormMixin, forms.Form):
    problems = forms.CharField(
        label=_("Problems to hand over"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One problem per line; each becomes an item of the organisation's rectification list."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def clean_problems(self):
        return [line.strip() for line in self.cleaned_data["problems"].splitlines() if line.strip()]


class CodeForm(TablerFormMixin, forms.Form):
    code = forms.CharField(label=_("Ballot code"), max_length=20)


class BallotForm(forms.Form):
    """A rater's ballot on one reporter: a grade, or points per indicator; optionally a comment."""

    reporter = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    grade = forms.ChoiceField(
        label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect, required=False
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = []
        if session.sheet_kind == ReviewSession.SheetKind.INDICATORS:
            del self.fields["grade"]
            for ind in session.indicators.all():
                name = f"score_{ind.pk}"
                self.fields[name] = forms.CharField(
                    label=f"{ind.name}（0–{ind.max_points}）",
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 0, "max": ind.max_points, "step": "0.5"}),
                )
                self.indicators.append((ind, name))
        if not session.with_comment:
            del self.fields["comment"]

    def scores(self) -> dict:
        return {str(ind.pk): self.cleaned_data.get(name) for ind, name in self.indicators}
