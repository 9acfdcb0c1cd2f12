"""History that keeps growing (issue 16, item 4): the live audit log, its archive and their retention.

Entries older than the hot window move to the archive (monthly partitions on PostgreSQL) with
the organisation their scope named; a record's history and the audit page read both through the
same subtree rule; retention never goes below 180 days and drops whole months on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core import audit, history, params
from dangjian.core.models import ArchivedLogEntry, AuditScope
from dangjian.core.tasks import run_daily
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


def _age(entry, days: int) -> None:
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - timedelta(days=days))


@pytest.fixture
def aged(county, personas):
    """An access entry in village A1 and one in village B1, each 120 days old, and a fresh one in A1."""
    made = {}
    for key in ("village_a1", "village_b1"):
        person = make_person(getattr(county, key), f"归档{key}")
        made[key] = audit.log_access(person, what=f"旧查看·{key}", actor=personas.admin)
        _age(made[key], 120)
    made["fresh"] = audit.log_access(
        make_person(county.village_a1, "新近"), what="新查看", actor=personas.admin
    )
    return made


def _auditor(county, org_key: str) -> User:
    user = User.objects.create_user(username=f"hist_{org_key}", password="Audit-2026-x")
    RoleAssignment.objects.create(user=user, role=Role.ORG_DEPT, org=getattr(county, org_key))
    return user


def test_the_daily_job_moves_entries_past_the_hot_window_with_their_organisation(county, aged):
    result = run_daily(today=timezone.localdate())
    assert result["history.audit_archived"] == 2
    assert not LogEntry.objects.filter(pk__in=[aged["village_a1"].pk, aged["village_b1"].pk]).exists()
    assert not AuditScope.objects.filter(entry_id=aged["village_a1"].pk).exists()
    assert LogEntry.objects.filter(pk=aged["fresh"].pk).exists()
    moved = ArchivedLogEntry.objects.get(pk=aged["village_a1"].pk)
    assert moved.org_id == county.village_a1.pk
    assert moved.additional_data == {"event": "旧查看·village_a1"}
    assert moved.actor_id == aged["village_a1"].actor_id
    # Run again: nothing left to move, nothing duplicated.
    assert run_daily(today=timezone.localdate())["history.audit_archived"] == 0
    assert ArchivedLogEntry.objects.count() == 2


def test_the_hot_window_is_a_parameter(aged):
    params.set_value(history.HOT_DAYS.key, 200)
    assert history.archive() == 0
    params.set_value(history.HOT_DAYS.key, 100)
    assert history.archive() == 2


def test_archiving_in_small_batches_leaves_every_entry_in_exactly_one_place(county, personas):
    people = [make_person(county.village_a1, f"批{i}") for i in range(7)]
    entries = [audit.log_access(p, what="查看", actor=personas.admin) for p in people]
    LogEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        timestamp=timezone.now() - timedelta(days=95)
    )
    assert history.archive(batch=3) == 7
    live = set(LogEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("pk", flat=True))
    archived = set(ArchivedLogEntry.objects.values_list("pk", flat=True))
    assert live == set() and archived == {e.pk for e in entries}


def test_a_records_history_still_shows_what_was_archived(county, personas):
    person = make_person(county.village_a1, "张归档")  # its creation is audited
    person.phone = "13800000001"
    person.save()
    LogEntry.objects.filter(object_pk=str(person.pk)).update(timestamp=timezone.now() - timedelta(days=150))
    person.phone = "13800000002"
    person.save()
    assert history.archive() >= 2
    kinds = [entry.kind for entry in audit.timeline(person, viewer=personas.admin)]
    assert kinds.count("update") == 2 and "create" in kinds


def test_the_audit_page_searches_the_archive_within_the_readers_subtree(client, county, aged):
    history.archive()
    client.force_login(_auditor(county, "township_a"))
    live = client.get(reverse("audit_log")).content.decode()
    assert "新查看" in live and "旧查看" not in live
    archived = client.get(reverse("audit_log"), {"archive": "1"}).content.decode()
    assert "旧查看·village_a1" in archived
    assert "旧查看·village_b1" not in archived  # the sibling township's entry stays out of sight
    assert "新查看" not in archived


def test_the_audit_page_goes_back_page_by_page_without_repeating_a_row(client, county, personas):
    person = make_person(county.village_a1, "翻页")
    for i in range(60):
        audit.log_access(person, what=f"第{i:02d}次", actor=personas.admin)
    client.force_login(personas.admin)
    first = client.get(reverse("audit_log"), {"q": "翻页", "action": "3"})
    page1 = [e.additional_data["event"] for e in first.context["page"]]
    assert len(page1) == 50 and first.context["page"].next_cursor
    second = client.get(
        reverse("audit_log"), {"q": "翻页", "action": "3", "before": first.context["page"].next_cursor}
    )
    page2 = [e.additional_data["event"] for e in second.context["page"]]
    assert not second.context["page"].next_cursor
    assert sorted(page1 + page2) == sorted(f"第{i:02d}次" for i in range(60))
    # A made-up cursor starts again at the newest entries, it never fails the page.
    assert client.get(reverse("audit_log"), {"before": "yesterday_abc"}).status_code == 200


def test_dates_out_of_order_are_refused_with_a_message_and_show_nothing(client, personas, aged):
    client.force_login(personas.admin)
    response = client.get(reverse("audit_log"), {"since": "2026-11-30", "until": "2026-11-01"})
    html = response.content.decode()
    assert "开始日期晚于结束日期" in html
    assert len(response.context["page"]) == 0
    today = timezone.localdate().isoformat()
    response = client.get(reverse("audit_log"), {"since": today, "until": today, "action": "3"})
    assert [e.pk for e in response.context["page"]] == [aged["fresh"].pk]


def test_the_audit_page_costs_the_same_queries_on_either_side(client, personas, aged):
    client.force_login(personas.admin)
    client.get(reverse("audit_log"))  # warm the session and permission caches
    live = _count(client, {"action": "3"})
    history.archive()
    assert (
        live == _count(client, {"archive": "1", "action": "3"}) == 4
    )  # pinned: no count(*), no query per row


def _count(client, query) -> int:
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as ctx:
        assert client.get(reverse("audit_log"), query).status_code == 200
    return len(ctx.captured_queries)


def test_retention_below_180_days_is_refused_and_deletes_nothing(county, aged):
    history.archive()
    with pytest.raises(history.RetentionRefused, match="审计记录至少保存 180 天"):
        history.prune(older_than_days=179)
    assert ArchivedLogEntry.objects.count() == 2


def test_retention_deletes_live_and_archived_entries_older_than_the_days_given(county, personas, aged):
    history.archive()
    ArchivedLogEntry.objects.filter(pk=aged["village_a1"].pk).update(
        timestamp=timezone.now() - timedelta(days=500)
    )
    very_old_live = audit.log_access(county.village_a2, what="更旧", actor=personas.admin)
    _age(very_old_live, 400)
    live, archived = history.prune(older_than_days=365, dry_run=True)
    assert (live, archived) == (1, 1)
    assert history.prune(older_than_days=365) == (1, 1)
    assert set(ArchivedLogEntry.objects.values_list("pk", flat=True)) == {aged["village_b1"].pk}
    assert not LogEntry.objects.filter(pk=very_old_live.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="monthly partitions are PostgreSQL's")
def test_on_postgresql_months_are_partitions_created_ahead_and_dropped_whole(county, personas, aged):
    now = timezone.now()
    history.daily(today=now.date())
    months = history.partition_months()
    assert months, "the archive has its months"
    assert max(months) >= history._month_start(now + timedelta(days=31))  # at least a month ahead
    assert history._month_start(now - timedelta(days=120)) in months  # the archived rows' month
    old = timezone.now() - timedelta(days=700)
    history.ensure_partitions(old, old)
    ArchivedLogEntry.objects.filter(pk=aged["village_a1"].pk).update(timestamp=old)
    assert history._month_start(old) in history.partition_months()
    assert history.prune(older_than_days=365) == (0, 1)
    assert history._month_start(old) not in history.partition_months()  # dropped as a table
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_archivedlogentry_default")
        assert cursor.fetchone()[0] == 0  # no row ever fell into the catch-all partition


def test_a_malformed_date_is_refused_with_a_message_and_shows_nothing(client, personas, aged):
    client.force_login(personas.admin)
    response = client.get(reverse("audit_log"), {"since": "2026-13-45"})
    assert "请按 2026-11-30 的格式填写日期" in response.content.decode()
    assert len(response.context["page"]) == 0


def test_a_records_history_is_compiled_once_and_read_afresh(county, personas):
    """Every record page asks its history: the audit entries and the workflow steps are read by queries
    compiled once (core.prepared), the entries of the moment each time, the access events for auditors only."""
    from dangjian.core.tests.spies import compiled_tables

    person = make_person(county.village_a1, "历史党员")
    audit.timeline(person, viewer=personas.admin)
    audit.timeline(person, viewer=personas.village_a1)
    before = len(audit.timeline(person, viewer=personas.admin))
    person.name = "改名党员"
    person.save()
    audit.log_access(person, what="查看身份证号", actor=personas.admin)
    with compiled_tables() as compiled:
        after = audit.timeline(person, viewer=personas.admin)
        shown_to_branch = audit.timeline(person, viewer=personas.village_a1)
    # (the names of the records its changes point to, its organisation here, are still looked up)
    assert "auditlog_logentry" not in compiled and "core_statuschange" not in compiled, compiled
    assert len(after) == before + 2 and {e.kind for e in after[:2]} == {"update", "access"}
    assert len(shown_to_branch) == before + 1 and all(e.kind != "access" for e in shown_to_branch)
