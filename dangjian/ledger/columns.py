"""Spreadsheet columns of the ledger (整改台账) in the standard order, for export and import.

The headers are the contract with other offices (DOMAIN.md §8), so they are Chinese and
do not follow the screen language. The import uses the subset a new item needs, with
the same headers, so an exported ledger's columns read the same way back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation

from dangjian.core.exports import (
    Column,
    Layout,
    choice_parser,
    choice_renderer,
    parse_date,
    render_date,
    text,
    xlsx_bytes,
)

from .models import Item, Source

NUMBER = "序号"
LIST = "清单名称"
SOURCE = "问题来源"
TITLE = "问题描述"
TARGET = "整改目标"
MEASURES = "整改措施"
LEADER = "责任领导"
ORG = "责任单位"
PERSON = "责任人"
HANDED_DOWN = "交办日期"
ORIGINAL_DEADLINE = "原整改时限"
EXTENSIONS = "延期情况"
DEADLINE = "整改时限"
PROGRESS = "整改进展"
COMPLETION = "完成情况"
STATE = "办理状态"
DAYS_OVERDUE = "逾期天数"
EVIDENCE = "佐证材料"
REQUESTED = "申请销号日期"
CLOSED_ON = "销号日期"
CLOSURE = "销号情况"
VERIFIER = "审核人"
LOOK_BACK = "回头看结果"
INTERVIEWS = "约谈 / 问责情况"
PROXY = "代录"
REMARKS = "备注"

# DOMAIN.md §8's fields in its order, with what an office files beside them (清单、交办日期、
# 原时限与延期、状态、逾期天数、销号与审核、回头看、约谈与问责).
STANDARD_HEADERS = [
    NUMBER,
    LIST,
    SOURCE,
    TITLE,
    TARGET,
    MEASURES,
    LEADER,
    ORG,
    PERSON,
    HANDED_DOWN,
    ORIGINAL_DEADLINE,
    EXTENSIONS,
    DEADLINE,
    PROGRESS,
    COMPLETION,
    STATE,
    DAYS_OVERDUE,
    EVIDENCE,
    REQUESTED,
    CLOSED_ON,
    CLOSURE,
    VERIFIER,
    LOOK_BACK,
    INTERVIEWS,
    PROXY,
    REMARKS,
]

LONG_TERM = "长期坚持"


def _title(item) -> str:
    return f"{item.title}\n{item.description}" if item.description else item.title


def _deadline(item):
    """The deadline as a date (长期坚持 for a long-term item)."""
    if item.long_term:
        return LONG_TERM
    return item.deadline


def _original_deadline(item):
    if item.long_term:
        return LONG_TERM
    return item.original_deadline or item.deadline


def _extensions(item) -> str:
    granted = getattr(item, "extension_count", 0) or 0
    parts = []
    if granted:
        parts.append(f"延期{granted}次，至{render_date(item.deadline)}")
    if getattr(item, "pending_extension", False):
        parts.append("申请延期待审批")
    return "；".join(parts)


def _state(item) -> str:
    """The internal state where it differs from the published word (待签收、申请销号、退回 …)."""
    return item.get_status_display()


def _days_overdue(item):
    from .deadlines import days_overdue

    days = days_overdue(item, timezone.localdate())
    return days or None


def _look_back(item) -> str:
    from .models import Recheck

    if not getattr(item, "recheck_on", None):
        return ""
    label = Recheck.Result(item.recheck_result).label if item.recheck_result in Recheck.Result.values else ""
    return f"{render_date(item.recheck_on)} {label}".strip()


def _interviews_and_accountability(item) -> str:
    from .models import Accountability

    parts = []
    if getattr(item, "interview_count", 0):
        parts.append(f"约谈{item.interview_count}次")
    for decision in getattr(item, "visible_accountabilities", ()):
        forms = "、".join(
            str(Accountability.Form(f).label) for f in decision.forms if f in Accountability.Form.values
        )
        outcome = decision.get_outcome_display()
        who = decision.person_name or (decision.target_org.name if decision.target_org_id else "")
        words = "，".join(w for w in (who, forms, outcome) if w)
        parts.append(f"问责（{render_date(decision.decided_on)}）：{words}")
    return "；".join(parts)


def _progress(item) -> str:
    if not getattr(item, "latest_text", None):
        return ""
    return f"{render_date(item.latest_on)} {item.latest_text}（{item.latest_percent}%）"


def _completion(item) -> str:
    from .selectors import completion_word

    return completion_word(item)


def _evidence(item) -> str:
    return "；".join(e.name for e in item.evidence.all())


def _closure(item) -> str:
    spot = "立行立改，" if item.fixed_on_the_spot else ""
    if item.status == Item.Status.CLOSED and item.closed_on:
        text = f"{spot}已销号（{render_date(item.closed_on)}）"
        return text + "，逾期销号" if item.closed_late else text
    if item.status == Item.Status.CLOSURE_REQUESTED and item.closure_requested_on:
        return f"{spot}已申请销号（{render_date(item.closure_requested_on)}）"
    return ""


def _verifier(item) -> str:
    """审核人: who verified the closure."""
    if item.status != Item.Status.CLOSED or item.closed_by is None:
        return ""
    return str(item.closed_by)


def _proxy(item) -> str:
    """代录: a superior entered a rectifying step on the responsible organisation's behalf."""
    if item.proxy_by is None:
        return ""
    at = timezone.localtime(item.proxy_at).strftime("%Y-%m-%d %H:%M") if item.proxy_at else ""
    return f"{item.proxy_by}代录（{at}）" if at else f"{item.proxy_by}代录"


def parse_deadline(value):
    """A deadline cell: a date, or 长期坚持 for a long-term item."""
    if text(value) == LONG_TERM:
        return LONG_TERM
    return parse_date(value)


EXPORT_COLUMNS = [
    Column(NUMBER, "row_number", width=6),
    Column(LIST, "item_list__title", width=20),
    Column(SOURCE, "source", render=choice_renderer(Source.choices, "source"), width=10),
    Column(TITLE, "title", render=_title, width=36),
    Column(TARGET, "target", width=20),
    Column(MEASURES, "measures", width=28),
    Column(LEADER, "responsible_leader", width=9),
    Column(ORG, "org__name", width=20),
    Column(PERSON, "responsible_person", width=9),
    Column(HANDED_DOWN, "issued_on", width=11),
    Column(ORIGINAL_DEADLINE, "original_deadline", render=_original_deadline, width=11),
    Column(EXTENSIONS, "extensions", render=_extensions, width=16),
    Column(DEADLINE, "deadline", render=_deadline, width=11),
    Column(PROGRESS, "progress", render=_progress, width=28),
    Column(COMPLETION, "completion", render=_completion, width=10),
    Column(STATE, "state", render=_state, width=9),
    Column(DAYS_OVERDUE, "days_overdue", render=_days_overdue, width=8),
    Column(EVIDENCE, "evidence", render=_evidence, width=20),
    Column(REQUESTED, "closure_requested_on", width=11),
    Column(CLOSED_ON, "closed_on", width=11),
    Column(CLOSURE, "closure", render=_closure, width=16),
    Column(VERIFIER, "verifier", render=_verifier, width=9),
    Column(LOOK_BACK, "look_back", render=_look_back, width=14),
    Column(INTERVIEWS, "interviews", render=_interviews_and_accountability, width=22),
    Column(PROXY, "proxy", render=_proxy, width=16),
    Column(REMARKS, "remarks", width=16),
]

IMPORT_COLUMNS = [
    Column(
        SOURCE,
        "source",
        parse=choice_parser(Source.choices),
        width=12,
        help=(
            "可填：日常监督、巡视巡察、督查暗访、专项检查、考核、审计、述职评议、谈话、政治谈话、谈心谈话、"
            "提醒谈话、诫勉谈话、约谈、谈话函询、自查、上级交办、群众反映、会议、其他；空白则同清单。"
        ),
    ),
    Column(TITLE, "title", required=True, width=40, help="一行一个问题或任务。"),
    Column(TARGET, "target", width=24),
    Column(MEASURES, "measures", width=30),
    Column(LEADER, "responsible_leader", width=10),
    Column(
        ORG,
        "org",
        required=True,
        width=24,
        help="责任党组织的全称（简称唯一时也可填简称），须在您的管辖范围内。",
    ),
    Column(PERSON, "responsible_person", width=10),
    Column(
        DEADLINE, "deadline", parse=parse_deadline, width=12, help="如 2026-12-31；填“长期坚持”表示长期任务。"
    ),
    Column(REMARKS, "remarks", width=20),
]


def _numbered(items: Iterable):
    for number, item in enumerate(items, start=1):
        item.row_number = number
        yield item


def export_ledger(items: Iterable, *, heading: Layout | None = None) -> bytes:
    """The ledger as an office files it: title block, one running 序号, standard columns, real dates,
    frozen header repeated on every printed A4 landscape page."""
    heading = heading or Layout(title="整改落实情况台账")
    with translation.override(settings.LANGUAGE_CODE):
        return xlsx_bytes(EXPORT_COLUMNS, _numbered(items), title="整改台账", layout=heading)


def ledger_heading(*, org, user, today=None, list_title: str = "") -> Layout:
    """The title block: 填报单位、截至日期、制表人, and 审核人 left blank for the signature."""
    today = today or timezone.localdate()
    name = org.name if org is not None else ""
    facts = [("填报单位", name)]
    if list_title:
        facts.append(("清单", list_title))
    facts += [
        ("截至日期", f"{today.year}年{today.month}月{today.day}日"),
        ("制表人", str(user) if user is not None else ""),
        ("审核人", "　" * 6),
    ]
    return Layout(title=f"{name}整改落实情况台账", facts=tuple(facts))


def _days_late(item):
    return getattr(item, "days_overdue", None)


ESCALATION_COLUMNS = [
    Column(NUMBER, "row_number", width=6),
    Column(TITLE, "title", width=36),
    Column(LIST, "item_list__title", width=20),
    Column(ORG, "org__name", width=20),
    Column("监督单位", "supervisor_org__name", width=20),
    Column(DEADLINE, "deadline", width=11),
    Column(DAYS_OVERDUE, "days_overdue", render=_days_late, width=8),
    Column("列入督办日期", "listed_on", width=11),
    Column(STATE, "state", render=_state, width=9),
    Column("约谈次数", "interview_count", width=8),
    Column("问责次数", "accountability_count", width=8),
]


def export_escalations(items: Iterable, *, heading: Layout) -> bytes:
    """The escalation list (督办清单) as an office files it, one running 序号."""
    with translation.override(settings.LANGUAGE_CODE):
        return xlsx_bytes(ESCALATION_COLUMNS, _numbered(items), title="督办清单", layout=heading)
