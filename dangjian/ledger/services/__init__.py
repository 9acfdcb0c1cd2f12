"""Writes of the ledger: the only code that creates, changes or moves lists and items.

Views, the API, imports, the daily job, the demo and other apps (talks, reviews …) call
these functions; nothing else writes ledger models. Every status change goes through
``core.workflow.transition`` with the tables and guards of ``ledger.rules``.

The package is split by subject (lists, items, evidence, extensions, look-back,
accountability, the daily job); every public name is importable from here.

Notifications are written by the service that causes them, inside the same transaction
(so a refused action notifies nobody); e-mails follow after commit (``notices.services``).
"""

from ..rules import HAND_DOWN, INSPECT, RECTIFY, VERIFY
from ._common import WORKING_STATES, item_url
from .accountability import accountability_record
from .evidence import evidence_attach, validate_files
from .extensions import EXTENSION_STATES, extension_decide, extension_request
from .items import (
    EDITABLE_STATES,
    ON_THE_SPOT_STATES,
    PROGRESS_STATES,
    item_acknowledge,
    item_file_measures,
    item_move,
    item_request_closure,
    item_resume,
    item_return,
    item_update,
    item_verify,
    progress_add,
)
from .jobs import (
    REMINDER_WINDOWS,
    SCHEDULE_AHEAD_DAYS,
    daily_run,
    escalations_run,
    month_end,
    month_start,
    reminders_cancel,
    reminders_run,
    save_subtrees,
    snapshot_month,
)
from .lists import (
    ITEM_FIELDS,
    MAX_LINES,
    item_create,
    item_hand_down_many,
    items_from_lines,
    list_approve,
    list_create,
    list_issue,
    list_move,
    list_send_back,
    list_submit,
    parse_lines,
)
from .lookback import recheck_record, recheck_schedule
from .work import item_urge, items_acknowledge, items_return, items_verify

__all__ = [
    "item_urge",
    "items_acknowledge",
    "items_return",
    "items_verify",
    "HAND_DOWN",
    "INSPECT",
    "RECTIFY",
    "VERIFY",
    "WORKING_STATES",
    "item_url",
    "validate_files",
    "evidence_attach",
    "list_create",
    "list_submit",
    "list_send_back",
    "list_approve",
    "list_issue",
    "list_move",
    "ITEM_FIELDS",
    "item_create",
    "item_hand_down_many",
    "MAX_LINES",
    "parse_lines",
    "items_from_lines",
    "EDITABLE_STATES",
    "ON_THE_SPOT_STATES",
    "item_update",
    "item_acknowledge",
    "item_file_measures",
    "item_resume",
    "item_request_closure",
    "item_verify",
    "item_return",
    "item_move",
    "PROGRESS_STATES",
    "progress_add",
    "EXTENSION_STATES",
    "extension_request",
    "extension_decide",
    "recheck_schedule",
    "recheck_record",
    "accountability_record",
    "reminders_cancel",
    "REMINDER_WINDOWS",
    "SCHEDULE_AHEAD_DAYS",
    "reminders_run",
    "escalations_run",
    "month_start",
    "month_end",
    "save_subtrees",
    "snapshot_month",
    "daily_run",
]
