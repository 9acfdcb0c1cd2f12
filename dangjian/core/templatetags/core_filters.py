"""Django's ``date`` and ``truncatechars`` filters, with the same output for less work per row.

A fifty-row list writing a date and a shortened note in each row spent 2–4 ms of its page in these two
filters: ``date`` looks up the format and parses it for every value, ``truncatechars`` wraps the text in
a lazy object, looks up the ellipsis' translation twice and walks the text character by character. This
library is installed as a template builtin (``settings.TEMPLATES``), so every template's ``date`` and
``truncatechars`` are these: a numeric format (``Y-m-d H:i``) is written by one ``str.format``
(``core.text.date_text``) and a text is cut by slicing when it has no combining characters. Anything
else is done by Django's own filters; ``core/tests/test_filters.py`` compares both with Django's.
"""

from __future__ import annotations

import unicodedata

from django import template
from django.template import defaultfilters
from django.template.defaultfilters import stringfilter
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import pgettext

from ..text import date_text

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter (the value arrives in local time, as there)."""
    if value in (None, ""):
        return ""
    try:
        return date_text(value, arg)
    except AttributeError:
        return defaultfilters.date(value, arg)


@register.filter(is_safe=True)
@stringfilter
def truncatechars(value, arg):
    """Django's ``truncatechars``: at most ``arg`` characters, the last an ellipsis when the text is cut."""
    try:
        length = int(arg)
    except ValueError:
        return value
    if length <= 0:
        return ""
    text = unicodedata.normalize("NFC", value)
    if len(text) <= length:
        return text
    if any(map(unicodedata.combining, text[: length + 1])):
        return Truncator(value).chars(length)  # combining characters do not count: Django counts them
    ellipsis = pgettext("String to return when truncating text", "%(truncated_text)s…")
    return add_truncation_text(text[: calculate_truncate_chars_length(length, ellipsis)], ellipsis)
