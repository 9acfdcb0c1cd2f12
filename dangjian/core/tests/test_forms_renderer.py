"""core.forms.FormRenderer writes a <select> character for character as Django's templates do."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dangjian.core.forms import FormRenderer

CHOICES = [
    ("", "全部"),
    (1, "<script>alert(1)</script>"),
    ("a&b", mark_safe("<b>safe</b>")),
    (2026, 2026),
    ("lazy", gettext_lazy("Export")),
    ("Group <1>", [("g1", "一"), ("g2", "二")]),
    ((1, 2), "a tuple"),
]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    typed = forms.TypedChoiceField(choices=[(1, "x"), (2, "y")], coerce=int)
    yes_no = forms.NullBooleanField()
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"one": "1", "many": ["a&b", "g2"], "typed": "2", "yes_no": "true"},
        {"one": "nope", "many": ["x"]},
    ],
)
def test_selects_are_written_as_django_writes_them(settings, data):
    settings.USE_THOUSAND_SEPARATOR = True
    for name in ("one", "many", "typed", "yes_no", "radio"):
        ours = Sample(data, renderer=FormRenderer())
        django = Sample(data, renderer=DjangoTemplates())
        for form in (ours, django):
            form.fields[name].widget.attrs.update(
                {"class": "form-select", "data-x": '"q"', "disabled": True, "hidden": False}
            )
        assert str(ours[name]) == str(django[name]), name


def test_the_select_is_not_rendered_by_a_template(monkeypatch):
    from django.forms import renderers

    def refuse(self, template_name, context, request=None):
        raise AssertionError(template_name)

    monkeypatch.setattr(renderers.DjangoTemplates, "render", refuse)
    assert "&lt;script&gt;" in str(Sample(renderer=FormRenderer())["one"])
