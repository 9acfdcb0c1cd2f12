"""``core.hanzi.clean_cell``: what offices type, cleaned; a cell with nothing to clean is returned as it is."""

from __future__ import annotations

from dangjian.core import hanzi


def _cleaned_the_long_way(text: str) -> str:
    text = hanzi.half_width(text).replace("\xa0", " ")
    text = hanzi._INNER_SPACE.sub("", text)
    return hanzi._SPACES.sub(" ", text).strip()


def test_cells_are_cleaned_as_offices_type_them():
    assert hanzi.clean_cell(" 张 三 ") == "张三"
    assert hanzi.clean_cell("１９８６－０３－０２") == "1986-03-02"
    assert hanzi.clean_cell("Ｘ\u3000市\xa0 委") == "X 市委"
    assert hanzi.clean_cell("A  B") == "A B"


def test_the_shortcut_for_a_clean_cell_answers_as_the_whole_cleaning_for_every_character():
    """A cell without a space or a full-width digit, letter or separator is returned unchanged without the
    regular expressions; every character of the basic plane, alone and beside Chinese, agrees with the
    whole cleaning (a character the shortcut missed would go into the roll uncleaned)."""
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for text in (chr(code), f"中{chr(code)}国", f"{chr(code)}1"):
            assert hanzi.clean_cell(text) == _cleaned_the_long_way(text), hex(code)
