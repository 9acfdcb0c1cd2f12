"""Spreadsheet columns of the ledger (整改台账) in the standard order, for export and import.

The headers are the contract with other offices (DOMAIN.md §8), so they are Chinese and
do not follow the screen language. The import uses the subset a new item needs, with
the same headers, so an exported ledger's columns read the same way back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from dangjian.core.exports import (
    Column,
    choice_parser,
    choice_renderer,
    parse_date,
    render_date,
    text,
    xlsx_bytes,
)

from .models import Item, Source

NUMBER = "序号"
SOURCE = "问题来源"
TITLE = "问题描述"
TARGET = "整改目标"
MEASURES = "整改措施"
LEADER = "责任领导"
ORG = "责任单位"
PERSON = "责任人"
DEADLINE = "整改时限"
PROGRESS = "整改进展"
COMPLETION = "完成情况"
EVIDENCE = "佐证材料"
CLOSURE = "销号情况"
VERIFIER = "审核人"
PROXY = "代录"
REMARKS = "备注"

STANDARD_HEADERS = [
    NUMBER,
    SOURCE,
    TITLE,
    TARGET,
    MEASURES,
    LEADER,
    ORG,
    PERSON,
    DEADLINE,
    PROGRESS,
    COMPLETION,
    EVIDENCE,
    CLOSURE,
    VERIFIER,
    PROXY,
    REMARKS,
]

LONG_TERM = "长期坚持"


def _title(item) -> str:
    return f"{item.title}\n{item.description}" if item.description else item.title


def _deadline(item) -> str:
    if item.long_term:
        return LONG_TERM
    return render_date(item.deadline)


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
    Column(NUMBER, "number", width=6),
    Column(SOURCE, "source", render=choice_renderer(Source.choices, "source"), width=12),
    Column(TITLE, "title", render=_title, width=40),
    Column(TARGET, "target", width=24),
    Column(MEASURES, "measures", width=30),
    Column(LEADER, "responsible_leader", width=10),
    Column(ORG, "org__name", width=24),
    Column(PERSON, "responsible_person", width=10),
    Column(DEADLINE, "deadline", render=_deadline, width=12),
    Column(PROGRESS, "progress", render=_progress, width=30),
    Column(COMPLETION, "completion", render=_completion, width=12),
    Column(EVIDENCE, "evidence", render=_evidence, width=24),
    Column(CLOSURE, "closure", render=_closure, width=18),
    Column(VERIFIER, "verifier", render=_verifier, width=10),
    Column(PROXY, "proxy", render=_proxy, width=20),
    Column(REMARKS, "remarks", width=20),
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
    Column(ORG, "org", required=True, width=24, help="责任党组织的全称，须在您的管辖范围内。"),
    Column(PERSON, "responsible_person", width=10),
    Column(
        DEADLINE, "deadline", parse=parse_deadline, width=12, help="如 2026-12-31；填“长期坚持”表示长期任务。"
    ),
    Column(REMARKS, "remarks", width=20),
]


def export_ledger(items: Iterable) -> bytes:
    """The ledger rows as .xlsx, standard columns in the standard order."""
    return xlsx_bytes(EXPORT_COLUMNS, items, title="整改台账")
