"""Forms of the extraction pages: the speech, one draft row, a passage to add."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.orgs.forms import DateInput, OrgChoiceField, OrgMultipleChoiceField, TablerFormMixin

from .models import Draft, Extraction


class ExtractionForm(TablerFormMixin, forms.Form):
    """A speech or minutes: whose, when, and its text (pasted or as a .docx / .txt file)."""

    org = OrgChoiceField(label=_("Speaker's organisation"))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Extraction.Kind.choices, initial=Extraction.Kind.SPEECH)
    spoken_on = forms.DateField(label=_("Date of the speech"), widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Paste the speech, or upload it below (simplified or traditional characters)."),
    )
    file = forms.FileField(label=_("Or a file (.docx, .txt or .pdf with a text layer)"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class DraftForm(TablerFormMixin, forms.Form):
    """One row of the draft list as the clerk corrects it."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Draft.Kind.choices)
    orgs = OrgMultipleChoiceField(label=_("Responsible organisations"), required=False)
    deadline = forms.DateField(
        label=pgettext_lazy("extraction", "Deadline"), widget=DateInput(), required=False
    )
    long_term = forms.BooleanField(label=_("Long-term"), required=False)
    dropped = forms.BooleanField(label=_("Drop"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orgs"].queryset = orgs


class PassageForm(TablerFormMixin, forms.Form):
    """A passage of the text to add as a task."""

    quote = forms.CharField(label=_("Passage"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class EmptyForm(forms.Form):
    """A button that needs no fields (merge, hand down)."""
