"""Database connections are opened with the session parameters the settings name: on PostgreSQL JIT off
and 32 MB of memory for each sort or hash; on SQLite write-ahead logging and a page cache of 64 MiB."""

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL session parameter")
def test_postgresql_sessions_run_without_jit_and_group_in_memory():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "32MB"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite connection parameter")
def test_sqlite_connections_keep_a_page_cache_large_enough_for_a_county_s_roll():
    """SQLite's default cache is 2 MiB: a 100 000-row import re-read the roll's index pages from the file."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -65536
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 5000
