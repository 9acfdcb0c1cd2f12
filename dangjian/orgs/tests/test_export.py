"""Roster exports: exactly the rows the user may see and filtered, in the import's columns, in fixed queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.orgs import services
from dangjian.orgs.columns import MEMBER_COLUMNS, ORG_COLUMNS
from dangjian.orgs.models import OrgKind, Person
from dangjian.orgs.tests.factories import make_org, make_person


def sheet_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_township_export_never_contains_the_other_townships_people(client, personas, people):
    client.force_login(personas.township_a)
    rows = sheet_rows(client.get(reverse("orgs:person_export")))
    assert sorted(r["姓名"] for r in rows) == ["张三", "李四"]
    assert all(r["所在党支部"] != "中共B1村支部委员会" for r in rows)
    client.force_login(personas.township_b)
    assert [r["姓名"] for r in sheet_rows(client.get(reverse("orgs:person_export")))] == ["王五"]


def test_the_export_follows_the_list_filters(client, personas, county, people):
    make_person(county.village_a1, "钱七", male=False, category="probationary", converted_on=None)
    client.force_login(personas.county_admin)
    rows = sheet_rows(client.get(reverse("orgs:person_export"), {"org": county.village_a1.pk}))
    assert sorted(r["姓名"] for r in rows) == ["张三", "钱七"]
    rows = sheet_rows(client.get(reverse("orgs:person_export"), {"category": "probationary"}))
    assert [r["姓名"] for r in rows] == ["钱七"]
    # An organisation the user may not see matches nothing, as on the list page.
    client.force_login(personas.township_a)
    assert sheet_rows(client.get(reverse("orgs:person_export"), {"org": county.village_b1.pk})) == []


def test_people_who_left_are_not_exported_unless_asked_for(client, personas, county, people):
    services.person_leave(
        person=people["a1"], actor=personas.county_admin, on=date(2026, 1, 5), reason="迁出"
    )
    client.force_login(personas.county_admin)
    assert sorted(r["姓名"] for r in sheet_rows(client.get(reverse("orgs:person_export")))) == [
        "李四",
        "王五",
    ]
    rows = sheet_rows(client.get(reverse("orgs:person_export"), {"status": "left"}))
    assert [r["姓名"] for r in rows] == ["张三"]


def test_the_export_writes_the_import_columns_with_chinese_labels_and_iso_dates(client, personas, county):
    make_person(
        county.village_a1,
        "张三",
        education="bachelor",
        job="farmer",
        lost_contact=True,
        lost_contact_on=date(2025, 3, 1),
        mobile=True,
        mobile_destination="广东深圳",
    )
    client.force_login(personas.county_admin)
    [row] = sheet_rows(client.get(reverse("orgs:person_export")))
    assert list(row) == [c.header for c in MEMBER_COLUMNS]
    assert (row["性别"], row["学历"], row["人员类别"], row["工作岗位"], row["党籍状态"]) == (
        "男",
        "大学本科",
        "正式党员",
        "农牧渔民",
        "正常",
    )
    # Without the full ID number the birth date is given as its year (docs/personal-data.md).
    assert (row["出生日期"], row["入党日期"], row["转正日期"], row["失联日期"]) == (
        "1980年",
        "2005-07-01",
        "2006-07-01",
        "2025-03-01",
    )
    assert (row["是否失联"], row["是否流动党员"], row["外出流向"]) == ("是", "是", "广东深圳")


def test_id_numbers_are_masked_unless_unmasking_is_asked_for_by_a_role_allowed_to(client, personas, people):
    person = people["a1"]
    full = services.reveal_id_number(person, log=False)
    client.force_login(personas.county_admin)
    before = LogEntry.objects.count()
    [masked] = [r for r in sheet_rows(client.get(reverse("orgs:person_export"))) if r["姓名"] == "张三"]
    assert masked["公民身份号码"] == person.id_masked
    assert LogEntry.objects.count() == before

    rows = sheet_rows(client.get(reverse("orgs:person_export"), {"unmask": "1"}))
    assert next(r for r in rows if r["姓名"] == "张三")["公民身份号码"] == full
    assert next(r for r in rows if r["姓名"] == "张三")["出生日期"] == person.birth_date.isoformat()
    entry = LogEntry.objects.latest("pk")
    assert entry.action == LogEntry.Action.ACCESS and entry.actor == personas.county_admin
    assert entry.additional_data["event"].startswith("导出名册，含完整身份证号 3 人")
    # Filed on the exporting account, in the topmost organisation where it holds a role: the county's own
    # auditors read it (it was filed for system administrators only while ``request.user`` was a lazy proxy,
    # whose type the audit scope could not follow).
    from dangjian.core.models import AuditScope

    assert AuditScope.objects.get(entry=entry).org_id == personas.county_admin.assignments.get().org_id


def test_a_role_without_the_unmask_right_gets_masked_numbers_and_no_audit_entry(client, personas, people):
    client.force_login(personas.township_a)
    before = LogEntry.objects.count()
    rows = sheet_rows(client.get(reverse("orgs:person_export"), {"unmask": "1"}))
    assert rows and all("********" in r["公民身份号码"] for r in rows)
    assert LogEntry.objects.count() == before


def test_exports_need_the_export_right(client, personas, people):
    client.force_login(personas.member)
    assert client.get(reverse("orgs:person_export")).status_code == 403
    assert client.get(reverse("orgs:org_export")).status_code == 403
    client.logout()
    assert client.get(reverse("orgs:person_export")).status_code == 302


def test_the_member_export_runs_a_fixed_number_of_queries(
    client, personas, county, people, django_assert_num_queries
):
    client.force_login(personas.county_admin)
    url = reverse("orgs:person_export")
    client.get(url)  # warm caches (content types, translations)
    # session, the user with its role assignments, count (too big for a request?), people; then the session's sliding
    # expiry (savepoint, update, release)
    with django_assert_num_queries(4):
        assert len(sheet_rows(client.get(url))) == 3
    for n in range(20):
        make_person(county.village_b1 if n % 2 else county.village_a2, f"党员{n}")
    with django_assert_num_queries(4):
        assert len(sheet_rows(client.get(url))) == 23
    # unmasked: plus the audit entry, the account's topmost organisation and the entry's scope there
    # (core.AuditScope, issue 7 finding 4)
    with django_assert_num_queries(7):
        assert len(sheet_rows(client.get(url, {"unmask": "1"}))) == 23


def test_the_organisation_export_is_scoped_and_names_each_parent(client, personas, county):
    client.force_login(personas.township_a)
    rows = sheet_rows(client.get(reverse("orgs:org_export")))
    assert list(rows[0]) == [c.header for c in ORG_COLUMNS]
    assert [(r["组织全称"], r["上级组织全称"]) for r in rows] == [
        ("中共A镇委员会", "某某县委员会"),
        ("中共A1村支部委员会", "中共A镇委员会"),
        ("中共A2村支部委员会", "中共A镇委员会"),
    ]
    assert (
        rows[0]["组织类别"] == "乡镇党委"
        and rows[1]["组织类别"] == "党支部"
        and rows[1]["所属领域"] == "农村"
    )


def test_the_organisation_export_follows_the_list_filters(client, personas, county):
    client.force_login(personas.county_admin)
    rows = sheet_rows(client.get(reverse("orgs:org_export"), {"kind": OrgKind.TOWNSHIP_COMMITTEE}))
    assert [r["组织全称"] for r in rows] == ["中共A镇委员会", "中共B镇委员会"]


@pytest.mark.parametrize("extra", [0, 15])
def test_the_organisation_export_runs_a_fixed_number_of_queries(
    client, personas, county, django_assert_num_queries, extra
):
    for n in range(extra):
        make_org(county.township_b, f"中共B{n + 10}村支部委员会")
    client.force_login(personas.county_admin)
    url = reverse("orgs:org_export")
    client.get(url)
    # session, the user with its role assignments, organisations, parent names; the session's sliding expiry (3)
    with django_assert_num_queries(4):
        assert len(sheet_rows(client.get(url))) == 6 + extra


def test_an_export_imports_again_with_the_same_labels(personas, county, people):
    """The export's choice cells are exactly what the importer accepts."""
    from dangjian.orgs.columns import export_people
    from dangjian.orgs.importers import MemberImporter
    from dangjian.orgs.tests.fixtures import upload

    content = export_people(Person.objects.all(), user=None, unmask=True)
    errors = [str(e) for e in MemberImporter(actor=None).preview(upload(content)).errors]
    # Only the numbers already in the database stand in the way.
    assert len(errors) == 3 and all("该身份证号已在系统中登记" in e for e in errors)
