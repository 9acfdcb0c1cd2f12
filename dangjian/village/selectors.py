"""Reads of village governance: the duty of a day, presence of first secretaries, lists and roll-ups.

Every read goes through the user's scope; figures over many villages are computed from a
fixed number of queries (rota, holiday duty, check-ins, leave), whatever the number of villages.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from dangjian.core import params as core_params
from dangjian.core.prepared import kept
from dangjian.orgs.models import Organisation, Post

from . import params
from .duty import DutyRow, day_kind, due_person_ids, rota_weekday
from .models import (
    CADRE_POSTS,
    CheckIn,
    Decision,
    FirstSecretaryPosting,
    GridMatter,
    HolidayDuty,
    Leave,
    OfficeRota,
)

ON_LEAVE = (Leave.Status.APPROVED, Leave.Status.RETURNED)


def _subtree_q(paths, prefix: str = "org__") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__subtree": path})
    return q


def _leave_covers(leave: Leave, day: date) -> bool:
    end = leave.ends_on
    if leave.returned_on is not None:
        end = min(end, leave.returned_on - timedelta(days=1))
    return leave.starts_on <= day <= end


@dataclass
class VillageDay:
    """One village's duty on one day (and what the viewer may do there)."""

    org: Organisation
    rows: list[DutyRow] = field(default_factory=list)
    can_manage: bool = False
    can_record: bool = False

    @property
    def due(self) -> int:
        return sum(1 for r in self.rows if r.due)

    @property
    def checked(self) -> int:
        return sum(1 for r in self.rows if r.due and r.checked_in is not None)

    @property
    def on_leave(self) -> int:
        return sum(1 for r in self.rows if r.due and r.checked_in is None and r.on_leave is not None)

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.missing)


def rota_day(user, day: date, villages: list[Organisation]) -> list[VillageDay]:
    """For each village: every current cadre, due or not, checked in, on leave or missing (5 queries)."""
    ids = [v.pk for v in villages]
    posts = (
        Post.objects.visible_to(user)
        .filter(org_id__in=ids, kind__in=CADRE_POSTS)
        .current(day)
        .select_related("person")
        .only("id", "org_id", "person_id", "kind", "person__name")
        .order_by("org_id", "kind", "person__name")
    )
    # Only the rota rows that can apply on the day (one weekday, in force), not every village's history.
    rota = (
        OfficeRota.objects.visible_to(user)
        .filter(org_id__in=ids, weekday=rota_weekday(day) or 0, active_from__lte=day)
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=day))
        .only("org_id", "person_id", "weekday", "active_from", "active_until")
    )
    duties = HolidayDuty.objects.visible_to(user).filter(org_id__in=ids, day=day)
    checkins = {
        (c.org_id, c.person_id): c for c in CheckIn.objects.visible_to(user).filter(org_id__in=ids, day=day)
    }
    leaves: dict[tuple[int, int], Leave] = {}
    for leave in Leave.objects.visible_to(user).filter(
        org_id__in=ids, status__in=ON_LEAVE, starts_on__lte=day, ends_on__gte=day
    ):
        if _leave_covers(leave, day):
            leaves[(leave.org_id, leave.person_id)] = leave
    due = due_person_ids(day, list(rota), list(duties))
    from dangjian.core import scoping

    from .rules import VCap

    by_org = {
        v.pk: VillageDay(
            v,
            can_manage=scoping.can(user, VCap.MANAGE_CADRES, v),
            can_record=scoping.can(user, VCap.RECORD_DECISION, v),
        )
        for v in villages
    }
    seen: set[tuple[int, int]] = set()
    for post in posts:
        key = (post.org_id, post.person_id)
        if key in seen:
            continue
        seen.add(key)
        by_org[post.org_id].rows.append(
            DutyRow(
                post.org_id,
                post.person_id,
                post.person.name,
                key in due,
                checkins.get(key),
                leaves.get(key),
                post.pk,
            )
        )
    return [by_org[v.pk] for v in villages]


def villages_for(user, org: Organisation | None = None):
    """The villages and communities (branch-level organisations with cadres' posts) the user sees."""
    qs = Organisation.objects.visible_to(user).filter(
        dissolved_on__isnull=True, kind__in=["branch", "general_branch"], sector__in=["rural", "community"]
    )
    if org is not None:
        qs = qs.filter(path__subtree=org.path)
    return qs.order_by("path")


# --- duty compliance over a period, for many villages at once ---


def duty_counts(paths: list[str], start: date, end: date) -> dict[str, dict[str, int]]:
    """Per village path: slots due, checked in and excused by leave between two days (4 queries).

    Not scoped: indicators count whole subtrees and are shown only to those who see them.
    """
    end = min(end, timezone.localdate())
    if end < start or not paths:
        return {}
    where = _subtree_q(paths)
    rota = list(
        OfficeRota.objects.filter(where)
        .filter(active_from__lte=end)
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=start))
        .select_related("org")
        .only("org__path", "person_id", "weekday", "active_from", "active_until", "org_id")
    )
    duties = list(
        HolidayDuty.objects.filter(where, day__range=(start, end)).only("org_id", "person_id", "day")
    )
    checked = set(
        CheckIn.objects.filter(where, day__range=(start, end)).values_list("org_id", "person_id", "day")
    )
    leaves = defaultdict(list)
    for leave in Leave.objects.filter(where, status__in=ON_LEAVE, starts_on__lte=end, ends_on__gte=start):
        leaves[(leave.org_id, leave.person_id)].append(leave)
    org_paths = dict(Organisation.objects.filter(_subtree_q(paths, prefix="")).values_list("pk", "path"))
    result: dict[str, dict[str, int]] = defaultdict(lambda: {"due": 0, "checked": 0, "excused": 0})
    day = start
    while day <= end:
        if day_kind(day) != "rest":
            for org_id, person_id in due_person_ids(day, rota, duties):
                counts = result[org_paths.get(org_id, "")]
                if (org_id, person_id, day) in checked:
                    counts["due"] += 1
                    counts["checked"] += 1
                elif any(_leave_covers(lv, day) for lv in leaves.get((org_id, person_id), ())):
                    counts["excused"] += 1
                else:
                    counts["due"] += 1
        day += timedelta(days=1)
    return dict(result)


# --- first secretaries ---


@dataclass
class PresenceMonth:
    year: int
    month: int
    days_on_post: int
    leave_days: int
    required: int | None  # None: the posting did not cover the whole month

    @property
    def short(self) -> bool:
        return self.required is not None and self.days_on_post < self.required


def _months_back(today: date, n: int) -> list[tuple[int, int]]:
    year, month, result = today.year, today.month, []
    for _i in range(n):
        result.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(result))


def presence(
    postings: list[FirstSecretaryPosting], months: list[tuple[int, int]]
) -> dict[int, list[PresenceMonth]]:
    """Days on post (distinct check-in days in the village) per posting and month (2 queries).

    A month counts against the minimum only when the posting covered all of it and it is over
    (or is the current month's days so far are not judged).
    """
    if not postings or not months:
        return {}
    today = timezone.localdate()
    first = date(months[0][0], months[0][1], 1)
    last_year, last_month = months[-1]
    last = date(last_year, last_month, pycalendar.monthrange(last_year, last_month)[1])
    people = {p.person_id for p in postings}
    days = defaultdict(set)
    for org_id, person_id, day in CheckIn.objects.filter(
        person_id__in=people, day__range=(first, last)
    ).values_list("org_id", "person_id", "day"):
        days[(org_id, person_id)].add(day)
    leave_days = defaultdict(set)
    for leave in Leave.objects.filter(
        person_id__in=people, status__in=ON_LEAVE, starts_on__lte=last, ends_on__gte=first
    ):
        d = leave.starts_on
        while d <= leave.ends_on:
            if _leave_covers(leave, d):
                leave_days[(leave.org_id, leave.person_id)].add(d)
            d += timedelta(days=1)
    minimum = core_params.get(params.FIRST_SECRETARY_MIN_DAYS.key)
    result = {}
    for posting in postings:
        key = (posting.org_id, posting.person_id)
        rows = []
        for year, month in months:
            start = date(year, month, 1)
            end = date(year, month, pycalendar.monthrange(year, month)[1])
            whole = (
                posting.started_on <= start
                and (posting.ends_on is None or posting.ends_on >= end)
                and end < today
            )
            rows.append(
                PresenceMonth(
                    year,
                    month,
                    sum(1 for d in days[key] if start <= d <= end),
                    sum(1 for d in leave_days[key] if start <= d <= end),
                    minimum if whole else None,
                )
            )
        result[posting.pk] = rows
    return result


def first_secretaries(user, today: date, n_months: int = 3):
    postings = list(
        FirstSecretaryPosting.objects.visible_to(user)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today - timedelta(days=31 * n_months)))
        .select_related("org", "person")
        .order_by("org__path", "started_on")
    )
    months = _months_back(today, n_months)
    return postings, months, presence(postings, months)


# --- lists ---


def unreturned_q(today: date) -> Q:
    return Q(status=Leave.Status.APPROVED, ends_on__lt=today)


def stuck_q(today: date) -> Q:
    """Decisions waiting for their next step longer than the configured days (not finished, not rejected)."""
    limit = today - timedelta(days=core_params.get(params.DECISION_STUCK_DAYS.key))
    open_states = [
        s for s in Decision.Status.values if s not in (Decision.Status.COMPLETED, Decision.Status.REJECTED)
    ]
    return Q(status__in=open_states) & (
        Q(status_changed_at__date__lt=limit) | Q(status_changed_at__isnull=True, created_at__date__lt=limit)
    )


def results_missing_q(today: date) -> Q:
    """Implemented decisions whose results are not disclosed N days after implementation."""
    limit = today - timedelta(days=core_params.get(params.RESULT_DISCLOSURE_DAYS.key))
    return Q(status=Decision.Status.DISCLOSED, implemented_on__lt=limit)


def decisions_by_status(user, key: tuple) -> dict[str, int]:
    """How many decisions the user sees in each state, by a query compiled once per ``key`` (the user,
    their scope, as for ``core.prepared.kept``)."""
    rows = kept(
        (*key, "by_status"),
        lambda: Decision.objects.visible_to(user).order_by().values("status").annotate(n=Count("pk")),
    ).values(model=Decision)
    return {row["status"]: row["n"] for row in rows}


# --- grid ---


def light(matter: GridMatter, today: date) -> str:
    """The ledger's traffic lights: red when past a limit, yellow within a working day, green otherwise."""
    S = GridMatter.Status
    if matter.status in (S.RESOLVED, S.ANSWERED, S.CLOSED):
        return "red" if matter.resolved_on and matter.resolved_on > matter.resolve_by else "green"
    if matter.responded_on is None and today > matter.respond_by:
        return "red"
    if today > matter.resolve_by:
        return "red"
    if (matter.resolve_by - today).days <= 1:
        return "yellow"
    return "green"


def overdue_matter_q(today: date) -> Q:
    S = GridMatter.Status
    unresolved = Q(status__in=[S.REGISTERED, S.ROUTED, S.HANDLING])
    return (unresolved & (Q(resolve_by__lt=today) | Q(responded_on__isnull=True, respond_by__lt=today))) | Q(
        resolved_on__isnull=False, resolved_on__gt=F("resolve_by")
    )


def grid_rollup(user, orgs: list[Organisation]) -> list[dict]:
    """Matters per organisation's subtree: by state, on time, satisfaction (one GROUP BY per depth)."""
    from dangjian.core.indicators import rate, subtree_rollup

    S = GridMatter.Status
    today = timezone.localdate()
    done = Q(status__in=[S.RESOLVED, S.ANSWERED, S.CLOSED])
    rows = subtree_rollup(
        GridMatter.objects.visible_to(user),
        orgs,
        total=Count("pk"),
        open=Count("pk", filter=~done),
        done=Count("pk", filter=done),
        on_time=Count("pk", filter=done & Q(resolved_on__lte=F("resolve_by"))),
        overdue=Count("pk", filter=overdue_matter_q(today)),
        satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basic"])),
        answered=Count("pk", filter=~Q(satisfaction="")),
    )
    result = []
    for org in orgs:
        row = {k: v or 0 for k, v in rows[org.pk].items()}
        row["org"] = org
        row["on_time_rate"] = rate(row["on_time"], row["done"])
        row["satisfaction_rate"] = rate(row["satisfied"], row["answered"])
        result.append(row)
    return result


def issuer_of(matter: GridMatter) -> Organisation:
    """The township above a matter's community: it hands the matter to the ledger (督查问效)."""
    return Organisation.objects.filter(path=matter.org.path[:-4]).first() or matter.org


def grid_by_category(user, org: Organisation) -> list[tuple[str, int]]:
    """Matters of the organisation's subtree by category (name, count), most first (one GROUP BY)."""
    rows = (
        GridMatter.objects.visible_to(user)
        .filter(org__path__subtree=org.path)
        .order_by()
        .values("category__name")
        .annotate(n=Count("pk"))
    )
    return sorted(((r["category__name"], r["n"]) for r in rows), key=lambda r: (-r[1], r[0]))


def org_panel(request, org):
    """The village governance block on a village's organisation page: today's duty and what is open.

    Only for villages and communities, and only what the viewer may see (every count is scoped).
    """
    if org.kind not in ("branch", "general_branch") or org.sector not in ("rural", "community"):
        return None
    user = request.user
    today = timezone.localdate()
    day = rota_day(user, today, [org])[0]
    if not day.rows:
        return None
    return {
        "village_day": day,
        "village_leave_open": Leave.objects.visible_to(user)
        .filter(org=org)
        .filter(Q(status=Leave.Status.REQUESTED) | unreturned_q(today))
        .count(),
        "village_decisions_open": Decision.objects.visible_to(user)
        .filter(org=org)
        .exclude(status__in=[Decision.Status.COMPLETED, Decision.Status.REJECTED])
        .count(),
        "village_matters_open": GridMatter.objects.visible_to(user)
        .filter(org=org)
        .exclude(status=GridMatter.Status.CLOSED)
        .count(),
    }
