"""Notifications: idempotent by event key, e-mailed when SMTP is configured, marked read, routed to the right people."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from dangjian.accounts.models import RoleAssignment
from dangjian.accounts.roles import Role
from dangjian.notices import selectors
from dangjian.notices.models import Notice
from dangjian.notices.services import mark_read, notify


def test_the_same_event_notifies_each_person_once(personas):
    for _ in range(2):
        notify(
            recipients=[personas.village_a1, personas.township_a],
            kind="item_overdue",
            text="已逾期",
            key="r:1",
        )
    assert Notice.objects.count() == 2
    notify(recipients=[personas.village_a1], kind="item_overdue", text="已逾期", key="r:2")
    assert personas.village_a1.notices.count() == 2


def test_an_email_follows_after_commit_when_smtp_is_configured(
    personas, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.gov.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    personas.village_a1.email = "a1@example.gov.cn"
    personas.village_a1.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[personas.village_a1, personas.member], kind="x", text="新事项", key="k")
    assert [m.to for m in mail.outbox] == [["a1@example.gov.cn"]]
    assert personas.village_a1.notices.get().emailed_at is not None


def test_no_email_without_smtp(personas, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = ""
    personas.village_a1.email = "a1@example.gov.cn"
    personas.village_a1.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[personas.village_a1], kind="x", text="新事项", key="k")
    assert mail.outbox == []


def test_mark_read_touches_only_my_notices(personas):
    notify(recipients=[personas.village_a1, personas.township_a], kind="x", text="t", key="k")
    mine = personas.village_a1.notices.get()
    assert (
        mark_read(user=personas.village_a1, notice_ids=[mine.pk, personas.township_a.notices.get().pk]) == 1
    )
    assert selectors.unread_count(personas.village_a1) == 0
    assert selectors.unread_count(personas.township_a) == 1


@pytest.mark.parametrize(
    ("org", "expected"), [("village_a1", ["village_a1"]), ("village_a2", ["township_a"])]
)
def test_recipients_are_the_organisations_own_people_or_else_the_nearest_committee(
    county, personas, org, expected
):
    users = selectors.recipients_for_org(getattr(county, org), "rectify")
    assert users == [getattr(personas, name) for name in expected]


def test_recipients_need_the_capability(county, personas):
    assert selectors.recipients_for_org(county.village_a1, "verify") == [personas.township_a]
    RoleAssignment.objects.create(user=personas.inspector, role=Role.INSPECTOR, org=county.village_a1)
    assert selectors.recipients_for_org(county.village_a1, "verify") == [personas.inspector]


def test_the_daily_job_removes_only_notifications_read_long_ago(personas):
    from datetime import timedelta

    from django.utils import timezone

    from dangjian.core import params
    from dangjian.core.tasks import run_daily

    people = [personas.village_a1, personas.township_a, personas.county_admin]
    notify(recipients=people, kind="k", text="通知", key="p:1")
    old_read, old_unread, recent_read = (Notice.objects.get(recipient=user).pk for user in people)
    long_ago = timezone.now() - timedelta(days=400)
    Notice.objects.filter(pk=old_read).update(created_at=long_ago, read_at=long_ago)
    Notice.objects.filter(pk=old_unread).update(created_at=long_ago)
    Notice.objects.filter(pk=recent_read).update(
        created_at=long_ago, read_at=timezone.now() - timedelta(days=30)
    )
    assert run_daily(today=timezone.localdate())["notices.read_removed"] == 1
    assert set(Notice.objects.values_list("pk", flat=True)) == {old_unread, recent_read}
    params.set_value("notices.read_retention_days", 0)  # 0 keeps every notification
    Notice.objects.filter(pk=recent_read).update(read_at=long_ago)
    assert run_daily(today=timezone.localdate())["notices.read_removed"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_the_bell_of_a_user_with_no_notices_is_never_run_under_one_plan_for_every_user(personas):
    """One plan for every recipient reckons an average recipient's thousands of notices and reads the table
    until it finds a hundred: a user with none read all of it on every page. The bell is planned per user."""
    busy, quiet = personas.county_admin, personas.village_a1
    Notice.objects.bulk_create(
        Notice(recipient=busy, kind="item_due_soon", text="还有 7 天到期", key=f"k:{n}") for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notices_notice")
    assert [selectors.unread_badge(quiet) for _n in range(8)] == [0] * 8
    assert selectors.unread_badge(busy) == 100
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        generic = [row for row in cursor.fetchall() if 'FROM "notices_notice"' in row[0] and row[1]]
    assert generic == []
