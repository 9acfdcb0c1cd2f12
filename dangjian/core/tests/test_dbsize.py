"""core.dbsize: every table with its rows and size, on SQLite and PostgreSQL (manage.py table_sizes)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from dangjian.core import dbsize
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_every_table_is_listed_with_its_rows_and_size_largest_first(county):
    for n in range(30):
        make_person(county.village_a1, f"测试党员{n}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orgs_person")
    sizes = {t.table: t for t in dbsize.table_sizes()}
    assert set(connection.introspection.table_names()) <= set(sizes)
    person = sizes[Person._meta.db_table]
    assert person.rows == Person.objects.count() >= 30
    assert person.bytes is None or person.bytes > 0
    listed = dbsize.table_sizes()
    assert [(t.bytes or 0) for t in listed] == sorted(((t.bytes or 0) for t in listed), reverse=True)


def test_the_command_prints_the_largest_tables_and_the_total(county):
    out = StringIO()
    call_command("table_sizes", top=3, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["table", "rows", "MB"]
    assert len(lines) == 5 and "tables," in lines[-1] and "MB in all" in lines[-1]
    assert "smaller tables not listed" in lines[-1]
