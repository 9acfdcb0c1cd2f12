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


class Inputs(forms.Form):
    text = forms.CharField(required=False)
    number = forms.IntegerField(required=False)
    decimal = forms.DecimalField(required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    when = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    checked = forms.BooleanField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)  # Django's template, as before


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": '<b>"粗"</b> & 体', "number": "0", "decimal": "1.50", "email": "a@b.cn", "checked": "on"},
        {"number": "x", "date": "2026-11-22", "when": "2026-11-22 08:00", "time": "8:00", "hidden": "&"},
    ],
)
def test_inputs_are_written_as_django_writes_them(settings, data):
    settings.USE_THOUSAND_SEPARATOR = True
    ours = Inputs(data, renderer=FormRenderer(), initial={"text": mark_safe("<i>已转义</i>"), "number": 1234})
    django = Inputs(
        data, renderer=DjangoTemplates(), initial={"text": mark_safe("<i>已转义</i>"), "number": 1234}
    )
    for form in (ours, django):
        for field in form.fields.values():
            field.widget.attrs.update(
                {"class": "form-control", "data-x": '"q"', "required": True, "hidden": False}
            )
    for name in Inputs.base_fields:
        assert str(ours[name]) == str(django[name]), name
    assert str(ours) == str(django)


def test_an_input_is_not_rendered_by_a_template(monkeypatch):
    from django.forms import renderers

    def refuse(self, template_name, context, request=None):
        raise AssertionError(template_name)

    monkeypatch.setattr(renderers.DjangoTemplates, "render", refuse)
    form = Inputs({"text": "<x>"}, renderer=FormRenderer())
    for name in ("text", "number", "email", "password", "hidden", "date", "when", "search", "checked"):
        assert "<input" in str(form[name]), name
