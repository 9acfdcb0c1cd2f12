"""The office rota (坐班表) import: a township sets its villages' rotas from one sheet, all rows or none,
every problem named by row and column."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.village.importers import parse_weekdays
from dangjian.village.models import OfficeRota

from .builders import build_cadres, rota_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadres(county, personas):
    return build_cadres(county, personas)


def _upload(client, org, rows):
    return client.post(reverse("village:rota_import", args=[org.pk]), rota_file(rows))


def _current(post) -> list[int]:
    rows = OfficeRota.objects.filter(org=post.org, person=post.person, active_until__isnull=True)
    return sorted(rows.values_list("weekday", flat=True))


def test_weekdays_are_read_as_offices_write_them():
    assert parse_weekdays("周一、周三") == [1, 3]
    assert parse_weekdays("星期二,星期五 周二") == [2, 5]
    assert parse_weekdays("1 4") == [1, 4]
    assert parse_weekdays("") == [] and parse_weekdays("不坐班") == []


def test_a_township_sets_its_villages_rota_after_confirming(client, county, personas, cadres):
    client.force_login(personas.township_a)
    page = client.get(reverse("village:rota_day")).content.decode()
    assert reverse("village:rota_import", args=[county.township_a.pk]) in page
    preview = _upload(
        client,
        county.township_a,
        [("A1村党支部", "赵书记", "周一、周二、周三"), ("中共A1村支部委员会", "钱主任", "周四")],
    )
    assert preview.context["summary"]["ok"] and not OfficeRota.objects.exists()
    client.post(reverse("village:rota_import_confirm", args=[county.township_a.pk]))
    assert _current(cadres.secretary_a1) == [1, 2, 3] and _current(cadres.director_a1) == [4]


def test_a_village_may_leave_the_village_column_empty(client, county, personas, cadres):
    client.force_login(personas.village_a1)
    preview = _upload(client, county.village_a1, [("", "钱主任", "周五")])
    assert preview.context["summary"]["ok"]
    client.post(reverse("village:rota_import_confirm", args=[county.village_a1.pk]))
    assert _current(cadres.director_a1) == [5]


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(client, county, personas, cadres):
    client.force_login(personas.township_a)
    preview = _upload(
        client,
        county.township_a,
        [
            ("A1村党支部", "赵书记", "周一"),  # fine, but the file has problems: nothing is written
            ("A1村党支部", "钱主任", "周六"),
            ("B1村党支部", "李书记", "周一"),
            ("A1村党支部", "无此人", "周二"),
            ("", "孙第一书记", "周三"),
            ("A1村党支部", "赵书记", "周四"),
        ],
    )
    errors = [str(e) for e in preview.context["summary"]["errors"]]
    expected = [
        ("第 3 行", "坐班日", "周六"),
        ("第 4 行", "村（社区）", "B1村党支部"),
        ("第 5 行", "姓名", "无此人"),
        ("第 6 行", "村（社区）", "不能为空"),
        ("第 7 行", "姓名", "第 2 行"),
    ]
    for row, column, text in expected:
        assert any(row in e and column in e and text in e for e in errors), (row, errors)
    assert "import_pending" not in client.session
    client.post(reverse("village:rota_import_confirm", args=[county.township_a.pk]))
    assert not OfficeRota.objects.exists()


def test_only_who_keeps_the_rota_imports_it(client, county, personas, cadres):
    client.force_login(personas.township_b)
    assert _upload(client, county.township_a, [("A1村党支部", "赵书记", "周一")]).status_code == 404
    client.force_login(personas.inspector)
    assert client.get(reverse("village:rota_import", args=[county.township_a.pk])).status_code == 403
    assert not OfficeRota.objects.exists()
