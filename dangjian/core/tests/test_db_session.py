"""PostgreSQL connections are opened with the session parameters the settings name (JIT off, 32 MB of
memory for each sort or hash)."""

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
