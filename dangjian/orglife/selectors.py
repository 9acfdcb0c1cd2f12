"""Reads of organisational life: the roster at a date, compliance with the frequency rules, report
figures, training hours and coverage. Every page and export reads through here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from decimal import Decimal
from itertools import islice

from django.db.models import Count, DateField, DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from dangjian.core import params, scoping
from dangjian.core.prepared import PreparedQuery, as_date, plain_rows
from dangjian.orgs.models import (
    BRANCH_KINDS,
    COMMITTEE_POSTS,
    MemberCategory,
    Organisation,
    Person,
    Post,
    PostKind,
    Sector,
    Standing,
    Transfer,
)

from . import params as orglife_params
from . import periods
from .models import (
    RULE_KINDS,
    SECRETARY_LESSON,
    Audience,
    CoverageTarget,
    FrequencyRule,
    Meeting,
    MeetingKind,
    MonthlyReport,
    MutualRating,
    TrainingRecord,
    rule_label,
)
from .periods import Due, State

BRANCH_KIND_VALUES = [str(k) for k in BRANCH_KINDS]


# --------------------------------------------------------------------------- the roster at a date


@dataclass(frozen=True)
class RosterEntry:
    person: Person
    voter: bool  # a full member on that day (only full members vote)


def roster_on(org: Organisation, day: date) -> list[RosterEntry]:
    """The party members of ``org`` on ``day``: joined by then, not left, not yet moved in later or moved out
    since; full members vote, probationary members attend without a vote."""
    moved_in_later = Transfer.objects.filter(to_org=org, on__gt=day).values("person_id")
    moved_out_later = Transfer.objects.filter(from_org=org, on__gt=day).values("person_id")
    people = (
        Person.objects.exclude(category=MemberCategory.NON_MEMBER)
        .filter((Q(org=org) & ~Q(pk__in=moved_in_later)) | Q(pk__in=moved_out_later))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
        .filter(Q(status=Person.Status.ACTIVE) | Q(left_on__gt=day))
        .order_by("name_pinyin", "pk")
    )
    return [
        RosterEntry(
            p,
            p.category == MemberCategory.FULL
            and (p.converted_on is None or p.converted_on <= day)
            and p.standing == Standing.NORMAL,
        )
        for p in people
    ]


def committee_on(org: Organisation, day: date) -> list[RosterEntry]:
    """The branch committee (支委会) on ``day``: people holding a committee post then; all of them vote."""
    posts = (
        Post.objects.filter(org=org, kind__in=[str(k) for k in COMMITTEE_POSTS], started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .select_related("person")
        .order_by("person__name_pinyin", "person_id")
    )
    seen, result = set(), []
    for post in posts:
        if post.person_id not in seen:
            seen.add(post.person_id)
            result.append(RosterEntry(post.person, True))
    return result


def secretary_on(org: Organisation, day: date) -> Person | None:
    """The person holding the secretary's post of ``org`` on ``day`` (None when vacant)."""
    post = (
        Post.objects.filter(org=org, kind=PostKind.SECRETARY, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .select_related("person")
        .order_by("-started_on")
        .first()
    )
    return post.person if post else None


def expected_on(org: Organisation, kind: str, day: date) -> list[RosterEntry]:
    """Who is expected at a meeting of ``kind``: the committee for a committee meeting, else the roster."""
    if kind == MeetingKind.COMMITTEE:
        return committee_on(org, day)
    return roster_on(org, day)


# --------------------------------------------------------------------------- the frequency rules


def rules_by_org_kind() -> dict[str, dict[str, tuple[str, int]]]:
    """Organisation kind → {meeting kind: (period, times)}, the general rows overridden per kind."""
    general: dict[str, tuple[str, int]] = {}
    special: dict[str, dict[str, tuple[str, int] | None]] = defaultdict(dict)
    for rule in FrequencyRule.objects.all():
        value = (rule.period, rule.times) if rule.active and rule.times else None
        if rule.org_kind:
            special[rule.org_kind][rule.kind] = value
        elif value:
            general[rule.kind] = value
    result = {}
    for kind in BRANCH_KIND_VALUES:
        merged = {**general, **special.get(kind, {})}
        result[kind] = {k: v for k, v in merged.items() if v}
    return result


def aware(day: date, end: bool = False) -> datetime:
    moment = time.max if end else time.min
    return timezone.make_aware(datetime.combine(day, moment))


def _held_query(org_ids, since: datetime, until: datetime):
    """Meetings held per organisation, kind and month between two moments, as (org, kind, month, held,
    lessons by the secretary of the day) rows."""
    secretary_then = Post.objects.filter(
        org=OuterRef("org"),
        person=OuterRef("lecturer_person"),
        kind=PostKind.SECRETARY,
        started_on__lte=OuterRef("day"),
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("day")))
    return (
        Meeting.objects.filter(
            org_id__in=org_ids, status=Meeting.Status.HELD, starts_at__range=(since, until)
        )
        # The month as a date in the site's time zone, computed by the database: a county's year is ~20 000
        # rows, and converting each as an aware datetime cost more than the query.
        .annotate(month=TruncMonth("starts_at", output_field=DateField()), day=TruncDate("starts_at"))
        .annotate(by_secretary=Exists(secretary_then))
        .order_by()
        .values("org_id", "kind", "month")
        .annotate(
            n=Count("pk"),
            # The cheap tests first: the database evaluates the post lookup for party lessons with a lecturer
            # from the roster only, not for every meeting of the year.
            by_secretary=Count(
                "pk",
                filter=Q(kind=MeetingKind.LESSON) & Q(lecturer_person__isnull=False) & Q(by_secretary=True),
            ),
        )
        .values_list("org_id", "kind", "month", "n", "by_secretary")
    )


# Placeholder moments for the prepared single-branch queries (never real meeting times).
_SINCE, _UNTIL = (datetime(1901, 1, d, tzinfo=dt_timezone.utc) for d in (1, 2))
# One branch's counts (its monthly report, its page): compiled once, run afresh on every call.
_HELD_ONE = PreparedQuery(
    lambda org_id, since, until: _held_query([org_id], since, until), -1, _SINCE, _UNTIL
)


def held_counts(org_ids, start: date, end: date) -> dict[int, dict[tuple[str, date], int]]:
    """Meetings held per organisation, kind and calendar month between two days (one query).

    Party lessons given by the organisation's secretary of the day are counted besides under the rule
    kind ``SECRETARY_LESSON`` (each secretary gives at least one a year).
    """
    org_ids = list(org_ids)
    since, until = aware(start), aware(end, True)
    if len(org_ids) == 1:
        rows = _HELD_ONE.rows(org_ids[0], since, until, model=Meeting)
    else:
        # Read as the driver gives the rows (numbers, text and the month): no per-value conversion.
        rows = plain_rows(_held_query(org_ids, since, until))
    result: dict[int, dict] = defaultdict(dict)
    months: dict = {}  # a year has twelve: each converted once, not once per row
    for org_id, kind, raw, n, by_secretary in rows:
        month = months.get(raw)
        if month is None:
            month = months[raw] = as_date(raw)
        counts = result[org_id]
        counts[(kind, month)] = n
        if by_secretary:
            counts[(SECRETARY_LESSON, month)] = by_secretary
    return result


def _widen(start: date, end: date) -> tuple[date, date]:
    """From the first day of the year of ``start``: the periods ending in [start, end] begin no earlier."""
    return date(start.year, 1, 1), end


def compliance(branches, start: date, end: date, *, today: date | None = None) -> dict[int, list[Due]]:
    """Each branch's dues for the periods ending in [start, end] (two queries whatever the number)."""
    today = today or timezone.localdate()
    branches = [b for b in branches if b.kind in BRANCH_KIND_VALUES]
    if not branches:
        return {}
    rules = rules_by_org_kind()
    lo, hi = _widen(start, end)
    counts = held_counts([b.pk for b in branches], lo, hi)
    return {
        b.pk: periods.check(b, rules.get(b.kind, {}), counts.get(b.pk, {}), start, end, today)
        for b in branches
    }


def branches_under(orgs) -> list[Organisation]:
    """Every branch in the subtrees of ``orgs`` (one query)."""
    return list(_branches_under(orgs))


def _branches_under(orgs):
    """The query of ``branches_under``, by path (none when ``orgs`` is empty)."""
    orgs = list(orgs)
    if not orgs:
        return Organisation.objects.none()
    q = Q(pk__in=[])
    paths: list[str] = []
    for path in sorted({o.path for o in orgs}, key=len):  # an organisation inside another adds nothing
        if not any(path.startswith(p) for p in paths):
            paths.append(path)
    for path in paths:
        q |= Q(path__subtree=path)
    # What the roll-up and ``periods.owes`` read of a branch: a county's thousand branches, not their every column.
    return (
        Organisation.objects.filter(q, kind__in=BRANCH_KIND_VALUES)
        .only("pk", "path", "depth", "kind", "founded_on", "dissolved_on")
        .order_by("path")
    )


# Branches whose meetings a roll-up reads and judges at a time: a county's fit in one round, a province's
# 100 000 are streamed in rounds, so its memory does not grow with the province.
BRANCH_CHUNK = 5000


def _branch_chunks(orgs):
    rows = _branches_under(orgs).iterator(chunk_size=BRANCH_CHUNK)
    while chunk := list(islice(rows, BRANCH_CHUNK)):
        yield chunk


@dataclass
class RollupRow:
    org: Organisation
    branches: int = 0
    met: int = 0
    decided: int = 0
    missed: dict = field(default_factory=dict)  # meeting kind → periods missed
    compliant_branches: int = 0

    @property
    def rate(self) -> float | None:
        return round(100.0 * self.met / self.decided, 1) if self.decided else None

    @property
    def missed_by_kind(self) -> list[tuple[str, int]]:
        """(label, periods missed) of each kind with any, in the order of RULE_KINDS."""
        return [(label, self.missed[kind]) for kind, label in RULE_KINDS if kind in self.missed]


def rollup(
    orgs, start: date, end: date, *, today: date | None = None, branches=None, dues=None
) -> list[RollupRow]:
    """Compliance of each organisation's whole subtree over the periods ending in [start, end].

    ``branches`` and ``dues`` (from ``compliance`` over a span covering [start, end]) may be given when the
    caller already has them, so a page showing a year's trend and a month's roll-up reads the meetings once.
    """
    orgs = list(orgs)
    rows = {o.path: RollupRow(o) for o in orgs}
    lengths = sorted({len(p) for p in rows})
    if branches is None:
        # Read and judged round by round (two queries a round): what is kept is the rows' sums.
        for chunk in _branch_chunks(orgs):
            _add_up(rows, lengths, chunk, compliance(chunk, start, end, today=today), start, end)
    else:
        if dues is None:
            dues = compliance(branches, start, end, today=today)
        _add_up(rows, lengths, branches, dues, start, end)
    return [rows[o.path] for o in orgs]


def _add_up(rows: dict, lengths: list[int], branches, dues, start: date, end: date) -> None:
    """Add each branch's periods ending in [start, end] to the rows of the subtrees it is in."""
    for branch in branches:
        branch_dues = [d for d in dues.get(branch.pk, []) if start <= d.span.end <= end]
        met, decided = periods.completion(branch_dues)
        for length in lengths:
            row = rows.get(branch.path[:length])
            if row is None:
                continue
            row.branches += 1
            row.met += met
            row.decided += decided
            row.compliant_branches += met == decided
            for due in branch_dues:
                if due.state == State.MISSED:
                    row.missed[due.kind] = row.missed.get(due.kind, 0) + 1


def sees_figures(user, org: Organisation) -> bool:
    """Figures of ``org``'s subtree: for those who see all of it through a grant that is not "own records only"."""
    if not scoping.sees_whole_subtree(user, org):
        return False
    scope = scoping.get_scope(user)
    return scope.everything or any(g.covers(org.pk, org.path) and not g.self_only for g in scope.grants)


def child_orgs(user, root: Organisation | None) -> tuple[Organisation | None, list[Organisation]]:
    """The organisations a roll-up lists: the children of ``root`` (or the user's top organisations)."""
    visible = Organisation.objects.visible_to(user).current()
    if root is None:
        tops = list(visible.filter(depth=visible.order_by("depth").values("depth")[:1]))
        if len(tops) == 1 and tops[0].numchild:
            root = tops[0]
        else:
            return None, [o for o in tops if sees_figures(user, o)]
    if not root.numchild:
        return root, [root] if sees_figures(user, root) else []
    children = list(visible.filter(path__subtree=root.path, depth=root.depth + 1))
    return root, [o for o in children if sees_figures(user, o)]


def monthly_trend(dues: dict[int, list[Due]]) -> list[float | None]:
    """Completion rate of the monthly rules, month by month, from a year's ``compliance`` dues."""
    met = [0] * 12
    decided = [0] * 12
    monthly, still_open, was_met = periods.PeriodKind.MONTH, State.OPEN, State.MET
    for branch_dues in dues.values():
        for _kind, span, _required, _held, state in branch_dues:
            if state == still_open or span.kind != monthly:
                continue
            i = span.start.month - 1
            decided[i] += 1
            if state == was_met:
                met[i] += 1
    return [round(100.0 * m / d, 1) if d else None for m, d in zip(met, decided, strict=True)]


# --------------------------------------------------------------------------- monthly report figures


_HELD_MEETINGS = PreparedQuery(
    lambda org_id, since, until: (
        Meeting.objects.filter(org_id=org_id, status=Meeting.Status.HELD, starts_at__range=(since, until))
        .only("pk", "kind", "expected", "present", "lesson_title", "topic", "lecturer", "starts_at")
        .order_by("starts_at")
    ),
    -1,
    _SINCE,
    _UNTIL,
)


def report_figures(org: Organisation, month: date, *, today: date | None = None) -> dict:
    """The monthly report's figures, compiled from the records (frozen into the report when submitted)."""
    start, end = month, periods.month_end(month)
    held = _HELD_MEETINGS.objects(org.pk, aware(start), aware(end, True), model=Meeting)
    by_kind = {str(k): 0 for k in MeetingKind.values}
    expected = present = 0
    for m in held:
        by_kind[m.kind] += 1
        expected += m.expected
        present += m.present
    dues = compliance([org], start, end, today=today).get(org.pk, [])
    return {
        "meetings": by_kind,
        "total": len(held),
        "expected": expected,
        "present": present,
        "attendance_rate": round(100.0 * present / expected, 1) if expected else None,
        "lessons": [
            {"title": m.lesson_title or m.topic, "lecturer": m.lecturer}
            for m in held
            if m.kind == MeetingKind.LESSON
        ],
        "theme_day": by_kind[MeetingKind.THEME_DAY] > 0,
        "dues": [
            {"kind": d.kind, "period": d.span.label, "required": d.required, "held": d.held, "state": d.state}
            for d in dues
        ],
    }


def report_due_on(month: date) -> date:
    """The day by which a month's report is due (the N-th of the following month)."""
    following = periods.month_end(month)
    day = params.get(orglife_params.REPORT_DUE_DAY.key)
    nxt = date(following.year + (following.month == 12), following.month % 12 + 1, 1)
    return nxt.replace(day=min(max(day, 1), 28))


def reports_for(user, month: date):
    return (
        MonthlyReport.objects.visible_to(user)
        .filter(month=month)
        .select_related("org", "submitted_by", "reviewed_by")
        .order_by("org__path")
    )


def owing_reports(user, month: date):
    """The branches the user sees that owe ``month``'s report (existing during the month) and have not
    submitted it: a report past its draft, whoever may read it, settles the branch's duty."""
    submitted = MonthlyReport.objects.filter(org=OuterRef("pk"), month=month).exclude(
        status=MonthlyReport.Status.DRAFT
    )
    return (
        Organisation.objects.visible_to(user)
        .filter(kind__in=BRANCH_KIND_VALUES, depth__gt=1)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=periods.month_end(month)))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=month))
        .exclude(Exists(submitted))
    )


# --------------------------------------------------------------------------- democratic evaluation


def mutual_tallies(evaluation_round) -> dict[int, dict[str, int]]:
    """Member → {grade: how many members gave it} in a branch's mutual assessment (one query)."""
    result: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        MutualRating.objects.filter(round=evaluation_round)
        .order_by()
        .values("ratee_id", "grade")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        result[row["ratee_id"]][row["grade"]] = row["n"]
    return result


def mutual_raters(evaluation_round) -> set[int]:
    """The members who have handed in their mutual-assessment sheet."""
    return set(
        MutualRating.objects.filter(round=evaluation_round).values_list("rater_id", flat=True).distinct()
    )


# --------------------------------------------------------------------------- training


def members_yearly_hours() -> Decimal:
    """The members' yearly hours: the active "every party member" target with hours (0 without one)."""
    target = (
        CoverageTarget.objects.filter(audience=Audience.MEMBERS, active=True, min_hours__gt=0)
        .order_by("pk")
        .first()
    )
    return target.min_hours if target else Decimal("0")


def hours_target(start: date, end: date) -> Decimal:
    """The hours a member should reach over a span: the yearly target, pro rata by whole months."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return (members_yearly_hours() * min(months, 12) / 12).quantize(Decimal("0.1"))


def audience_people(audience: str, org: Organisation, day: date):
    """The people a target speaks of, in ``org``'s subtree on ``day`` (current roll and posts)."""
    in_subtree = Person.objects.current().filter(org__path__subtree=org.path)
    if audience == Audience.MEMBERS:
        return in_subtree.exclude(category=MemberCategory.NON_MEMBER)
    if audience == Audience.AGENCY_MEMBERS:
        return in_subtree.exclude(category=MemberCategory.NON_MEMBER).filter(org__sector=Sector.AGENCY)
    posts = Post.objects.current(day).filter(org__path__subtree=org.path)
    if audience == Audience.SECRETARIES:
        posts = posts.filter(kind=PostKind.SECRETARY, org__kind__in=BRANCH_KIND_VALUES)
    else:
        posts = posts.filter(org__sector__in=[Sector.RURAL, Sector.COMMUNITY])
    return Person.objects.current().filter(pk__in=posts.values("person_id"))


@dataclass
class TargetCoverage:
    target: CoverageTarget
    people: list
    reached: list
    missing: list

    @property
    def rate(self) -> float | None:
        return round(100.0 * len(self.reached) / len(self.people), 1) if self.people else None


def target_coverage(user, org: Organisation, year: int, *, targets=None) -> list[TargetCoverage]:
    """Each active training target (or those given) for ``org``'s subtree in ``year``: who is concerned, who
    reached it, who not.

    One query per target (hours and course counts as subqueries), only people the user may see.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    day = min(end, timezone.localdate())
    result = []
    if targets is None:
        targets = CoverageTarget.objects.filter(active=True).order_by("pk")
    for target in targets:
        records = TrainingRecord.objects.filter(person=OuterRef("pk"), on__range=(start, end))
        if target.kinds:
            records = records.filter(course__kind__in=target.kinds)
        summed = records.order_by().values("person").annotate(h=Sum("hours"), n=Count("pk"))
        people = list(
            audience_people(target.audience, org, day)
            .filter(pk__in=Person.objects.visible_to(user).values("pk"))
            .select_related("org")
            .annotate(
                hours=Coalesce(
                    Subquery(summed.values("h")[:1]),
                    Value(Decimal("0")),
                    output_field=DecimalField(max_digits=7, decimal_places=1),
                ),
                courses=Coalesce(Subquery(summed.values("n")[:1]), Value(0)),
            )
            .order_by("org__path", "name_pinyin", "pk")
        )
        ok = [p for p in people if p.hours >= target.min_hours and p.courses >= target.min_courses]
        ids = {p.pk for p in ok}
        result.append(TargetCoverage(target, people, ok, [p for p in people if p.pk not in ids]))
    return result


def hours_subquery(start: date, end: date):
    return Coalesce(
        Subquery(
            TrainingRecord.objects.filter(person=OuterRef("pk"), on__range=(start, end))
            .order_by()
            .values("person")
            .annotate(h=Sum("hours"))
            .values("h")[:1]
        ),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=7, decimal_places=1),
    )


def person_ledger(user, person: Person):
    """One person's training ledger: every course attended, newest first."""
    return list(
        TrainingRecord.objects.visible_to(user)
        .filter(person=person)
        .select_related("course", "course__org")
        .order_by("-on", "pk")
    )


# --------------------------------------------------------------------------- the organisation page panel


def org_panel(request, org):
    """This year's compliance and the last meetings, on the organisation page (a registered panel)."""
    user = request.user
    today = timezone.localdate()
    # Figures of the whole subtree only for those who may see all of it (docs/architecture.md).
    row = rollup([org], date(today.year, 1, 1), today, today=today)[0] if sees_figures(user, org) else None
    meetings = list(Meeting.objects.visible_to(user).filter(org=org).order_by("-starts_at")[:5])
    if not meetings and not (row and row.branches):
        return None
    missed = [(rule_label(k), n) for k, n in sorted(row.missed.items())] if row else []
    return {"row": row, "meetings": meetings, "missed": missed, "year": today.year}
