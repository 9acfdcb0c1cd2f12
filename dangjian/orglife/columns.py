"""Spreadsheet columns of the 三会一课 ledger, the training ledger and the compliance roll-up (core.exports)."""

from __future__ import annotations

from django.utils import timezone

from dangjian.core.exports import Column, choice_renderer, xlsx_bytes

from .models import RULE_KINDS, MeetingKind

MEETING_COLUMNS = [
    Column("组织", "org__name", width=28),
    Column("会议类型", "kind", render=choice_renderer(MeetingKind.choices, "kind")),
    Column("状态", "status", render=lambda m: str(m.get_status_display())),
    Column(
        "时间",
        "starts_at",
        render=lambda m: timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M"),
        width=18,
    ),
    Column("地点", "place"),
    Column("主持人", "chair"),
    Column("记录人", "recorder"),
    Column("主题", "topic", width=30),
    Column("应到", "expected", width=8),
    Column("实到", "present", width=8),
    Column("列席", "observers"),
    Column("党课主讲人", "lecturer"),
    Column("党课题目", "lesson_title", width=24),
    Column("赞成", "votes_for", width=8),
    Column("反对", "votes_against", width=8),
    Column("弃权", "votes_abstain", width=8),
    Column("决定事项", "decisions", width=30),
]

TRAINING_COLUMNS = [
    Column("所在组织", "person__org__name", width=28),
    Column("姓名", "person__name"),
    Column("培训名称", "course__title", width=30),
    Column("培训类型", "course__kind", render=lambda r: str(r.course.get_kind_display())),
    Column("举办单位", "course__org__name", width=24),
    Column("日期", "on"),
    Column("学时", "hours", render=lambda r: float(r.hours), width=8),
]

ROLLUP_COLUMNS = [
    Column("组织", "org__name", render=lambda r: r.org.name, width=28),
    Column("支部数", "branches", width=10),
    Column("应开展（周期）", "decided", width=14),
    Column("按期开展", "met", width=10),
    Column("完成率(%)", "rate", render=lambda r: "" if r.rate is None else r.rate, width=10),
    Column("全部达标支部", "compliant_branches", width=14),
    *[
        Column(f"{label}未按期", f"missed_{kind}", render=lambda r, k=kind: r.missed.get(k, 0), width=14)
        for kind, label in RULE_KINDS
    ],
]


def meetings_xlsx(meetings) -> bytes:
    return xlsx_bytes(MEETING_COLUMNS, meetings.iterator(chunk_size=2000), title="三会一课台账")


def training_xlsx(records) -> bytes:
    return xlsx_bytes(TRAINING_COLUMNS, records.iterator(chunk_size=2000), title="培训台账")


def rollup_xlsx(rows) -> bytes:
    return xlsx_bytes(ROLLUP_COLUMNS, rows, title="达标情况")
