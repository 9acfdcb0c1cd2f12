"""``manage.py daily``: reminders sent once, cancelled when the deadline or organisation changes,
escalation, snapshots."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from dangjian.ledger import services
from dangjian.ledger.models import Escalation, Item, Reminder, RollupSnapshot
from dangjian.notices.models import Notice

from .builders import TODAY, handed_item, media, walk  # noqa: F401

S = Item.Status
pytestmark = pytest.mark.usefixtures("media")


def daily(day: date) -> str:
    out = StringIO()
    call_command("daily", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def reminder_texts(user):
    return list(
        user.notices.filter(kind__in=["item_due_soon", "item_overdue"])
        .order_by("pk")
        .values_list("text", flat=True)
    )


def test_running_daily_twice_sends_each_reminder_once(county, personas):
    item = handed_item(county, personas, deadline=TODAY + timedelta(days=7))
    notices_before = Notice.objects.count()
    assert "sent=1" in daily(TODAY)
    assert "sent=0" in daily(TODAY)
    assert Notice.objects.count() == notices_before + 1
    daily(TODAY + timedelta(days=6))
    daily(TODAY + timedelta(days=6))
    daily(TODAY + timedelta(days=8))
    daily(TODAY + timedelta(days=8))
    title = item.title
    assert reminder_texts(personas.village_a1) == [
        f"还有 7 天到期：{title}（整改时限 2026-11-29）",
        f"还有 1 天到期：{title}（整改时限 2026-11-29）",
        f"已逾期：{title}（整改时限 2026-11-29）",
    ]
    # The supervisor hears about the overdue item too, once.
    assert reminder_texts(personas.township_a) == [f"已逾期：{title}（整改时限 2026-11-29）"]
    assert Reminder.objects.filter(item=item, sent_at__isnull=False).count() == 3


def test_a_missed_week_does_not_send_stale_due_soon_reminders(county, personas):
    handed_item(county, personas, deadline=TODAY + timedelta(days=7))
    daily(TODAY - timedelta(days=1))  # schedules, nothing due yet
    daily(TODAY + timedelta(days=7))  # the deadline day: only the 1-day reminder is still meaningful
    assert [t.split("：")[0] for t in reminder_texts(personas.village_a1)] == ["今天到期"]


def test_changing_the_deadline_cancels_the_pending_reminders_of_the_old_one(county, personas):
    item = handed_item(county, personas, deadline=TODAY + timedelta(days=10))
    daily(TODAY)  # schedules the three reminders for the 10-day deadline; none due yet
    assert Reminder.objects.filter(item=item, cancelled=False, sent_at__isnull=True).count() == 3
    services.item_update(item=item, actor=personas.township_a, deadline=TODAY + timedelta(days=20))
    assert Reminder.objects.filter(item=item, cancelled=True).count() == 3
    daily(TODAY + timedelta(days=3))  # the old 7-day reminder would have been due today
    assert reminder_texts(personas.village_a1) == []
    daily(TODAY + timedelta(days=13))
    assert reminder_texts(personas.village_a1) == [f"还有 7 天到期：{item.title}（整改时限 2026-12-12）"]


def test_reassigning_the_item_cancels_the_old_organisations_reminders(county, personas):
    item = handed_item(county, personas, deadline=TODAY + timedelta(days=10))
    daily(TODAY)
    services.item_update(item=item, actor=personas.township_a, org=county.village_a2)
    assert set(Reminder.objects.filter(item=item, cancelled=True).values_list("org_id", flat=True)) == {
        county.village_a1.pk
    }
    daily(TODAY + timedelta(days=3))
    assert reminder_texts(personas.village_a1) == []
    # A2 has no sign-in: its township committee is reminded.
    assert reminder_texts(personas.township_a) == [f"还有 7 天到期：{item.title}（整改时限 2026-12-02）"]


def test_cancelled_reminders_are_skipped(county, personas):
    # Scheduled today (the item was handed down today), due tomorrow, cancelled in between.
    item = handed_item(county, personas, deadline=TODAY + timedelta(days=8))
    daily(TODAY)
    assert Reminder.objects.filter(item=item).exists()
    Reminder.objects.filter(item=item).update(cancelled=True)
    daily(TODAY + timedelta(days=1))
    assert reminder_texts(personas.village_a1) == []


def test_closed_items_get_no_reminders(county, personas):
    walk(handed_item(county, personas, deadline=TODAY + timedelta(days=7)), S.CLOSED, personas)
    daily(TODAY)
    assert reminder_texts(personas.village_a1) == []


def test_items_overdue_beyond_the_parameter_are_listed_once_and_resolved_when_closed(county, personas):
    start = TODAY - timedelta(days=30)
    late = handed_item(county, personas, deadline=TODAY - timedelta(days=8), today=start)
    edge = handed_item(county, personas, deadline=TODAY - timedelta(days=7), today=start)
    daily(TODAY)
    daily(TODAY)
    assert list(Escalation.objects.values_list("item_id", "deadline", "listed_on", "resolved_on")) == [
        (late.pk, late.deadline, TODAY, None)
    ]
    assert personas.township_a.notices.filter(kind="item_escalated").count() == 1
    assert edge.pk not in Escalation.objects.values_list("item_id", flat=True)
    walk(late, S.CLOSED, personas, today=TODAY)
    daily(TODAY + timedelta(days=1))
    assert Escalation.objects.get(item=late).resolved_on == TODAY + timedelta(days=1)
    assert Escalation.objects.filter(item=edge, resolved_on__isnull=True).exists()


def test_the_month_snapshot_is_idempotent(county, personas):
    item = handed_item(county, personas, deadline=TODAY + timedelta(days=7))
    handed_item(county, personas, org=county.village_a2, deadline=TODAY + timedelta(days=7))
    month = date(2026, 11, 1)
    assert services.snapshot_month(month=month, today=TODAY) == 2
    first = {s.org_id: (s.total, s.open) for s in RollupSnapshot.objects.all()}
    walk(item, S.CLOSED, personas)
    assert services.snapshot_month(month=month, today=TODAY) == 2
    # The month's rows replaced: one per organisation, never doubled.
    again = {s.org_id: (s.total, s.open, s.closed_on_time) for s in RollupSnapshot.objects.all()}
    assert RollupSnapshot.objects.count() == 2
    assert again[county.village_a1.pk] == (1, 0, 1)
    assert again[county.village_a2.pk][:2] == first[county.village_a2.pk]
    snap = RollupSnapshot.objects.get(org=county.village_a1)
    assert snap.parent == county.township_a
    assert snap.by_status == {"closed": 1}


def test_daily_saves_the_month_on_its_last_day_and_catches_up_on_the_first(county, personas):
    handed_item(county, personas, deadline=TODAY + timedelta(days=7))
    daily(date(2026, 11, 29))
    assert not RollupSnapshot.objects.exists()
    daily(date(2026, 11, 30))
    assert list(RollupSnapshot.objects.values_list("month", flat=True)) == [date(2026, 11, 1)]
    RollupSnapshot.objects.all().delete()
    daily(date(2026, 12, 1))
    assert list(RollupSnapshot.objects.values_list("month", flat=True)) == [date(2026, 11, 1)]
    daily(date(2026, 12, 1))
    assert RollupSnapshot.objects.count() == 1


def test_a_bad_date_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("daily", "--date", "2026-13-01")


def test_a_job_run_for_a_past_day_judges_the_items_as_they_stood_that_day(county, personas):
    """The demo runs the job over its simulated months after building the items (issue 8 point 3)."""
    from django.utils import timezone

    start = TODAY - timedelta(days=60)
    # Closed later, with a closure requested 10 days after its deadline: in hand until then.
    late = handed_item(county, personas, deadline=start + timedelta(days=20), today=start)
    walk(late, S.CLOSED, personas, today=start + timedelta(days=30))
    for day in (start + timedelta(days=13), start + timedelta(days=21), start + timedelta(days=28)):
        daily(day)
    sent = {r.kind: timezone.localdate(r.sent_at) for r in Reminder.objects.filter(sent_at__isnull=False)}
    assert sent == {"before_7": start + timedelta(days=13), "overdue": start + timedelta(days=21)}
    escalation = Escalation.objects.get(item=late)
    assert escalation.listed_on == start + timedelta(days=28) and escalation.resolved_on is None
    notice = Notice.objects.get(kind="item_escalated")
    assert timezone.localdate(notice.created_at) == start + timedelta(days=28)
    daily(start + timedelta(days=30))
    escalation.refresh_from_db()
    assert escalation.resolved_on == start + timedelta(days=30)
    # Not yet handed down on a past day: nothing for it then.
    handed_item(county, personas, deadline=TODAY + timedelta(days=5))
    daily(TODAY - timedelta(days=2))
    assert Reminder.objects.count() == 3
