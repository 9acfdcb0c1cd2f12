"""Spies the tests share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


@contextmanager
def compiled_tables() -> Iterator[list[str]]:
    """The table of every query the ORM compiles inside the block, in order (a ``core.prepared`` query run
    again compiles nothing: the way to show that a query asked on every request is compiled once)."""
    compiled: list[str] = []
    real = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):
        compiled.append(self.query.model._meta.db_table)
        return real(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", spy):
        yield compiled
