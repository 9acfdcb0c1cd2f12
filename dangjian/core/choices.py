"""A choice field's label (``get_FOO_display``), its labels translated once per language.

Django's ``get_FOO_display`` builds the field's whole choice dictionary on every call, hashing each
lazy label, which translates it: a meeting list showing a kind and a status on fifty rows translated
some six hundred labels per page, a fifth of the page's time. Here the labels of a field are
translated once per language and kept; the answer is Django's (the label, or the value itself when it
is not among the choices).

Every module's models get it through the module contract (``core.modules.register_module`` calls
``install`` with the app's models), in place of the ``get_FOO_display`` methods Django added; a model
that writes its own ``get_FOO_display`` keeps it. Python code that has the field's name rather than
the method (a table's render method) calls ``choice_label(record, "kind")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partialmethod

from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_labels: dict = {}  # (model field, language) → {value: label}
# The method Django's fields add as get_FOO_display (a private one: django-stubs does not declare it).
_DJANGOS_DISPLAY = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def labels_for(field: models.Field) -> dict:
    """{value: label} of a choice field in the current language (translated once per language)."""
    key = (field, get_language())
    labels = _labels.get(key)
    if labels is None:
        choices = dict(make_hashable(field.flatchoices))
        labels = _labels[key] = {k: force_str(v, strings_only=True) for k, v in choices.items()}
    return labels


_text_labels: dict = {}  # (model field, language) → {str(value): label}


def labels_by_text(field: models.Field) -> dict:
    """{value as text: label} of a choice field in the current language (a value read back from text, as
    the audit log stores it)."""
    key = (field, get_language())
    labels = _text_labels.get(key)
    if labels is None:
        labels = _text_labels[key] = {str(k): str(v) for k, v in labels_for(field).items()}
    return labels


def label_of(record, field: models.Field):
    """What ``record.get_<field>_display()`` answers in Django, from labels translated once per language."""
    value = getattr(record, field.attname)
    found = labels_for(field).get(make_hashable(value), value)
    return found if isinstance(found, str) else force_str(found, strings_only=True)


def choice_label(record, name: str):
    """``record.get_<name>_display()`` for the field called ``name``."""
    return label_of(record, record._meta.get_field(name))


def install(model_classes: Iterable[type[models.Model]]) -> None:
    """Give these models' choice fields the kept labels' ``get_FOO_display`` (not fields whose choices are
    worked out by a function on each use, nor a method the model writes itself)."""
    for model in model_classes:
        for field in model._meta.fields:
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            if display_field(model, name) is not None:
                setattr(model, name, partialmethod(label_of, field=field))


def display_field(model: type[models.Model], name: str) -> models.Field | None:
    """The field behind ``model.<name>`` when it is the ``get_FOO_display`` Django's field added (or the one
    ``install`` put there), else None (a method the model writes itself, or no such method)."""
    for klass in model.__mro__:
        if name in klass.__dict__:
            method = klass.__dict__[name]
            if isinstance(method, partialmethod) and method.func in (_DJANGOS_DISPLAY, label_of):
                return method.keywords["field"]
            return None
    return None
