"""A record's history is written by a tag (``core_tags.timeline_entries``): its markup is the template's it
replaced, character for character, in both languages, for every kind of entry (a workflow step with and
without its name and note, a creation, a change with its old and new values, an access, a deletion, an
entry of the system), with addresses, values that need escaping, empty values, and for no history at all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.urls import reverse
from django.utils import translation

from dangjian.core.audit import TimelineEntry
from dangjian.core.templatetags.core_tags import timeline_entries

# The template as it was, kept beside this test only to be compared with.
REPLACED = (Path(__file__).parent / "replaced_templates" / "timeline.html").read_text()
_ENGINE = Engine(libraries={"i18n": "django.templatetags.i18n"})


class _Actor:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name


def _entries() -> list[TimelineEntry]:
    at = datetime(2026, 11, 30, 23, 5, tzinfo=UTC)  # 2026-12-01 07:05 in Beijing: written in local time
    return [
        TimelineEntry(at=at, actor=_Actor("张三 <b>"), kind="status", text="整改中 → 申请销号", changes=[],
                      note='已完成 "整改" & 复查', address="203.0.113.7", action="申请销号"),
        TimelineEntry(at=at, actor=None, kind="status", text="已下发 → 已签收", changes=[("整改措施", "", "立行立改")]),
        TimelineEntry(at=at, actor=_Actor("李四"), kind="create", text="", changes=[("标题", "—", "新的")]),
        TimelineEntry(at=at, actor=_Actor("李四"), kind="update", text="", address="10.0.0.1",
                      changes=[("标题", "旧<i>", "新&"), ("期限", None, "2026-12-31"), ("数量", 0, 3)]),
        TimelineEntry(at=at, actor=_Actor("王五"), kind="update", text="导入 <file>.xlsx", changes=[]),
        TimelineEntry(at=at, actor=_Actor("王五"), kind="access", text="查看身份证号", changes=[]),
        TimelineEntry(at=at, actor=_Actor(""), kind="delete", text="", changes=[("名称", "甲", "")]),
        TimelineEntry(at=None, actor=None, kind="status", text="", changes=[], note="", action=""),
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_history_is_the_markup_of_the_template_it_replaced(language, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override(language):
        for entries in (_entries(), _entries()[:1], [], None):
            old = _ENGINE.from_string(REPLACED).render(Context({"timeline": entries}))
            assert timeline_entries(entries) == old
    assert "2026-12-01 07:05" in timeline_entries(_entries())
    assert "张三 &lt;b&gt;" in timeline_entries(_entries()) and "<b>&" not in timeline_entries(_entries())


def test_a_record_page_shows_its_history_through_the_tag(client, personas, county, people):
    client.force_login(personas.county_admin)
    html = client.get(reverse("orgs:person_detail", args=[people["a1"].pk])).content.decode()
    assert 'data-testid="timeline"' in html and 'class="mb-2 pb-2 border-bottom"' in html
