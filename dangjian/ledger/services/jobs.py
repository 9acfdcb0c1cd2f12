"""The daily job: deadline reminders, escalations and month-end snapshots."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.params import get as param
from dangjian.notices.selectors import recipients_for_org
from dangjian.notices.services import notify

from .. import params
from ..deadlines import working_on_q
from ..figures import SAVED_SUMS, aggregates
from ..models import (
    Escalation,
    Item,
    Reminder,
    RollupSnapshot,
    RollupSubtree,
)
from ..rules import RECTIFY, VERIFY
from ._common import (
    S,
    _at,
    _notify_org,
    _today,
    dated,
    item_url,
)


def reminders_cancel(*, item: Item) -> int:
    """Cancel unsent reminders that no longer match the item's organisation and deadline."""
    stale = Reminder.objects.filter(item=item, sent_at__isnull=True, cancelled=False)
    if item.deadline is not None and not item.long_term and item.status not in (S.CLOSED, S.DRAFT):
        stale = stale.filter(~Q(deadline=item.deadline) | ~Q(org_id=item.org_id))
    return stale.update(cancelled=True)


# Reminder kind → (days relative to the deadline on which it becomes due, last day a late run still sends it).
REMINDER_WINDOWS = {
    Reminder.Kind.BEFORE_7: (-7, -2),
    Reminder.Kind.BEFORE_1: (-1, 0),
    Reminder.Kind.OVERDUE: (1, 7),
}
SCHEDULE_AHEAD_DAYS = 30


def reminders_run(*, today: date) -> dict[str, int]:
    """Schedule and send deadline reminders (7 and 1 days before, the day after); idempotent.

    Only items the rectifying side is working on, on ``today``, get reminders: once it has asked
    for closure the deadline is no longer its to meet (see ``deadlines.working_on_q``); run for a
    past day (the demo's simulated months) it judges each item as it stood that day. Reminder rows are
    scheduled for those items whose deadline is within the next 30 days,
    one per (item, kind, deadline, organisation), so a second run creates nothing. A row is
    sent once (``sent_at``), skipped when cancelled, and skipped when its window has passed
    (a job that did not run for a week does not send stale "due in 7 days" messages).
    """
    items = (
        Item.objects.filter(working_on_q(today))
        .filter(long_term=False, deadline__gte=today - timedelta(days=7))
        .filter(deadline__lte=today + timedelta(days=SCHEDULE_AHEAD_DAYS))
        .values_list("pk", "deadline", "org_id")
    )
    rows = [
        Reminder(item_id=pk, kind=kind, deadline=dl, org_id=org_id, due_on=dl + timedelta(days=start))
        for pk, dl, org_id in items
        for kind, (start, _end) in REMINDER_WINDOWS.items()
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    due = (
        Reminder.objects.filter(sent_at__isnull=True, cancelled=False, due_on__lte=today)
        .filter(due_on__gte=today - timedelta(days=7), item__deadline=F("deadline"), item__org_id=F("org_id"))
        .filter(working_on_q(today, prefix="item__"))
        .select_related("item", "item__org", "item__supervisor_org")
        .order_by("pk")
    )
    recipients_cache: dict[tuple[int, str, int], list] = {}

    def recipients(org, cap, about):
        key = (org.pk, cap, about.pk)
        if key not in recipients_cache:
            recipients_cache[key] = recipients_for_org(org, cap, about=about)
        return recipients_cache[key]

    sent, skipped = [], 0
    for reminder in due:
        _start, end = REMINDER_WINDOWS[reminder.kind]
        if today > reminder.deadline + timedelta(days=end):
            skipped += 1
            continue
        item = reminder.item
        people = list(recipients(item.org, RECTIFY, item.org))
        if reminder.kind == Reminder.Kind.OVERDUE:
            people += recipients(item.supervisor_org, VERIFY, item.org)
            kind, text = (
                "item_overdue",
                _("Overdue: %(title)s (deadline %(date)s)")
                % {
                    "title": item.title,
                    "date": item.deadline.isoformat(),
                },
            )
        else:
            days = (item.deadline - today).days
            values = {"days": days, "title": item.title, "date": item.deadline.isoformat()}
            if days == 0:
                kind, text = "item_due_soon", _("Due today: %(title)s (deadline %(date)s)") % values
            else:
                kind, text = (
                    "item_due_soon",
                    _("Due in %(days)s days: %(title)s (deadline %(date)s)") % values,
                )
        notify(recipients=people, kind=kind, text=text, url=item_url(item), key=f"reminder:{reminder.pk}")
        sent.append(reminder.pk)
    if sent:
        Reminder.objects.filter(pk__in=sent).update(sent_at=_at(today) or timezone.now())
    return {"scheduled": len(rows), "sent": len(sent), "skipped": skipped}


def duty_reviews_run(*, today: date) -> dict[str, int]:
    """Remind the responsible organisation of every standing duty (责任清单) whose review has come (once per date)."""
    due = (
        Item.objects.filter(long_term=True, next_review_on__lte=today)
        .exclude(status__in=[S.DRAFT, S.CLOSED])
        .select_related("org")
        .order_by("pk")
    )
    count = 0
    for item in due:
        _notify_org(
            item,
            item.org,
            RECTIFY,
            kind="duty_review_due",
            text=_("Review of a standing duty is due: %(title)s (since %(date)s)")
            % {"title": item.title, "date": item.next_review_on.isoformat()},
            event=f"review:{item.next_review_on.isoformat()}",
        )
        count += 1
    return {"reviews": count}


def escalations_run(*, today: date) -> dict[str, int]:
    """Record every item overdue beyond the parameter (once per deadline) and notify its supervisors.

    Every item counts whatever its history (items created in bulk, items whose job runs were
    missed): the run asks ``Item.objects.overdue`` — the one definition — not what earlier runs
    saw. A record is resolved when its item is no longer overdue or its deadline moved.
    """
    days = int(param(params.ESCALATE_AFTER_DAYS.key))
    overdue = list(
        Item.objects.overdue(today, beyond=days)
        .exclude(Exists(Escalation.objects.filter(item=OuterRef("pk"), deadline=OuterRef("deadline"))))
        .select_related("org", "supervisor_org")
    )
    Escalation.objects.bulk_create(
        [Escalation(item=i, deadline=i.deadline, listed_on=today) for i in overdue], ignore_conflicts=True
    )
    for item in overdue:
        _notify_org(
            item,
            item.supervisor_org,
            VERIFY,
            kind="item_escalated",
            text=_("Overdue more than %(days)s days, put on the escalation list: %(title)s (%(org)s)")
            % {"days": days, "title": item.title, "org": item.org.label},
            event=f"escalated:{item.deadline.isoformat()}",
        )
    resolved = (
        Escalation.objects.filter(resolved_on__isnull=True)
        .filter(~Q(item__in=Item.objects.overdue(today).values("pk")) | ~Q(item__deadline=F("deadline")))
        .update(resolved_on=today)
    )
    return {"listed": len(overdue), "resolved": resolved}


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


@transaction.atomic
def snapshot_month(*, month: date, today: date | None = None, under: str = "") -> int:
    """Save the month's roll-up figures for every organisation with items; idempotent (replaces the month's).

    ``under`` limits it to one subtree (the path of its top), as the demo saves county after county.

    Figures are per responsible organisation (its own items, not its subtree — sum the
    snapshots of a subtree by path for a roll-up). They describe the items as they stand
    when this runs; overdue counts and ages are reckoned at ``min(today, month end)``.
    Returns the number of organisations saved.
    """
    from dangjian.orgs.models import Organisation

    month = month_start(month)
    as_of = min(_today(today), month_end(month))
    # Items handed down by then (the same as all of them when the job runs on the day).
    handed = Item.objects.handed_down().filter(issued_on__lte=as_of)
    if under:
        handed = handed.filter(org__path__startswith=under)
    figures = {row["org_id"]: row for row in handed.order_by().values("org_id").annotate(**aggregates(as_of))}
    by_status: dict[int, dict[str, int]] = {}
    for org_id, status, n in handed.values_list("org_id", "status").annotate(n=Count("pk")).order_by():
        by_status.setdefault(org_id, {})[status] = n
    orgs = dict(Organisation.objects.filter(pk__in=figures).values_list("pk", "path"))
    step = Organisation.steplen
    parents = dict(
        Organisation.objects.filter(path__in={p[:-step] for p in orgs.values() if len(p) > step}).values_list(
            "path", "pk"
        )
    )
    now = _at(today) or timezone.now()
    rows = [
        RollupSnapshot(
            month=month,
            org_id=org_id,
            parent_id=parents.get(orgs[org_id][:-step]),
            total=row["total"],
            open=row["total"] - row["closed"],
            closed=row["closed"],
            closed_on_time=row["closed"] - row["closed_late"],
            closed_late=row["closed_late"],
            due=row["due"],
            due_on_time=row["due_on_time"],
            overdue=row["overdue"],
            overdue_days_max=row["days_max"].days if row["days_max"] else 0,
            by_status=by_status.get(org_id, {}),
            taken_at=now,
        )
        for org_id, row in figures.items()
    ]
    # Replaced whole, in this transaction: updating a province's 140 000 rows one CASE at a time took 500 s and
    # 2.6 GB each night. An organisation with no items left has no row, as it has none in a live roll-up.
    saved = RollupSnapshot.objects.filter(month=month)
    if under:
        saved = saved.filter(org__path__startswith=under)
    saved.delete()
    RollupSnapshot.objects.bulk_create(rows, batch_size=1000)
    if not under:
        save_subtrees(month=month, now=now)
    return len(figures)


def save_subtrees(*, month: date, now: datetime | None = None) -> int:
    """Save the month's figures summed over the subtree of each child of a wide organisation (one whose
    subtree holds more than ``ROLLUP_LIVE_MAX_ORGS``), from its saved ``RollupSnapshot`` rows.

    A province's roll-up then reads its cities' rows and a city's its counties', instead of summing every
    organisation's row on each visit. Replaces the month's rows; two or three queries per level of wide
    organisations. Returns the number of rows saved.
    """
    from dangjian.orgs.models import Organisation
    from dangjian.orgs.selectors import wide_paths

    month = month_start(month)
    step = Organisation.steplen
    now = now or timezone.now()
    rows: list[RollupSubtree] = []
    for depth, wide in wide_paths(settings.ROLLUP_LIVE_MAX_ORGS).items():
        under = reduce(or_, (Q(path__startswith=top) for top in wide))
        saved_under = reduce(or_, (Q(org__path__startswith=top) for top in wide))
        sums = {
            row.pop("branch"): row
            for row in RollupSnapshot.objects.filter(saved_under, month=month, org__depth__gt=depth)
            .annotate(branch=Substr("org__path", 1, (depth + 1) * step))
            .order_by()
            .values("branch")
            .annotate(**SAVED_SUMS)
        }
        for pk, path in Organisation.objects.filter(under, depth=depth + 1).values_list("pk", "path"):
            figures = {name: value or 0 for name, value in sums.get(path, {}).items()}
            rows.append(RollupSubtree(month=month, org_id=pk, path=path, taken_at=now, **figures))
    RollupSubtree.objects.filter(month=month).delete()
    RollupSubtree.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@dated
def daily_run(*, today: date) -> dict[str, int]:
    """Everything ``manage.py daily`` does for ``today``; safe to run twice.

    Month-end snapshots: on the last day of a month the month is saved. When the job did
    not run that day, the run on the 1st saves the previous month if it was not saved on its last
    day (overdue figures reckoned at that day). A run for the present day also saves the month so
    far: a wide scope's roll-up (a city, a province) shows it instead of counting every item on each
    visit. A back-dated run (the demo's replay) cannot, for the items' figures are as they stand now.
    """
    with transaction.atomic():
        result = {
            **reminders_run(today=today),
            **escalations_run(today=today),
            **duty_reviews_run(today=today),
        }
    result["snapshot"] = 0
    if (today + timedelta(days=1)).day == 1 or today == timezone.localdate():
        result["snapshot"] = snapshot_month(month=today, today=today)
    if today.day == 1:
        last_day = today - timedelta(days=1)
        previous = month_start(last_day)
        saved_then = RollupSnapshot.objects.filter(
            month=previous, taken_at__gte=timezone.make_aware(datetime.combine(last_day, time.min))
        )
        if not saved_then.exists():
            result["snapshot"] += snapshot_month(month=previous, today=last_day)
    return result
