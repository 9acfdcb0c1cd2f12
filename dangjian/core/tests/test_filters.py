"""Every template's ``date`` and ``truncatechars`` (core/templatetags/core_filters.py, template builtins):
what Django's filters write, for less work per row."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from unittest import mock

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

FORMATS = [
    "Y-m-d",
    "Y-m-d H:i",
    "Y年n月j日",
    "Y年m月d日 H:i:s",
    "n/j G点",
    "{Y}-{m}",  # braces are literal text
    "y-m-d",  # a two-digit year: Django's
    "D, j M Y",  # names of days and months: Django's, in the language
    "Y-m-d H:i T",  # the zone's name: Django's
    r"Y\年m",  # an escape: Django's
    "SHORT_DATE_FORMAT",
    "DATE_FORMAT",
    "",
]
VALUES = [
    date(2026, 11, 22),
    date(7, 1, 2),
    datetime(2026, 11, 22, 23, 59, 7, tzinfo=dt_timezone.utc),  # 2026-11-23 07:59 in Shanghai
    datetime(2026, 1, 2, 3, 4, 5),  # naive
    time(9, 5),
    "2026-11-22",
    None,
    "",
    0,
]


def _ours(code: str, **context) -> str:
    return engines["django"].from_string(code).render(context)


def _djangos(code: str, **context) -> str:
    return Engine(libraries={}, builtins=[]).from_string(code).render(Context(context))


def _both(code: str, **context):
    results = []
    for render in (_ours, _djangos):
        try:
            results.append(("ok", render(code, **context)))
        except Exception as exc:  # the same error is the same behaviour
            results.append((type(exc).__name__, str(exc)))
    return results


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_are_written_as_django_writes_them(language):
    with translation.override(language), timezone.override("Asia/Shanghai"):
        for fmt in FORMATS:
            for value in VALUES:
                for code in (
                    f'{{{{ value|date:"{fmt}" }}}}',
                    "{{ value|date:fmt }}",
                    f'{{% localtime off %}}{{{{ value|date:"{fmt}" }}}}{{% endlocaltime %}}',
                ):
                    ours, djangos = _both(code, value=value, fmt=fmt)
                    assert ours == djangos, (fmt, value, code)
        assert _ours('{{ v|date:"Y-m-d H:i" }}', v=VALUES[2]) == "2026-11-23 07:59"
        assert _ours("{{ v|date }}", v=VALUES[0]) == _djangos("{{ v|date }}", v=VALUES[0])


TEXTS = [
    "书记在岗，台账不全" * 6,
    "short",
    "",
    "e\u0301" * 30,  # combining accents do not count as characters
    "Cafe\u0301 au lait, s'il vous plait" * 3,  # NFC composes the accent
    "ab" * 20 + "c",
    "<b>粗体</b>" * 10,
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_texts_are_cut_as_django_cuts_them(language):
    with translation.override(language):
        for text in TEXTS:
            for length in ("40", "1", "2", "0", "-3", "x", "41", "3"):
                for value in (text, mark_safe(text), 12345678901234567890):
                    code = f'{{{{ value|truncatechars:"{length}" }}}}'
                    ours, djangos = _both(code, value=value)
                    assert ours == djangos, (text, length, type(value))
        cut = _ours('{{ t|truncatechars:"5" }}', t="书记在岗，台账不全")
        assert cut == {"en": "书记在岗…", "zh-hans": "书记..."}[language]  # Django's catalogue: three dots


def test_a_list_s_dates_and_notes_are_written_without_django_s_per_value_work():
    code = (
        '{% for r in rows %}{{ r.at|date:"Y-m-d H:i" }}|{{ r.on|date:"Y年n月j日" }}|'
        "{{ r.note|truncatechars:10 }}\n{% endfor %}"
    )
    at = timezone.now()
    rows = [
        {"at": at + timedelta(minutes=n), "on": date(2026, 1, 1) + timedelta(days=n), "note": "备注" * n}
        for n in range(50)
    ]
    expected = _djangos(code, rows=rows)
    with (
        mock.patch("django.utils.formats.date_format", side_effect=AssertionError("formatted")) as formatted,
        mock.patch("django.utils.text.Truncator", side_effect=AssertionError("truncated")) as truncated,
    ):
        assert _ours(code, rows=rows) == expected
    assert formatted.call_count == truncated.call_count == 0


def test_a_filter_without_its_argument_is_refused_as_in_django():
    with pytest.raises(TemplateSyntaxError):
        _ours("{{ t|truncatechars }}", t="abc")
