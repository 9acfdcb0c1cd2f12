"""The size of every table of the database: rows and bytes on disk (``manage.py table_sizes``, and the end
of ``manage.py demo``), to watch a county's or a province's data and history grow.

PostgreSQL: the planner's row estimate (exact after ``ANALYZE``; the demo build refreshes it) and the table's
whole size with its indexes and TOAST (``pg_total_relation_size``); a partitioned table (the audit log by
month) is counted with its partitions. SQLite: an exact count, and the pages the table and its indexes
use when the library has the ``dbstat`` table (else no size).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


@dataclass(frozen=True)
class TableSize:
    table: str
    rows: int | None  # None: PostgreSQL has not estimated it yet (never analysed)
    bytes: int | None  # None: SQLite without dbstat


_PG_SIZES = """
    SELECT COALESCE(parent.relname, c.relname) AS name,
           SUM(GREATEST(c.reltuples, 0))::bigint AS rows,
           BOOL_OR(c.reltuples >= 0) AS estimated,
           SUM(pg_total_relation_size(c.oid))::bigint AS bytes
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
    LEFT JOIN pg_class parent ON parent.oid = i.inhparent
    WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
    GROUP BY 1
"""


def table_sizes(using: str = DEFAULT_DB_ALIAS) -> list[TableSize]:
    """Every table, largest first (by bytes, then rows)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_SIZES)
            found = [
                TableSize(name, rows if known else None, size)
                for name, rows, known, size in cursor.fetchall()
            ]
        else:
            found = _sqlite_sizes(cursor, connection.introspection.table_names(cursor))
    return sorted(found, key=lambda t: (-(t.bytes or 0), -(t.rows or 0), t.table))


def _sqlite_sizes(cursor, tables: list[str]) -> list[TableSize]:
    pages: dict[str, int] | None = {}
    try:
        # Each index's pages counted with its table (dbstat names the index; sqlite_master its table).
        cursor.execute(
            "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY 1"
        )
        pages = dict(cursor.fetchall())
    except DatabaseError:  # a library built without dbstat: rows only
        pages = None
    if not tables:
        return []
    # Every table's count in one statement (table names from the database's own catalogue).
    cursor.execute(" UNION ALL ".join(f'SELECT %s, COUNT(*) FROM "{table}"' for table in tables), tables)
    return [
        TableSize(table, rows, None if pages is None else pages.get(table, 0))
        for table, rows in cursor.fetchall()
    ]


def report(sizes: list[TableSize], top: int | None = None) -> list[str]:
    """Lines of a plain table: name, rows, size in MB, and the total of every table."""
    shown = sizes[:top] if top else sizes
    width = max([len(t.table) for t in shown] + [5])
    lines = [f"{'table':<{width}}  {'rows':>12}  {'MB':>9}"]
    for t in shown:
        rows = "?" if t.rows is None else f"{t.rows:,}"
        size = "?" if t.bytes is None else f"{t.bytes / 1048576:.1f}"
        lines.append(f"{t.table:<{width}}  {rows:>12}  {size:>9}")
    total = sum(t.bytes or 0 for t in sizes)
    more = f" ({len(sizes) - len(shown)} smaller tables not listed)" if len(shown) < len(sizes) else ""
    lines.append(f"{len(sizes)} tables, {total / 1048576:.1f} MB in all{more}")
    return lines
