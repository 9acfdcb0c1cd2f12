"""The office rota (坐班表) and grid imports: a township sets its villages' rotas and grids from one sheet,
all rows or none, every problem named by row and column."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.orgs.tests.factories import make_person
from dangjian.village import services
from dangjian.village.importers import parse_weekdays
from dangjian.village.models import Grid, OfficeRota

from .builders import build_cadres, grid_file, rota_file

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


# --- grids and grid members ---


def _upload_grids(client, org, rows):
    return client.post(reverse("village:grid_import", args=[org.pk]), grid_file(rows))


def test_a_township_draws_grids_and_names_their_members_after_confirming(client, county, personas, cadres):
    services.grid_create(
        org=county.village_a1, name="第一网格", area="旧片区", members=[], actor=personas.admin
    )
    make_person(county.village_a1, "网格员甲")
    client.force_login(personas.township_a)
    assert (
        reverse("village:grid_import", args=[county.township_a.pk])
        in client.get(reverse("village:matter_list")).content.decode()
    )
    preview = _upload_grids(
        client,
        county.township_a,
        [
            ("A1村党支部", "第一网格", "一组、二组", "网格员甲、钱主任"),
            ("A1村党支部", "第二网格", "三组", "赵书记"),
        ],
    )
    assert preview.context["summary"]["ok"] and Grid.objects.count() == 1
    client.post(reverse("village:grid_import_confirm", args=[county.township_a.pk]))
    first, second = Grid.objects.order_by("name")
    assert (first.name, first.area) == ("第一网格", "一组、二组")
    assert sorted(first.members.values_list("name", flat=True)) == ["网格员甲", "钱主任"]
    assert list(second.members.values_list("name", flat=True)) == ["赵书记"]


def test_a_bad_grid_sheet_is_refused_by_row_and_column_with_nothing_written(client, county, personas, cadres):
    make_person(county.village_a1, "同名")
    make_person(county.village_a1, "同名")
    client.force_login(personas.township_a)
    preview = _upload_grids(
        client,
        county.township_a,
        [
            ("A1村党支部", "第一网格", "", "钱主任"),
            ("A1村党支部", "第二网格", "", "李书记"),  # B1's secretary, not a person of A1
            ("A1村党支部", "第三网格", "", "同名"),
            ("A1村党支部", "第一网格", "", ""),
            ("A1村党支部", "", "", ""),
        ],
    )
    errors = [str(e) for e in preview.context["summary"]["errors"]]
    expected = [
        ("第 3 行", "网格员", "李书记"),
        ("第 4 行", "网格员", "2"),
        ("第 5 行", "网格名称", "第 2 行"),
        ("第 6 行", "网格名称", "不能为空"),
    ]
    for row, column, text in expected:
        assert any(row in e and column in e and text in e for e in errors), (row, errors)
    client.post(reverse("village:grid_import_confirm", args=[county.township_a.pk]))
    assert not Grid.objects.exists()


def test_only_who_keeps_the_grids_imports_them(client, county, personas, cadres):
    client.force_login(personas.township_b)
    assert _upload_grids(client, county.township_a, [("A1村党支部", "第一网格", "", "")]).status_code == 404
    client.force_login(personas.inspector)
    assert client.get(reverse("village:grid_import", args=[county.township_a.pk])).status_code == 403
    assert not Grid.objects.exists()
