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


def test_no_catalogue_of_an_app_installed_before_ours_overrides_our_word():
    """django.contrib.admin, auth, humanize, rest_framework… come before our apps in INSTALLED_APPS, so
    their Chinese wins over an app's catalogue (“name” read 名称 for a person, “History” 历史). Only the
    shell's catalogue (LOCALE_PATHS) comes before them: put a shared word there, or give ours a context."""
    from django.apps import apps
    from django.conf import settings

    shell = {
        (e.msgctxt, e.msgid)
        for locale in settings.LOCALE_PATHS
        for path in Path(locale).glob("zh_Hans/LC_MESSAGES/django.po")
        for e in polib.pofile(str(path))
    }
    ours: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and _translation(entry) and (entry.msgctxt, entry.msgid) not in shell:
                ours[(entry.msgctxt, entry.msgid)][_label(path)] = _translation(entry)
    overridden = []
    for app in apps.get_app_configs():
        if app.name.startswith("dangjian."):
            break
        mo = Path(app.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            continue
        for entry in polib.mofile(str(mo)):
            key = (entry.msgctxt, entry.msgid)
            if key in ours and entry.msgstr and set(ours[key].values()) != {entry.msgstr}:
                overridden.append(f"{app.label} says {entry.msgstr} for {entry.msgid!r}, we say {ours[key]}")
    assert not overridden, "\n".join(overridden)
