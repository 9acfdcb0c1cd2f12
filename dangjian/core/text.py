"""``Text``: a user-facing string, plain or translated lazily (``gettext_lazy``), for type hints;
``text_of``: its text in the active language, a lazy translation translated once per language."""

from django.utils import translation
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
