"""Items imported from the Excel template: preview, row/column messages, all or nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangjian.ledger.columns import IMPORT_COLUMNS
from dangjian.ledger.models import Item

from .test_pages import TODAY, build_world, login, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, county):
    return build_world(personas, county)


HEADERS = [c.header for c in IMPORT_COLUMNS]
LATER = (TODAY + timedelta(days=20)).isoformat()


def sheet(*rows) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("清单.xlsx", buffer.getvalue())


def row(**values) -> dict:
    base = {
        "问题描述": "组织生活不规范",
        "责任单位": "中共A1村支部委员会",
        "整改时限": LATER,
        "责任人": "张三",
    }
    base.update(values)
    return base


def upload(client, item_list, *rows):
    return client.post(reverse("ledger:import_upload", args=[item_list.pk]), {"file": sheet(*rows)})


def test_the_template_has_the_import_columns_in_the_standard_order(client, personas, world):
    login(client, personas.township_a)
    response = client.get(reverse("ledger:import_template", args=[world.list_a.pk]))
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(header) == [
        "问题来源",
        "问题描述",
        "整改目标",
        "整改措施",
        "责任领导",
        "责任单位",
        "责任人",
        "整改时限",
        "备注",
    ]


def test_a_correct_file_is_previewed_then_written_on_confirmation(client, personas, world):
    login(client, personas.township_a)
    before = Item.objects.count()
    response = upload(
        client,
        world.list_a,
        row(),
        row(问题描述="发展党员程序不规范", 责任单位="中共A2村支部委员会", 整改时限="长期坚持"),
    )
    assert 'data-testid="import-confirm"' in text(response)
    assert Item.objects.count() == before
    response = client.post(reverse("ledger:import_confirm", args=[world.list_a.pk]))
    assert response.status_code == 302
    long_term = Item.objects.get(title="发展党员程序不规范")
    assert long_term.long_term and long_term.status == Item.Status.HANDED_DOWN
    assert Item.objects.get(title="组织生活不规范").responsible_person == "张三"


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {"责任单位": "中共不存在村支部委员会"},
            "第 3 行“责任单位”列：“中共不存在村支部委员会”不是您管辖范围内的党组织全称",
        ),
        (
            {"责任单位": "中共B1村支部委员会"},
            "第 3 行“责任单位”列：“中共B1村支部委员会”不是您管辖范围内的党组织全称",
        ),
        ({"问题描述": ""}, "第 3 行“问题描述”列：必填，不能为空"),
        ({"整改时限": "2026-13-45"}, "第 3 行“整改时限”列：日期“2026-13-45”不存在"),
        ({"整改时限": "明年"}, "第 3 行“整改时限”列：“明年”不是日期，请写成 2026-11-22"),
        (
            {"整改时限": "2020-01-01"},
            f"第 3 行“整改时限”列：整改时限 2020-01-01 早于交办日期 {TODAY.isoformat()}",
        ),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    client, personas, world, bad, message
):
    login(client, personas.township_a)
    before = Item.objects.count()
    response = upload(client, world.list_a, row(问题描述="正确的一行"), row(**bad))
    body = text(response)
    assert message in body and 'data-testid="import-confirm"' not in body
    response = client.post(reverse("ledger:import_confirm", args=[world.list_a.pk]), follow=True)
    assert Item.objects.count() == before and not Item.objects.filter(title="正确的一行").exists()


def test_a_village_secretary_cannot_import_into_the_township_list_holding_its_item(client, personas, world):
    login(client, personas.village_a1)
    before = Item.objects.count()
    assert upload(client, world.list_a, row()).status_code == 404
    assert Item.objects.count() == before


def test_a_list_of_another_township_is_not_found_for_import(client, personas, world):
    login(client, personas.township_a)
    assert upload(client, world.list_b, row()).status_code == 404


def test_a_unique_short_name_works_and_an_ambiguous_one_asks_for_the_full_name(
    client, personas, county, world
):
    from dangjian.orgs.models import Organisation

    login(client, personas.township_a)
    short = county.village_a1.short_name or "A1村"
    Organisation.objects.filter(pk=county.village_a1.pk).update(short_name=short)
    response = upload(client, world.list_a, row(责任单位=short))
    assert 'data-testid="import-confirm"' in text(response)
    client.post(reverse("ledger:import_confirm", args=[world.list_a.pk]))
    assert Item.objects.filter(title="组织生活不规范", org=county.village_a1).exists()
    Organisation.objects.filter(pk=county.village_a2.pk).update(short_name=short)
    response = upload(client, world.list_a, row(问题描述="党费收缴滞后", 责任单位=short))
    assert f"“{short}”是多个党组织的简称，请填写全称" in text(response)
    assert not Item.objects.filter(title="党费收缴滞后").exists()
