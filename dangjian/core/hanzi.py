"""Chinese text as offices type it: traditional characters read as simplified, full-width letters and digits.

One place for the conversions that imports and the task extractor need. ``to_simplified``
keeps the text exactly as long as it was (one character for one), so a position found in
the converted text is a position in the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full-width digits and Latin letters, and the separators of dates, numbers and codes, as ASCII.
# Full-width Chinese punctuation （）：，；！？ is left alone: it belongs to names and sentences.
_HALF: dict[int, int | str] = {0x3000: " "}
_HALF.update({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})  # ０-９
_HALF.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_HALF.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_HALF.update({ord(ch): ord(ch) - 0xFEE0 for ch in "－／．＋＠＿＃"})
_CJK = r"\u3400-\u9fff"
_INNER_SPACE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, exactly as long as ``text``."""
    if not text:
        return ""
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) != len(text):
        # A phrase conversion changed the length: convert character by character to keep positions.
        converted = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in text)
    return converted


def half_width(text: str) -> str:
    """Full-width digits, letters and code separators as ASCII (“１２３”→“123”, “Ｘ”→“X”)."""
    return text.translate(_HALF)


# Whatever ``clean_cell`` would change: any space, a full-width digit, letter or separator. Most cells
# (names, ID numbers, dates, choices) have none, and an import reads a hundred thousand rows of them.
_UNCLEAN = re.compile(r"[\s\uff10-\uff19\uff21-\uff3a\uff41-\uff5a－／．＋＠＿＃]")
# Whether ``clean_cell`` would change a text (a match) or not (None), with no Python call in between.
needs_cleaning = _UNCLEAN.search


def clean_cell(text: str) -> str:
    """A typed value without the stray spaces of real spreadsheets: trimmed, none between Chinese characters."""
    if needs_cleaning(text) is None:
        return text
    text = half_width(text).replace("\xa0", " ")
    text = _INNER_SPACE.sub("", text)
    return _SPACES.sub(" ", text).strip()
