"""Fill empty msgstr entries of a .po catalogue from a JSON dict {msgid: msgstr} (a maintenance helper).

Usage: python scripts/fill_po.py path/to/django.po translations.json
Entries already translated are left alone; untranslated ones without a translation are listed.
"""

import json
import sys

import polib


def main() -> int:
    po_path, json_path = sys.argv[1], sys.argv[2]
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            # A fuzzy entry holds a guessed translation of another message: drop the guess entirely.
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                if entry.msgid in table:
                    entry.msgstr_plural = {0: table[entry.msgid]}
                else:
                    missing.append(entry.msgid)
            continue
        if not entry.msgstr:
            if entry.msgid in table:
                entry.msgstr = table[entry.msgid]
            else:
                missing.append(entry.msgid)
    po.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
