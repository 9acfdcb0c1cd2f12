"""Form helpers every app uses: showing a service's refusal on the form it came from; the form renderer."""

from __future__ import annotations

import html

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from .text import text_of


def add_service_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Django's widget templates that are ``{% include "django/forms/widgets/input.html" %}`` and a line end.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
        "color", "checkbox",
    )
)  # fmt: skip
_AUTOESCAPE = Context(autoescape=True)


class FormRenderer(DjangoTemplates):
    """Django's form renderer (settings.FORM_RENDERER), with ``<select>`` and ``<input>`` written in Python.

    Django renders every ``<option>`` through two templates: a filter offering the 474 organisations
    of a county took 25 ms, more than the rest of the ledger page; and each ``<input>`` through three (its
    type's, ``input.html``, ``attrs.html``), about 0.3 ms a field, 2–3 ms of a list's filter form. They are
    written here exactly as Django's templates write them (same characters, checked in
    ``core/tests/test_forms_renderer.py``); every other template, and a select whose options use another
    template, is rendered by Django as before.
    """

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = _select_html(context["widget"])
            if html is not None:
                return html
        elif template_name in INPUT_TEMPLATES:
            return _input_html(context["widget"])
        return super().render(template_name, context, request=request)


def _input_html(widget) -> str:
    """``input.html`` as its type's template includes it (the renderer strips the template's line ends)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_stringformat(value)}"'
    return mark_safe(  # every value is escaped
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs_html(widget['attrs'])}>"
    )


def _stringformat(value) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape."""
    if type(value) is str:  # the common case, as Django's escape() writes it without its wrappers
        return html.escape(value)
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs_html(attrs) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {conditional_escape(name)}")
            if value is not True:
                parts.append(f'="{_stringformat(value)}"')
    return "".join(parts)


def options_html(choices, chosen, *, many: bool) -> str:
    """The ``<option>`` elements of flat (value, label) choices, character for character as Django's
    ``select.html`` writes them (``select_option.html``; a single select marks only the first match of
    ``chosen``, the widget's formatted value). For a widget with thousands of options that makes them
    itself instead of through ``ChoiceWidget.optgroups`` (``orgs.forms.OrgSelect``); it hands them to this
    renderer as the widget's ``options_html``."""
    chosen = set(chosen)
    parts = []
    has_selected = False
    for value, label in choices:
        text = "" if value is None else value if type(value) is str else str(value)
        selected = (many or not has_selected) and text in chosen
        has_selected |= selected
        if isinstance(label, Promise):
            label = text_of(label)
        label = html.escape(label) if type(label) is str else render_value_in_context(label, _AUTOESCAPE)
        parts.append(
            f'\n  <option value="{html.escape(text)}"{" selected" if selected else ""}>{label}</option>\n'
        )
    return "".join(parts)


def _select_html(widget) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    if "options_html" in widget:  # a widget that writes its own options (``orgs.forms.OrgSelect``)
        parts.append(widget["options_html"])
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # the widget escapes its options
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, _AUTOESCAPE)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            label = option["label"]
            if isinstance(label, Promise):
                label = text_of(label)  # a choice's lazy label, translated once per language
            label = html.escape(label) if type(label) is str else render_value_in_context(label, _AUTOESCAPE)
            attrs = _attrs_html(option["attrs"]) if option["attrs"] else ""
            # The option template's file ends with a line end, which Django's output keeps.
            parts.append(f'\n  <option value="{_stringformat(option["value"])}"{attrs}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every value above is escaped
