"""The audit log shows each reader only the entries of their own subtree (issue 7, finding 4).

Every entry records the organisation its record belonged to (core.AuditScope); the audit page
filters through core.scoping with the audit right, like every other record. Entries of records
without an organisation are for system administrators only.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core import audit
from dangjian.core.models import AuditScope
from dangjian.ledger.models import Category
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(county, personas):
    """One entry with a distinctive text in A1, A2, B1 and the county, and one without an organisation."""
    made = {}
    for key in ("village_a1", "village_a2", "village_b1", "county"):
        person = make_person(getattr(county, key), f"审计{key}")
        made[key] = audit.log_access(person, what=f"查看·{key}", actor=personas.admin)
    made["global"] = audit.log_event(
        Category.objects.create(name="全局分类"), event="查看·global", actor=personas.admin
    )
    return made


def _auditor(county, org_key: str, role=Role.ORG_DEPT) -> User:
    user = User.objects.create_user(username=f"audit_{org_key}", password="Audit-2026-x")
    RoleAssignment.objects.create(user=user, role=role, org=getattr(county, org_key))
    return user


def _seen(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    html = response.content.decode()
    return {
        key for key in ("village_a1", "village_a2", "village_b1", "county", "global") if f"查看·{key}" in html
    }


def test_an_auditor_of_one_township_reads_only_that_townships_entries(client, county, entries):
    assert _seen(client, _auditor(county, "township_a")) == {"village_a1", "village_a2"}


def test_an_auditor_of_the_county_reads_the_county_but_not_global_entries(client, county, entries):
    assert _seen(client, _auditor(county, "county")) == {"village_a1", "village_a2", "village_b1", "county"}


def test_system_administrators_read_every_entry(client, county, personas, entries):
    assert _seen(client, personas.admin) == {"village_a1", "village_a2", "village_b1", "county", "global"}
    assert _seen(client, _auditor(county, "county", role=Role.ADMIN)) == {
        "village_a1",
        "village_a2",
        "village_b1",
        "county",
        "global",
    }


def test_the_search_does_not_reach_past_the_scope(client, county, entries):
    client.force_login(_auditor(county, "township_a"))
    html = client.get(reverse("audit_log"), {"q": "审计village_b1"}).content.decode()
    assert "查看·village_b1" not in html


def test_a_role_without_the_audit_right_gets_no_audit_page(client, personas, entries):
    client.force_login(personas.township_a)
    assert client.get(reverse("audit_log")).status_code == 403


def test_entries_written_by_saves_record_the_organisation_of_their_record(county, personas):
    person = make_person(county.village_b1, "王五")
    entries = LogEntry.objects.filter(object_pk=str(person.pk), content_type__model="person")
    assert (
        AuditScope.objects.get(entry=entries.get(action=LogEntry.Action.CREATE)).org_id
        == county.village_b1.pk
    )
    person.delete()
    assert (
        AuditScope.objects.get(entry=entries.get(action=LogEntry.Action.DELETE)).org_id
        == county.village_b1.pk
    )


def test_an_accounts_entries_belong_to_the_topmost_organisation_of_its_roles(county, personas):
    user = personas.township_a
    user.display_name = "A镇新书记"
    user.save()
    entry = LogEntry.objects.get_for_object(user).latest("pk")
    assert AuditScope.objects.get(entry=entry).org_id == county.township_a.pk


def test_older_entries_get_their_scope_from_the_backfill(county, personas):
    person = make_person(county.village_a2, "李四")
    AuditScope.objects.all().delete()
    assert audit.backfill_scopes() >= 1
    entry = LogEntry.objects.get_for_object(person).latest("pk")
    assert AuditScope.objects.get(entry=entry).org_id == county.village_a2.pk


def test_the_audit_page_runs_a_fixed_number_of_queries(
    client, county, entries, django_assert_max_num_queries
):
    auditor = _auditor(county, "township_a")
    client.force_login(auditor)
    with django_assert_max_num_queries(12) as counted:
        client.get(reverse("audit_log"))
    first = len(counted)
    for i in range(10):
        audit.log_access(make_person(county.village_a1, f"多{i}"), what="查看", actor=auditor)
    with django_assert_max_num_queries(first):
        client.get(reverse("audit_log"))


def test_history_lines_show_labels_not_codes(client, county, personas):
    person = make_person(county.village_a1, "张三")
    person.sex = "F"
    person.save()
    client.force_login(personas.admin)
    html = client.get(reverse("audit_log")).content.decode()
    rows = html.split("<tbody>")[1]
    assert "<b>性别</b>: 男 → 女" in rows
    assert "<b>所在党支部</b>: — → 中共A1村支部委员会" in rows  # a name, not the organisation's id
    assert "None" not in rows and "orgs.Post" not in rows


def test_records_named_by_their_organisation_cost_one_query_per_kind(county, django_assert_num_queries):
    """History lines name the records their keys point to; a monthly report is named by its organisation,
    read with it (one query for five reports, not one more per report)."""
    from datetime import date

    from django.contrib.contenttypes.models import ContentType

    from dangjian.orglife.models import Amendment, MonthlyReport

    villages = [county.village_a1, county.village_a2, county.village_b1]
    reports = [
        MonthlyReport.objects.create(org=org, month=date(2026, month, 1))
        for org in villages
        for month in (9, 10)
    ]
    kind = ContentType.objects.get_for_model(Amendment)
    entries = [
        LogEntry(content_type=kind, object_pk="1", changes={"report": ["None", str(r.pk)]}) for r in reports
    ]
    with django_assert_num_queries(1):
        rows = audit.with_change_rows(entries)
    lines = [str(row.change_rows) for row in rows]
    assert all(str(r) in line for r, line in zip(reports, lines, strict=True)), lines


def test_the_audit_page_is_compiled_once_and_read_afresh(client, county, personas):
    """The page's entries and the names its lines show are read by SQL compiled once (``keyset_page(key=)``,
    ``core.prepared.kept_in``): a second visit compiles neither, and shows an entry written since and a
    record renamed since."""
    from dangjian.core.tests.spies import compiled_tables

    person = make_person(county.village_a1, "王五")
    person.org = county.village_a2
    person.save()
    auditor = _auditor(county, "township_a")
    client.force_login(auditor)
    first = client.get(reverse("audit_log")).content.decode()
    assert "中共A2村支部委员会" in first  # the line names the branch the person moved to
    county.village_a2.name = "中共A2村新支部委员会"
    county.village_a2.save()
    audit.log_access(make_person(county.village_a1, "赵六"), what="查看·新写的", actor=auditor)
    with compiled_tables() as compiled:
        again = client.get(reverse("audit_log")).content.decode()
    assert "查看·新写的" in again and "中共A2村新支部委员会" in again
    assert "auditlog_logentry" not in compiled and "orgs_organisation" not in compiled, compiled
    # A search is built as Django builds it (every text its own query, none of them kept).
    with compiled_tables() as compiled:
        found = client.get(reverse("audit_log"), {"q": "赵六"}).content.decode()
    assert "查看·新写的" in found and "auditlog_logentry" in compiled


def test_names_by_ids_beyond_a_column_s_range_find_nothing(county):
    """An id in a history line too large for the column is no record (as the ORM answers it), not an error."""
    from django.contrib.contenttypes.models import ContentType

    from dangjian.orgs.models import Person

    kind = ContentType.objects.get_for_model(Person)
    entry = LogEntry(
        content_type=kind, object_pk="1", changes={"org": ["99999999999999999999", str(county.village_a1.pk)]}
    )
    [row] = audit.with_change_rows([entry])
    assert row.change_rows[0][1:] == ("99999999999999999999", str(county.village_a1))
