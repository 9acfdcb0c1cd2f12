"""``Text``: a user-facing string, plain or translated lazily (``gettext_lazy``), for type hints;
``text_of``: its text in the active language, a lazy translation translated once per language;
``date_text``: a date as Django's ``date`` filter writes it, without its per-call work for numeric formats."""

from datetime import date, datetime

from django.utils import formats, translation
from django.utils.dateformat import re_formatchars
from django.utils.functional import Promise

Text = str | Promise

# (id of a lazy translation, language) → (the lazy translation, its text); emptied beyond _KEPT.
_texts: dict = {}
_KEPT = 5000
_TRANSLATIONS = (translation.gettext, translation.pgettext)


def text_of(value: Text) -> str:
    """``str(value)``; for ``gettext_lazy`` / ``pgettext_lazy`` labels (choices, fields, the sidebar) read
    again on every page, the catalogue is looked up once per label and language instead of each time."""
    if type(value) is str:
        return value
    if not isinstance(value, Promise):
        return str(value)
    key = (id(value), translation.get_language())
    found = _texts.get(key)
    if found is not None and found[0] is value:
        return found[1]
    text = str(value)
    reduced = value.__reduce__()[1]
    if reduced and reduced[0] in _TRANSLATIONS:  # only translations: another lazy may read anything
        if len(_texts) >= _KEPT:
            _texts.clear()
        _texts[key] = (value, text)  # the label is kept too, so its id names no other object
    return text


# Format characters whose output is a number of the date alone or of its time, as str.format fields
# (what django.utils.dateformat writes for them); any other character depends on the language or the zone.
_DATE_FIELDS = {
    "Y": "{0.year:04d}",
    "m": "{0.month:02d}",
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "n": "{0.month}",
}
_TIME_FIELDS = {"H": "{0.hour:02d}", "i": "{0.minute:02d}", "s": "{0.second:02d}", "G": "{0.hour}"}
_date_patterns: dict = {}  # format → (str.format pattern or None, whether it reads the time)


def date_pattern(date_format: str) -> tuple[str | None, bool]:
    """``date_format`` as a ``str.format`` pattern giving what ``formats.date_format`` gives, and whether it
    reads the time; (None, False) for a format setting's name, names of months or days, escapes, time zones."""
    found = _date_patterns.get(date_format)
    if found is None:
        found = (None, False)
        if date_format not in formats.FORMAT_SETTINGS and "\\" not in date_format:
            pattern, timed = [], False
            for i, piece in enumerate(re_formatchars.split(date_format)):
                if not i % 2:
                    pattern.append(piece.replace("{", "{{").replace("}", "}}"))
                elif piece in _DATE_FIELDS:
                    pattern.append(_DATE_FIELDS[piece])
                elif piece in _TIME_FIELDS:
                    pattern.append(_TIME_FIELDS[piece])
                    timed = True
                else:
                    break
            else:
                found = ("".join(pattern), timed)
        if len(_date_patterns) >= _KEPT:
            _date_patterns.clear()
        _date_patterns[date_format] = found
    return found


def date_text(value, date_format: str | None) -> str:
    """``formats.date_format(value, date_format)``: a date or datetime in a numeric format (``Y-m-d H:i``,
    ``Y年n月j日``) is written by one ``str.format``; anything else, and every error, is Django's."""
    kind = type(value)
    # No format is the DATE_FORMAT setting's: Django's.
    if (kind is datetime or kind is date) and date_format and isinstance(date_format, str):
        pattern, timed = date_pattern(date_format)
        if pattern is not None and (kind is datetime or not timed):
            return pattern.format(value)
    return formats.date_format(value, date_format)
