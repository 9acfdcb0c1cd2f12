"""Reading a speech: simplified characters for analysis, and the text cut into numbered sentences.

Every position is an index into the ORIGINAL text: the conversion to simplified characters and
the folding of half-width punctuation keep one character for one character, so a quote taken
at [start:end] of the original is the sentence the rules read in simplified form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dangjian.core.hanzi import to_simplified

# Half-width punctuation as the rules read it (one character for one, positions kept).
_FOLD = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
_SENTENCE_END = "。！？；"
_CN_NUM = "一二三四五六七八九十"
# Enumerations that open a paragraph: 一、 / （一） / 1. / 第一，
HEADING_1 = re.compile(rf"^[{_CN_NUM}]+、")
HEADING_2 = re.compile(rf"^（[{_CN_NUM}]+）")
HEADING_3 = re.compile(r"^\d{1,2}[\.．、](?!\d)")
ORDINAL = re.compile(rf"^第[{_CN_NUM}]+[，、：]")
# Enumerations inside a paragraph: 一是 / 二要 / 三抓
POINT = re.compile(rf"^[{_CN_NUM}]{{1,2}}(?:是|要|抓|个方面)")


def simplified(text: str) -> str:
    """The text in simplified characters with full-width punctuation, exactly as long as ``text``."""
    return to_simplified(text).translate(_FOLD)


@dataclass(frozen=True)
class Sentence:
    """One sentence (or clause ended by ；) of the text: where it is and how it reads."""

    index: int
    start: int  # in the original text
    end: int
    text: str  # simplified, stripped
    paragraph: int
    first_in_paragraph: bool
    heading: int  # 1, 2 or 3 for a paragraph that is a numbered heading, else 0
    section: str  # the level-1 heading the sentence falls under (simplified), "" before any


def sentences(original: str) -> list[Sentence]:
    """Cut ``original`` into sentences with their positions, paragraphs and headings."""
    text = simplified(original)
    result: list[Sentence] = []
    section = ""
    offset = 0
    for paragraph_no, line in enumerate(text.split("\n")):
        line_start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = line_start + (len(line) - len(line.lstrip()))
        heading = _heading_level(stripped)
        if heading == 1:
            section = stripped
        first = True
        start = lead
        body_end = line_start + len(line.rstrip())
        i = start
        while i < body_end:
            ch = text[i]
            closing = ch in _SENTENCE_END
            if closing:
                # Keep a closing quote or bracket with its sentence.
                j = i + 1
                while j < body_end and text[j] in "”’」）":
                    j += 1
                result.append(_sentence(text, len(result), start, j, paragraph_no, first, heading, section))
                first = False
                start = j
                i = j
                continue
            i += 1
        if start < body_end and text[start:body_end].strip():
            result.append(
                _sentence(text, len(result), start, body_end, paragraph_no, first, heading, section)
            )
    return [s for s in result if s.text]


def _sentence(text, index, start, end, paragraph, first, heading, section) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    return Sentence(
        index=index,
        start=start,
        end=end,
        text=text[start:end].strip(),
        paragraph=paragraph,
        first_in_paragraph=first,
        heading=heading,
        section=section,
    )


def _heading_level(paragraph: str) -> int:
    """1, 2, 3 for a short numbered paragraph that heads what follows (一、 （一） 1.), else 0."""
    for level, pattern in ((1, HEADING_1), (2, HEADING_2), (3, HEADING_3)):
        if pattern.match(paragraph):
            # A heading is one line; a numbered paragraph of several sentences is body text.
            body = paragraph.rstrip("。")
            if len(body) <= 60 and not any(ch in body for ch in "。；"):
                return level
            return 0
    return 0
