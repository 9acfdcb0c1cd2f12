"""Bench cases for history that keeps growing (issue 16, item 4): two years of a province's audit log.

The first run writes synthetic audit entries into the benchmark database with one INSERT … SELECT
per part (``BENCH_HISTORY_ENTRIES``, default 6 000 000 on PostgreSQL — about what a province's
tens of thousands of users write in two years — and 1 000 000 on SQLite): the last 90 days in the
live log with their scopes, the rest in the archive (monthly partitions on PostgreSQL), spread over
every organisation and, for one ledger item, 300 entries across both parts. Later runs reuse them.
Then the audit page (live and archive, county and township reader) and that item's page are timed.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from harness import BenchContext, PageCase, Skip, register

DAYS = 730


def _entries() -> int:
    default = 6_000_000 if connection.vendor == "postgresql" else 1_000_000
    return int(os.environ.get("BENCH_HISTORY_ENTRIES", default))


def _series(n: int) -> str:
    """SQL yielding integers 1…n as column ``i``."""
    if connection.vendor == "postgresql":
        return f"SELECT i FROM generate_series(1, {n}) AS s(i)"
    return f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"


def _seed(ctx: BenchContext) -> str:
    """Write the synthetic history once; a line saying what is there."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from dangjian.core import history
    from dangjian.core.models import ArchivedLogEntry
    from dangjian.ledger.models import Item
    from dangjian.orgs.models import Organisation, Person

    if "history_item" in ctx.extra:
        return ctx.extra["history_line"]
    item = Item.objects.filter(org__path__startswith=ctx.township.path).order_by("pk").first()
    if item is None:
        raise Skip("the demo has no ledger item in the township")
    if not ArchivedLogEntry.objects.exists():
        total = _entries()
        now = timezone.now()
        cutoff = history.hot_cutoff(now)
        hot = total * 90 // DAYS
        orgs = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        person_ct = ContentType.objects.get_for_model(Person).pk
        item_ct = ContentType.objects.get_for_model(Item).pk
        actor = ctx.users["county"].pk
        t0 = time.perf_counter()
        history.ensure_partitions(now - timedelta(days=DAYS), now)
        # Organisation k of the list is the (k+1)-th smallest id; entries cycle through them all.
        org_table = "bench_history_orgs"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {org_table} (k integer PRIMARY KEY, org_id bigint)")
            cursor.executemany(f"INSERT INTO {org_table} VALUES (%s, %s)", list(enumerate(orgs)))
            # i × 7919 passes 2³¹ from the 271 189th entry: computed in 64 bits (PostgreSQL's series is 32-bit).
            seconds_back = (
                f"((CAST(i AS bigint) * 7919) %% {DAYS * 86400})"  # %% : these statements take parameters
            )
            if connection.vendor == "postgresql":
                moment = f"(%s::timestamptz - make_interval(secs => {seconds_back}))"
                json = '\'{"event": "查看完整身份证号"}\'::jsonb'
                changes = "'{}'::jsonb"
                addr = "'10.8.0.1'::inet"
            else:
                moment = f"datetime(%s, '-' || {seconds_back} || ' seconds')"
                json = '\'{"event": "查看完整身份证号"}\''
                changes = "'{}'"
                addr = "'10.8.0.1'"
            # The archive: everything older than the hot window.
            cursor.execute(
                f"INSERT INTO core_archivedlogentry (id, content_type_id, object_pk, object_id, object_repr, action, "
                f"changes, actor_id, remote_addr, timestamp, additional_data, org_id) "
                f"SELECT 1000000000 + i, {person_ct}, CAST(i AS varchar(20)), i, '档案' || i, 3, {changes}, {actor}, "
                f"{addr}, {moment}, {json}, o.org_id FROM ({_series(total)}) AS s "
                f"JOIN {org_table} o ON o.k = i %% {len(orgs)} WHERE {seconds_back} >= %s",
                [now, (now - cutoff).total_seconds()],
            )
            archived = cursor.rowcount
            # The live log: the hot window, with scopes, as the app writes them.
            start = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            cursor.execute(
                f"INSERT INTO auditlog_logentry (id, content_type_id, object_pk, object_id, object_repr, action, "
                f"changes_text, changes, actor_id, remote_addr, timestamp, additional_data, cid, serialized_data, "
                f"actor_email) SELECT {start} + i, {person_ct}, CAST(i AS varchar(20)), i, '档案' || i, 3, '', "
                f"{changes}, {actor}, {addr}, {moment}, {json}, NULL, NULL, NULL FROM ({_series(hot)}) AS s",
                [now],
            )
            live = cursor.rowcount
            if connection.vendor == "postgresql":  # new entries continue after the ones written here
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('auditlog_logentry', 'id'), "
                    "(SELECT max(id) FROM auditlog_logentry))"
                )
            cursor.execute(
                f"INSERT INTO core_auditscope (entry_id, org_id) SELECT {start} + i, o.org_id "
                f"FROM ({_series(hot)}) AS s JOIN {org_table} o ON o.k = i %% {len(orgs)}",
                [],
            )
            # One item's own history: 300 entries, half of them archived.
            for n in range(300):
                at = now - timedelta(days=n * 2)
                target = ArchivedLogEntry if at < cutoff else None
                fields = dict(
                    content_type_id=item_ct,
                    object_pk=str(item.pk),
                    object_id=item.pk,
                    object_repr=str(item)[:100],
                    action=1,
                    changes={"measures": ["", f"第{n}次修改"]},
                    actor_id=actor,
                    timestamp=at,
                )
                if target is not None:
                    ArchivedLogEntry.objects.create(id=2_000_000_000 + n, org_id=item.org_id, **fields)
                else:
                    LogEntry.objects.create(**fields)
            cursor.execute(f"DROP TABLE {org_table}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE core_archivedlogentry; ANALYZE auditlog_logentry; ANALYZE core_auditscope"
                )
        line = (
            f"wrote {archived:,} archived and {live:,} live audit entries over {DAYS} days in "
            f"{time.perf_counter() - t0:.0f} s"
        )
    else:
        line = f"{ArchivedLogEntry.objects.count():,} archived and {LogEntry.objects.count():,} live audit entries"
    ctx.extra["history_item"] = item.pk
    ctx.extra["history_line"] = line
    print(f"History: {line}.")
    return line


def _audit_url(archive: bool):
    def url(ctx: BenchContext, user_key: str) -> str:
        _seed(ctx)
        return reverse("audit_log") + ("?archive=1" if archive else "")

    return url


def _item_url(ctx: BenchContext, user_key: str) -> str:
    _seed(ctx)
    return reverse("ledger:item_detail", args=[ctx.extra["history_item"]])


register(PageCase("audit log, live part (two years of province history)", url=_audit_url(False)))
register(PageCase("audit log, archive (two years of province history)", url=_audit_url(True)))
register(
    PageCase(
        "item page with 300 history entries, half archived",
        url=_item_url,
        users=("township",),
        note=lambda c, u: c.extra.get("history_line", ""),
    )
)
