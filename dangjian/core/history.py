"""History that keeps growing: the audit log's live part, its archive, and their retention.

At province scale the audit log (changes, accesses, addresses) grows by millions of entries a
year. The live log (django-auditlog's table) keeps the last ``core.audit_hot_days`` days, where
the audit page searches by default and every new entry is written. The daily job moves older
entries, with the organisation their scope named, into ``core.ArchivedLogEntry``: on PostgreSQL a
table partitioned by calendar month (UTC) whose months are created here before rows reach them;
elsewhere one table. A record's history page reads both; the audit page searches the archive
when asked to.

Retention is a separate, explicit decision (``manage.py prune_audit --older-than DAYS``, never
fewer than 180 days — MLPS level 3): it deletes live and archived entries older than that, on
PostgreSQL by dropping whole months of the archive. A record's workflow steps
(``core.StatusChange``) are part of the record and are neither archived nor pruned.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from auditlog.models import LogEntry
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import params
from .models import ArchivedLogEntry, AuditScope

UTC = dt_timezone.utc

# MLPS 2.0 level 3 (等保三级) keeps audit records for at least six months.
MIN_RETENTION_DAYS = 180
BATCH = 5000

HOT_DAYS = params.declare(
    "core.audit_hot_days",
    90,
    gettext_lazy("Days audit entries stay in the live log before the daily job archives them"),
)

TABLE = ArchivedLogEntry._meta.db_table
_PARTITION = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")
_COLUMNS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "actor_id",
    "remote_addr",
    "timestamp",
    "additional_data",
)


class RetentionRefused(ValueError):
    """A retention shorter than the legal minimum."""


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def hot_cutoff(now: datetime | None = None) -> datetime:
    """Entries older than this belong in the archive."""
    return (now or timezone.now()) - timedelta(days=max(1, params.get(HOT_DAYS.key)))


def _month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def partition_months() -> list[datetime]:
    """The months the archive has a partition for (PostgreSQL), oldest first."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        if m := _PARTITION.match(name):
            months.append(datetime(int(m[1]), int(m[2]), 1, tzinfo=UTC))
    return sorted(months)


def ensure_partitions(first: datetime, last: datetime) -> list[str]:
    """Create the monthly partitions covering ``first``…``last`` that do not exist yet; their names."""
    if not partitioned():
        return []
    existing = set(partition_months())
    created = []
    month = _month_start(first)
    while month <= _month_start(last):
        if month not in existing:
            name = f"{TABLE}_y{month.year:04d}m{month.month:02d}"
            with connection.cursor() as cursor:
                cursor.execute(
                    f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{TABLE}" '
                    "FOR VALUES FROM (%s) TO (%s)",
                    [month, _next_month(month)],
                )
            created.append(name)
        month = _next_month(month)
    return created


def archive(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Move live audit entries older than the hot window into the archive; how many moved.

    Each batch moves in one transaction (copied, then deleted from the live log with its scope),
    so an interrupted run leaves every entry in exactly one place and the next run goes on.
    """
    cutoff = hot_cutoff(now)
    moved = 0
    old = LogEntry.objects.filter(timestamp__lt=cutoff).order_by("pk")
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        rows = list(LogEntry.objects.filter(pk__in=ids).values(*_COLUMNS, "audit_scope__org_id"))
        ensure_partitions(min(r["timestamp"] for r in rows), max(r["timestamp"] for r in rows))
        with transaction.atomic():
            ArchivedLogEntry.objects.bulk_create(
                ArchivedLogEntry(org_id=row.pop("audit_scope__org_id"), **row) for row in rows
            )
            AuditScope.objects.filter(entry_id__in=ids).delete()
            LogEntry.objects.filter(pk__in=ids)._raw_delete(LogEntry.objects.db)
        moved += len(ids)
    return moved


def prune(*, older_than_days: int, now: datetime | None = None, dry_run: bool = False) -> tuple[int, int]:
    """Delete live and archived audit entries older than ``older_than_days`` (≥ 180); (live, archived) counts.

    On PostgreSQL archive months wholly before the cutoff are dropped as tables (their rows
    counted first); the month the cutoff falls in is deleted row by row.
    """
    if older_than_days < MIN_RETENTION_DAYS:
        raise RetentionRefused(
            f"Audit records are kept at least {MIN_RETENTION_DAYS} days; --older-than {older_than_days} refused. "
            f"审计记录至少保存 {MIN_RETENTION_DAYS} 天，拒绝删除 {older_than_days} 天以内的记录。"
        )
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    live = LogEntry.objects.filter(timestamp__lt=cutoff)
    archived = ArchivedLogEntry.objects.filter(timestamp__lt=cutoff)
    if dry_run:
        return live.count(), archived.count()
    live_deleted = 0
    while ids := list(live.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        live_deleted += LogEntry.objects.filter(pk__in=ids).delete()[1].get(LogEntry._meta.label, 0)
    archived_deleted = 0
    for month in partition_months():
        if _next_month(month) <= cutoff:
            name = f"{TABLE}_y{month.year:04d}m{month.month:02d}"
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'SELECT count(*) FROM "{name}"')
                archived_deleted += cursor.fetchone()[0]
                cursor.execute(f'DROP TABLE "{name}"')
    while ids := list(archived.order_by("timestamp").values_list("pk", flat=True)[:BATCH]):
        archived_deleted += archived.filter(pk__in=ids)._raw_delete(ArchivedLogEntry.objects.db)
    return live_deleted, archived_deleted


def daily(*, today) -> dict[str, int]:
    """The core's daily history work: archive what left the hot window, keep a month of partitions ahead."""
    now = timezone.now()
    created = ensure_partitions(now, now + timedelta(days=62))
    return {"audit_archived": archive(now=now), "archive_partitions_created": len(created)}
