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


AUDIT_ROWS = (Path(__file__).parent / "replaced_templates" / "audit_log_rows.html").read_text()


class _Entry:
    """What the audit page's rows read of an entry."""

    def __init__(self, *, actor, address, action, data, kind, record, changes, at):
        self.timestamp, self.actor, self.remote_addr, self.additional_data = at, actor, address, data
        self._action, self.object_repr, self.change_rows = action, record, changes
        self.content_type = type("CT", (), {"name": kind})()

    def get_action_display(self):
        return self._action


def _audit_entries() -> list[_Entry]:
    at = datetime(2026, 11, 30, 23, 5, 9, tzinfo=UTC)
    return [
        _Entry(actor=_Actor("张三 <b>"), address="203.0.113.7", action="更新", data={"event": "导入 <x>.xlsx"},
               kind="问题", record='整改 "台账" & 复查', at=at,
               changes=[("标题", "旧<i>", "新&"), ("期限", "—", "2026-12-31")]),
        _Entry(actor=None, address=None, action="创建", data=None, kind="党员", record="李四", changes=[], at=at),
        _Entry(actor=_Actor(""), address="", action="查看", data={"other": 1}, kind="党员", record="王五",
               changes=[("身份证号", None, "3603**********1234")], at=at),
        _Entry(actor=_Actor("赵六"), address="10.0.0.1", action="删除", data={"event": ""}, kind="组织",
               record="", changes=[], at=at),
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_audit_rows_are_the_markup_of_the_template_they_replaced(language, settings):
    from dangjian.core.templatetags.core_tags import audit_log_rows

    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override(language):
        for entries in (_audit_entries(), _audit_entries()[1:2], []):
            old = _ENGINE.from_string(AUDIT_ROWS).render(Context({"page": entries}))
            assert audit_log_rows(entries) == old
    written = audit_log_rows(_audit_entries())
    assert "2026-12-01 07:05:09" in written and "张三 &lt;b&gt;" in written and "<i>" not in written


def test_the_audit_page_writes_its_rows_through_the_tag(client, personas, county, monkeypatch):
    from dangjian.core.templatetags import core_tags

    written = []
    real = core_tags._audit_log_row
    monkeypatch.setattr(core_tags, "_audit_log_row", lambda log: written.append(log) or real(log))
    client.force_login(personas.county_admin)
    html = client.get(reverse("audit_log")).content.decode()
    assert written and html.count('<td class="timeline-diff">') == len(written)
