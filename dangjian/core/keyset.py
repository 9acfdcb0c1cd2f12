"""Keyset pages for logs that grow without end: "older" follows the last row shown, no total count.

A numbered page needs ``COUNT(*)`` over the whole filtered log and an ``OFFSET`` that reads every
skipped row; on millions of audit entries both cost seconds. A keyset page reads only its rows
through the (timestamp, id) index: newest first, then the entries before the last one shown.
The cursor in the address is that last row's time and id; a malformed cursor starts at the newest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .filters import int_param
from .prepared import kept


@dataclass
class KeysetPage:
    object_list: list = field(default_factory=list)
    next_cursor: str = ""  # the "older" link's cursor; empty on the last page
    is_first: bool = True

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def parse_cursor(raw: str | None):
    """(moment, id) from "2026-11-30T08:00:00+00:00_123", or None for anything else."""
    text = (raw or "").strip()
    moment_text, _sep, id_text = text.rpartition("_")
    moment = parse_datetime(moment_text) if moment_text else None
    pk = int_param(id_text)
    if moment is None or moment.tzinfo is None or pk is None:
        return None
    return moment, pk


def keyset_page(
    queryset,
    cursor: str | None,
    *,
    time_field: str = "timestamp",
    per_page: int = 50,
    key: tuple | None = None,
) -> KeysetPage:
    """Rows of ``queryset`` newest first, after ``cursor`` (a previous page's ``next_cursor``); with ``key``
    (``core.pagination.list_key``, which names the cursor too) read by SQL compiled once per key."""
    after = parse_cursor(cursor)
    rows = queryset.order_by(f"-{time_field}", "-pk")
    if after is not None:
        moment, pk = after
        rows = rows.filter(Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}))
    rows = rows[: per_page + 1]
    if key is None:
        found = list(rows)
    else:
        found = kept(("core.keyset", key, time_field, per_page), lambda: rows).objects(model=queryset.model)
    page = KeysetPage(object_list=found[:per_page], is_first=after is None)
    if len(found) > per_page:
        last = page.object_list[-1]
        page.next_cursor = f"{getattr(last, time_field).isoformat()}_{last.pk}"
    return page
