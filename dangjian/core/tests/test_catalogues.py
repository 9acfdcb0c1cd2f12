"""Django merges every app's translation catalogue into one namespace and the first catalogue
(LOCALE_PATHS, then INSTALLED_APPS order) wins. So when two catalogues translate the same
(msgctxt, msgid) differently, one module silently shows the other module's word (a closed talk
campaign once read 已销号, the ledger's "Closed"). Each (msgctxt, msgid) must therefore mean one thing
in the whole repository: the same word gets the same Chinese everywhere, and an English word that means
different things in different modules gets a context (pgettext / {% translate … context … %})."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]  # the dangjian package


def _catalogues() -> list[Path]:
    found = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
    assert len(found) >= 10, f"expected every app's zh_Hans catalogue, found {found}"
    return found


def _translation(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return " | ".join(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return entry.msgstr


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT.parent)).split("/locale/")[0]


def test_no_two_catalogues_translate_the_same_message_differently():
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            translation = _translation(entry)
            if translation.strip(" |"):
                seen[(entry.msgctxt, entry.msgid)][_label(path)] = translation
    collisions = [
        f"{ctx + ' | ' if ctx else ''}{msgid!r}: "
        + "; ".join(f"{where} → {text}" for where, text in sorted(by_catalogue.items()))
        for (ctx, msgid), by_catalogue in sorted(seen.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
        if len(set(by_catalogue.values())) > 1
    ]
    assert not collisions, (
        f"{len(collisions)} messages are translated differently in different catalogues; only one "
        "wins at run time. Unify the Chinese, or give the source string a context:\n" + "\n".join(collisions)
    )


def test_every_catalogue_entry_is_translated_and_not_fuzzy():
    problems = []
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{_label(path)}: fuzzy {entry.msgid!r}")
            elif not _translation(entry).strip(" |"):
                problems.append(f"{_label(path)}: untranslated {entry.msgid!r}")
    assert not problems, "\n".join(problems)
