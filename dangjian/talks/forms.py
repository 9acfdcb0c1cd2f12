"""Forms of the talks pages. They parse input only; the rules live in talks.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import DateInput, TablerFormMixin


class InterviewForm(TablerFormMixin, forms.Form):
    """An interview (约谈) over an overdue item: who, whom, when, where, what was said and promised."""

    held_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    talker = forms.CharField(label=_("Talked by"), max_length=120)
    talkee = forms.CharField(label=_("Talked to"), max_length=120)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    commitments = forms.CharField(
        label=_("Commitments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
