"""Reads that shape the tree, the organisation pages and the warnings (fixed query counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Page
from django.db.models import BooleanField, Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import params as core_params
from dangjian.core.pagination import CappedPaginator
from dangjian.core.params import get as param
from dangjian.core.prepared import counted, kept, kept_related
from dangjian.core.scoping import get_scope, sees_whole_subtree

from . import params
from .models import (
    BRANCH_KINDS,
    COMMITTEE_POSTS,
    MemberCategory,
    Organisation,
    OrgKind,
    OrgWarning,
    Person,
    Post,
    PostKind,
)

# Members counted as rows, not ids: with COUNT(*) PostgreSQL reads the roll's index on (org, status, category)
# alone, never the people's table (a province's tree at 56 counties: 390 → 270 ms counting 890 000 members by city).
MEMBERS = Count("*")


def members_by_prefix(people, prefix_len: int) -> dict[str, int]:
    """Party members of ``people`` (a scoped queryset of people) counted by the first ``prefix_len``
    characters of their organisation's path: one GROUP BY (the live tree, the daily member tallies)."""
    rows = (
        people.members()
        .annotate(branch=Substr("org__path", 1, prefix_len))
        .order_by()
        .values("branch")
        .annotate(n=MEMBERS)
        .values_list("branch", "n")
    )
    return dict(rows)


def wide_paths(limit: int) -> dict[int, list[str]]:
    """The paths of the organisations whose subtree holds more than ``limit`` organisations (dissolved ones
    included), by depth: one query per depth, from the top down to the first depth that has none.

    The daily run's records for wide scopes (the tree's member tallies, the roll-up's subtree sums) are
    kept for these and their children.
    """
    found: dict[int, list[str]] = {}
    depth = 1
    while True:
        paths = list(
            Organisation.objects.filter(depth__gte=depth)
            .annotate(top=Substr("path", 1, depth * Organisation.steplen))
            .order_by()
            .values("top")
            .annotate(n=Count("*"))
            .filter(n__gt=limit)
            .values_list("top", flat=True)
        )
        if not paths:
            return found
        found[depth] = sorted(paths)
        depth += 1


def member_counts_below(
    user, parent_path: str, child_depth: int, *, steplen: int = Organisation.steplen
) -> dict[str, int]:
    """Party members the user may see in each subtree rooted at ``child_depth`` under ``parent_path``.

    One GROUP BY. Only visible people count: a grant without the subtree sees the organisation's
    own roll, never the numbers of the organisations below it.
    """
    people = Person.objects.visible_to(user).filter(
        org__path__subtree=parent_path, org__depth__gte=child_depth
    )
    return members_by_prefix(people, child_depth * steplen)


@dataclass
class TreeNode:
    org: Organisation
    members: int
    children: list[TreeNode]
    expanded: bool
    counted_on: date | None = None  # the daily run's day when ``members`` is its tally (a wide scope)


# The daily run's member tally of each organisation, read with it (a LEFT JOIN, no further query).
TALLY = {"tally": F("member_tally__members"), "tally_path": F("member_tally__path")}
TALLY_ON = F("member_tally__counted_on")


def _tallied(user, nodes) -> bool:
    """Whether every node has a tally the user may read: counted at its present place, and the user sees
    its whole subtree (the tally counts every member below it)."""
    return all(n.tally is not None and n.tally_path == n.path and sees_whole_subtree(user, n) for n in nodes)


def tree_children(user, parent: Organisation | None, *, include_dissolved: bool = False) -> list[TreeNode]:
    """The visible children of ``parent`` (or the user's top organisations), each with its member count.

    Two queries: the organisations, and one GROUP BY for the counts of all their subtrees.
    """
    qs = Organisation.objects.visible_to(user).annotate(**TALLY, tally_on=TALLY_ON)
    if not include_dissolved:
        qs = qs.current()
    if parent is not None:
        nodes = list(
            qs.filter(path__subtree=parent.path, depth=parent.depth + 1).order_by("sort_key", "path")
        )
    else:
        nodes = _top_nodes(qs, user)
    if not nodes:
        return []
    if _tallied(user, nodes):
        return [TreeNode(node, node.tally, [], False, node.tally_on) for node in nodes]
    by_depth: dict[tuple[str, int], dict[str, int]] = {}
    result = []
    for node in nodes:
        key = (node.path[: (node.depth - 1) * node.steplen], node.depth)
        if key not in by_depth:
            by_depth[key] = member_counts_below(user, key[0], node.depth)
        result.append(TreeNode(node, by_depth[key].get(node.path, 0), [], False))
    return result


def _top_nodes(qs, user) -> list[Organisation]:
    """The roots of what the user may see: the focus, else the outermost granted organisations (one query).

    Grants may sit at different depths (a township and a village elsewhere); each is a root.
    """
    scope = get_scope(user)
    if scope.focus_path is not None:
        qs = qs.filter(path=scope.focus_path)
    elif scope.everything:
        qs = qs.filter(depth=1)
    else:
        paths: list[str] = []
        for p in sorted({g.path for g in scope.grants}, key=len):
            if not any(p.startswith(kept) for kept in paths):
                paths.append(p)
        qs = qs.filter(path__in=paths)
    return list(qs.order_by("depth", "sort_key", "path"))


def top_organisations(user) -> list[Organisation]:
    """The roots of what the user may see (the focus, else the outermost granted organisations)."""
    return _top_nodes(Organisation.objects.current().visible_to(user), user)


def tree_for_user(user, *, expand_depth: int = 2, include_dissolved: bool = False) -> list[TreeNode]:
    """The user's top organisations with their children expanded (for the first view of the tree page).

    Three queries: top nodes, their children, and one GROUP BY of members over both levels
    (one more for each further depth at which the user holds a grant).
    """
    qs = Organisation.objects.visible_to(user).annotate(**TALLY, tally_on=TALLY_ON)
    if not include_dissolved:
        qs = qs.current()
    tops = _top_nodes(qs, user)
    if not tops:
        return []
    steplen = Organisation.steplen
    children: list[Organisation] = []
    if expand_depth > 1:
        q = Q(pk__in=[])
        for t in tops:
            q |= Q(path__subtree=t.path, depth=t.depth + 1)
        children = list(qs.filter(q).order_by("sort_key", "path"))
    if _tallied(user, [*tops, *children]):
        # A wide scope whose members the daily run counted: its figures, no count of millions of members.
        kids: dict[str, list[TreeNode]] = {}
        for c in children:
            kids.setdefault(c.path[: (c.depth - 1) * steplen], []).append(
                TreeNode(c, c.tally, [], False, c.tally_on)
            )
        return [TreeNode(t, t.tally, kids.get(t.path, []), True, t.tally_on) for t in tops]
    # Per depth of the tops, one GROUP BY: count by the child-level prefix, then roll up to the tops.
    counts: dict[str, int] = {}
    top_counts: dict[str, int] = {}
    for depth in sorted({t.depth for t in tops}):
        member_q = Q(pk__in=[])
        for t in tops:
            if t.depth == depth:
                member_q |= Q(org__path__subtree=t.path)
        rows = members_by_prefix(Person.objects.visible_to(user).filter(member_q), (depth + 1) * steplen)
        top_len = depth * steplen
        for branch, n in rows.items():
            counts[branch] = n
            top_counts[branch[:top_len]] = top_counts.get(branch[:top_len], 0) + n
    kids_by_top: dict[str, list[TreeNode]] = {}
    for c in children:
        parent_path = c.path[: (c.depth - 1) * steplen]
        kids_by_top.setdefault(parent_path, []).append(TreeNode(c, counts.get(c.path, 0), [], False))
    return [TreeNode(t, top_counts.get(t.path, 0), kids_by_top.get(t.path, []), True) for t in tops]


# ------------------------------------------------------------------ warnings


# The warning rules, by code (for filters and summaries).
WARNING_LABELS = {
    "secretary_vacant": gettext_lazy("Secretary post vacant"),
    "no_committee": gettext_lazy("No branch committee"),
    "too_small": gettext_lazy("Too few full members"),
    "term_expired": gettext_lazy("Term expired"),
    "too_big": gettext_lazy("Too many members for its kind"),
    "committee_too_early": gettext_lazy("Branch committee with too few full members"),
    "committee_posts": gettext_lazy("Branch committee size or posts"),
    "probation_overdue": gettext_lazy("Probationary members past their year"),
    "lost_contact": gettext_lazy("Members out of contact"),
    "mobile_unplaced": gettext_lazy("Mobile members without a destination"),
    "branch_name": gettext_lazy("Name of a branch without a committee"),
    "joint_units": gettext_lazy("Joint branch over too many units"),
}
# Branches whose name says whether they have a committee: "中共……支部委员会" only with one.
NAMED_BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH)
COMMITTEE_SUFFIX = "支部委员会"
# The committee posts every branch committee has besides its secretary (DOMAIN.md §1).
REQUIRED_COMMITTEE_POSTS = (PostKind.ORGANISING, PostKind.PROPAGANDA, PostKind.DISCIPLINE)


@dataclass
class Warning:
    code: str
    text: str
    severity: str = "warning"  # "danger" or "warning"


def _member_counts(today: date) -> dict[str, Q]:
    """The members the warning rules count, by annotation name: each a filter on an organisation's members."""
    probation_end = _add_years(today, -1) - timedelta(days=param(params.PROBATION_GRACE_DAYS.key))
    lost_since = _add_months(today, -param(params.LOST_CONTACT_MONTHS.key))
    return {
        "full_members": Q(category=MemberCategory.FULL),
        "all_members": Q(),
        "probation_overdue": Q(category=MemberCategory.PROBATIONARY, joined_on__lt=probation_end),
        "lost_contact_long": Q(lost_contact=True, lost_contact_on__lte=lost_since),
        "mobile_unplaced": Q(mobile=True, mobile_destination=""),
    }


def _post_now(today: date) -> Q:
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def annotate_health(qs, *, per_row: bool = False):
    """Annotate organisations with what the warning rules need (one query with subqueries).

    For many organisations at once ``with_health`` computes the same figures with grouped queries.
    ``per_row``: for a page of rows (a LIMIT), each post flag is asked row by row. As ``EXISTS``,
    PostgreSQL reckons a flag for every organisation of the scope, so it hashes every current post of that
    kind first: four reads of a province's million posts before the first of fifty rows (the organisation
    list: 669 ms). Filtering on a flag over a whole scope (the weak suggestions) wants that hash.
    """
    today = timezone.localdate()
    members = Person.objects.members().filter(org=OuterRef("pk"))
    now = _post_now(today)
    posts_now = Post.objects.filter(org=OuterRef("pk")).filter(now)
    last_secretary_end = (
        Post.objects.filter(org=OuterRef("pk"), kind=PostKind.SECRETARY, ended_on__lte=today)
        .order_by()
        .values("org")
        .annotate(m=Max("ended_on"))
        .values("m")
    )
    committee = posts_now.filter(kind__in=COMMITTEE_POSTS)
    committee_size = committee.order_by().values("org").annotate(n=Count("person", distinct=True)).values("n")
    annotations = {name: counted(members.filter(q), "org") for name, q in _member_counts(today).items()}

    def held(posts):
        if not per_row:
            return Exists(posts)
        one = posts.order_by().annotate(held=Value(True, output_field=BooleanField())).values("held")[:1]
        return Coalesce(Subquery(one, output_field=BooleanField()), Value(False))

    annotations |= {
        "has_secretary": held(posts_now.filter(kind=PostKind.SECRETARY)),
        "secretary_vacant_since": Subquery(last_secretary_end),
        "committee_size": Coalesce(Subquery(committee_size, output_field=IntegerField()), Value(0)),
    }
    for kind in REQUIRED_COMMITTEE_POSTS:
        annotations[f"has_{kind}"] = held(posts_now.filter(kind=kind))
    return qs.annotate(**annotations)


def with_health(
    qs, *, key: tuple | None = None, today: date | None = None, at_most: int | None = None
) -> list[Organisation] | None:
    """The organisations of ``qs`` with the attributes of ``annotate_health``, in three queries whatever
    their number: the organisations, then one GROUP BY over their members and one over their posts.

    Correlated subqueries cost seven lookups per organisation (a county's thousand organisations:
    most of its home page); grouped once over the subtree they cost one pass over its people and posts.

    With ``key`` (naming all that ``qs`` depends on: the user, their scope), the three queries are compiled
    once per key, day and rule parameters (``core.prepared.kept``) and read afresh on every call, as the
    home page asks them on every visit.

    With ``at_most``, more organisations than that in ``qs`` give ``None`` after the first query, which
    reads no more than one beyond them (the other two are not asked).
    """
    today = today or timezone.localdate()
    member_counts = _member_counts(today)

    def members_query():
        return (
            Person.objects.members()
            .filter(org__in=qs.order_by().values("pk"))
            .order_by()
            .values("org")
            .annotate(**{name: Count("pk", filter=q) for name, q in member_counts.items()})
        )

    def posts_query():
        now = _post_now(today)
        figures = {
            "secretaries": Count("pk", filter=now & Q(kind=PostKind.SECRETARY)),
            "secretary_vacant_since": Max("ended_on", filter=Q(kind=PostKind.SECRETARY, ended_on__lte=today)),
            "committee_size": Count("person", distinct=True, filter=now & Q(kind__in=COMMITTEE_POSTS)),
            **{f"n_{kind}": Count("pk", filter=now & Q(kind=kind)) for kind in REQUIRED_COMMITTEE_POSTS},
        }
        return (
            Post.objects.filter(org__in=qs.order_by().values("pk"))
            .order_by()
            .values("org")
            .annotate(**figures)
        )

    first = qs if at_most is None else qs[: at_most + 1]
    if key is None:
        orgs = list(first)

        def rows(_name, build, _model) -> list[dict]:
            return list(build())
    else:
        key = (*key, today, core_params.version())
        orgs = kept((*key, "organisations", at_most), lambda: first).objects(model=Organisation)

        def rows(name, build, model) -> list[dict]:
            return kept((*key, name), build).values(model=model)

    if at_most is not None and len(orgs) > at_most:
        return None
    if not orgs:
        return orgs
    members = {row["org"]: row for row in rows("members", members_query, Person)}
    posts = {row["org"]: row for row in rows("posts", posts_query, Post)}
    for org in orgs:
        counted = members.get(org.pk, {})
        for name in member_counts:
            setattr(org, name, counted.get(name, 0))
        held = posts.get(org.pk, {})
        org.has_secretary = bool(held.get("secretaries"))
        org.secretary_vacant_since = held.get("secretary_vacant_since")
        org.committee_size = held.get("committee_size", 0)
        for kind in REQUIRED_COMMITTEE_POSTS:
            setattr(org, f"has_{kind}", bool(held.get(f"n_{kind}")))
    return orgs


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


ABOVE_COUNTY = {OrgKind.PROVINCE_COMMITTEE, OrgKind.CITY_COMMITTEE, OrgKind.COUNTY_COMMITTEE}
# A 党小组 is led by a group leader (组长), so no secretary post is missing there.


def warnings_for(org: Organisation, *, today: date | None = None) -> list[Warning]:
    """The health warnings of one annotated organisation (DOMAIN.md §1), computed without queries."""
    if org.is_dissolved:
        return []
    today = today or timezone.localdate()
    result: list[Warning] = []
    # Secretaries of county committees and above are appointed outside this platform's roster.
    if not org.has_secretary and org.kind not in ABOVE_COUNTY and org.kind != OrgKind.PARTY_CELL:
        since = org.secretary_vacant_since or org.founded_on
        if since:
            days = (today - since).days
            text = _("Secretary post vacant for %(days)s days (since %(since)s)") % {
                "days": days,
                "since": since.isoformat(),
            }
            severity = "danger" if days > param(params.SECRETARY_VACANT_DAYS.key) else "warning"
            result.append(Warning("secretary_vacant", text, severity))
        else:
            result.append(Warning("secretary_vacant", _("Secretary post vacant"), "danger"))
    if org.kind in BRANCH_KINDS:
        full = org.full_members
        committee_min = param(params.COMMITTEE_MIN_FULL_MEMBERS.key)
        branch_min = param(params.BRANCH_MIN_FULL_MEMBERS.key)
        if full >= committee_min and org.committee_elected_on is None and org.kind != OrgKind.GENERAL_BRANCH:
            text = _("%(full)s full members (at least %(min)s) but no branch committee") % {
                "full": full,
                "min": committee_min,
            }
            result.append(Warning("no_committee", text))
        if full < branch_min and org.kind == OrgKind.BRANCH:
            text = _("Only %(full)s full members (fewer than %(min)s): should be a joint branch") % {
                "full": full,
                "min": branch_min,
            }
            result.append(Warning("too_small", text))
    if (
        org.kind in NAMED_BRANCH_KINDS
        and not org.committee_elected_on
        and org.name.endswith(COMMITTEE_SUFFIX)
    ):
        text = _("Without a branch committee the name is “%(name)s”, not “……支部委员会”") % {
            "name": org.name.removesuffix("委员会")
        }
        result.append(Warning("branch_name", text))
    result += _size_warnings(org)
    result += _member_warnings(org)
    if org.committee_elected_on:
        years = org.effective_term_years()
        try:
            due = org.committee_elected_on.replace(year=org.committee_elected_on.year + years)
        except ValueError:
            due = org.committee_elected_on.replace(year=org.committee_elected_on.year + years, day=28)
        if due < today:
            text = _("Committee term expired (election was due on %(due)s)") % {"due": due.isoformat()}
            result.append(Warning("term_expired", text))
    return result


def _size_warnings(org: Organisation) -> list[Warning]:
    """Members for the kind (50 → 总支, 100 → 基层党委) and the branch committee's basis, size and posts."""
    found: list[Warning] = []
    members = getattr(org, "all_members", 0)
    branch_max = param(params.BRANCH_MAX_MEMBERS.key)
    committee_from = param(params.COMMITTEE_FROM_MEMBERS.key)
    if members > committee_from and org.kind in (
        OrgKind.BRANCH,
        OrgKind.GENERAL_BRANCH,
        OrgKind.JOINT_BRANCH,
    ):
        text = _("%(n)s members (more than %(max)s): should be a grassroots committee") % {
            "n": members,
            "max": committee_from,
        }
        found.append(Warning("too_big", text))
    elif members > branch_max and org.kind in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH):
        text = _("%(n)s members (more than %(max)s): should be a general branch") % {
            "n": members,
            "max": branch_max,
        }
        found.append(Warning("too_big", text))
    units = len(org.joint_unit_names) if org.kind == OrgKind.JOINT_BRANCH else 0
    if units > (most := param(params.JOINT_BRANCH_MAX_UNITS.key)):
        text = _("A joint branch over %(n)s units (at most %(max)s): set up branches in the larger ones") % {
            "n": units,
            "max": most,
        }
        found.append(Warning("joint_units", text))
    if org.kind in BRANCH_KINDS and org.kind != OrgKind.GENERAL_BRANCH and org.committee_elected_on:
        committee_min = param(params.COMMITTEE_MIN_FULL_MEMBERS.key)
        if org.full_members < committee_min:
            text = _("A branch committee with %(full)s full members (one is set up from %(min)s)") % {
                "full": org.full_members,
                "min": committee_min,
            }
            found.append(Warning("committee_too_early", text))
        else:
            size = getattr(org, "committee_size", 0)
            low, high = param(params.COMMITTEE_MIN_SIZE.key), param(params.COMMITTEE_MAX_SIZE.key)
            problems = []
            if not low <= size <= high:
                problems.append(
                    _("%(n)s committee members (should be %(low)s to %(high)s)")
                    % {"n": size, "low": low, "high": high}
                )
            missing = [
                str(PostKind(k).label) for k in REQUIRED_COMMITTEE_POSTS if not getattr(org, f"has_{k}", True)
            ]
            if missing:
                problems.append(_("no %(posts)s") % {"posts": "、".join(missing)})
            if problems:
                found.append(Warning("committee_posts", _("Branch committee: ") + "；".join(problems)))
    return found


def _member_warnings(org: Organisation) -> list[Warning]:
    """Members whose state the branch must settle: conversion overdue, out of contact, mobile without a destination."""
    found: list[Warning] = []
    n = getattr(org, "probation_overdue", 0)
    if n:
        found.append(
            Warning(
                "probation_overdue", _("%(n)s probationary members past their year, not converted") % {"n": n}
            )
        )
    n = getattr(org, "lost_contact_long", 0)
    if n:
        months = param(params.LOST_CONTACT_MONTHS.key)
        text = _("%(n)s members out of contact for %(months)s months or more") % {"n": n, "months": months}
        found.append(Warning("lost_contact", text))
    n = getattr(org, "mobile_unplaced", 0)
    if n:
        found.append(
            Warning("mobile_unplaced", _("%(n)s mobile members with no destination recorded") % {"n": n})
        )
    return found


def _health_in_scope(user, *, at_most: int | None = None) -> list[Organisation] | None:
    return with_health(
        Organisation.objects.visible_to(user).current().order_by("path"),
        key=("orgs.warning_list", user.pk, get_scope(user)),
        at_most=at_most,
    )


def _found(orgs, *, code: str | None) -> list[tuple[Organisation, list[Warning]]]:
    """Each organisation of ``orgs`` (annotated by ``with_health``) with its warnings (of rule ``code``)."""
    result = []
    today = timezone.localdate()
    for org in orgs:
        found = warnings_for(org, today=today)
        if code:
            found = [w for w in found if w.code == code]
        result.append((org, found))
    return result


def warning_list(user, *, code: str | None = None) -> list[tuple[Organisation, list[Warning]]]:
    """Every visible current organisation with at least one warning, reckoned now (three queries, compiled
    once per user, scope, day and rule parameters)."""
    return [(org, found) for org, found in _found(_health_in_scope(user) or [], code=code) if found]


def warnings_recorded_on() -> date | None:
    """The day of the daily run's record of warnings (``services.record_warnings``), None before the first."""
    return OrgWarning.objects.aggregate(day=Max("found_on"))["day"]


def _recorded_in_scope(user, code: str | None = None):
    """The recorded warnings of the organisations ``user`` sees (of rule ``code``)."""
    recorded = OrgWarning.objects.filter(org__in=Organisation.objects.visible_to(user).current().values("pk"))
    return recorded.filter(code=code) if code else recorded


@dataclass(frozen=True)
class WarningSummary:
    total: int  # organisations with at least one warning
    by_code: dict[str, int]  # organisations with a warning of each rule
    recorded_on: date | None  # the day of the daily run's record counted, None when reckoned now


def warning_summary(user) -> WarningSummary:
    """The organisations with warnings in ``user``'s (focused) scope, in all and by rule.

    Reckoned now where the scope holds at most ``settings.WARNINGS_LIVE_MAX_ORGS`` organisations (the
    three queries of ``warning_list``); counted from the daily run's record in a wider one (a city, a
    province: reckoning every rule for all its organisations takes seconds), three queries whatever its size
    (the organisations up to the limit, the record's day, one count of each rule's).
    """
    orgs = _health_in_scope(user, at_most=settings.WARNINGS_LIVE_MAX_ORGS)
    recorded_on = None if orgs is not None else warnings_recorded_on()
    by_code = dict.fromkeys(WARNING_LABELS, 0)
    if recorded_on is None:  # narrow, or wide before the first daily run: reckoned now
        total = 0
        for _org, found in _found(orgs if orgs is not None else _health_in_scope(user) or [], code=None):
            total += bool(found)
            for w in found:
                by_code[w.code] = by_code.get(w.code, 0) + 1
        return WarningSummary(total, by_code, None)
    counted = _recorded_in_scope(user).aggregate(
        total=Count("org", distinct=True), **{code: Count("pk", filter=Q(code=code)) for code in by_code}
    )
    total = counted.pop("total")
    return WarningSummary(total, by_code | counted, recorded_on)


def warning_page(user, *, code: str | None, number, per_page: int) -> tuple[Page, date | None]:
    """One page of the organisations with warnings in ``user``'s scope, each with its warnings reckoned now,
    and the day of the record it was chosen from (None: chosen now).

    As ``warning_summary``: a narrow scope is reckoned whole; in a wide one the daily run's record chooses
    the page's organisations (counted and cut in SQL) and only those are reckoned now, so a warning settled
    since the run shows as settled on its row.
    """
    orgs = _health_in_scope(user, at_most=settings.WARNINGS_LIVE_MAX_ORGS)
    recorded_on = None if orgs is not None else warnings_recorded_on()
    if recorded_on is None:
        found = _found(orgs if orgs is not None else _health_in_scope(user) or [], code=code)
        return CappedPaginator([row for row in found if row[1]], per_page).get_page(number), None
    chosen = (
        Organisation.objects.visible_to(user)
        .current()
        .filter(pk__in=(OrgWarning.objects.filter(code=code) if code else OrgWarning.objects).values("org"))
        .order_by("path")
        .values_list("pk", flat=True)
    )
    page = CappedPaginator(chosen, per_page).get_page(number)
    shown = with_health(Organisation.objects.filter(pk__in=list(page.object_list)).order_by("path"))
    page.object_list = _found(shown or [], code=code)
    return page, recorded_on


# ------------------------------------------------------------------ organisation pages


def annotate_list(qs, *, user):
    """Annotate organisations for the list page: health, parent name and current secretary (one query).

    The secretary is named only where ``user`` may see the post (a plain member sees no one else's).
    """
    today = timezone.localdate()
    steplen = Organisation.steplen
    parent = Organisation.objects.filter(
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * steplen)
    ).values("name")[:1]
    secretary = (
        Post.objects.visible_to(user)
        .filter(org=OuterRef("pk"), kind=PostKind.SECRETARY, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("-started_on")
        .values("person__name")[:1]
    )
    return annotate_health(qs, per_row=True).annotate(
        parent_name=Subquery(parent), secretary_name=Subquery(secretary)
    )


def member_summary(user, org: Organisation) -> dict[str, int]:
    """Party members the user may see in ``org`` itself and in its whole subtree, full members included (one query)."""
    return (
        Person.objects.visible_to(user)
        .members()
        .filter(org__path__subtree=org.path)
        .aggregate(
            subtree=Count("id"),
            direct=Count("id", filter=Q(org=org)),
            direct_full=Count("id", filter=Q(org=org, category=MemberCategory.FULL)),
        )
    )


# ------------------------------------------------------------------ people


def person_rows(user):
    """The visible people with their branch (two queries per page: count, rows); their current posts are
    read for the page by ``with_current_posts``."""
    return Person.objects.visible_to(user).select_related("org").order_by("org__path", "name_pinyin", "pk")


def with_current_posts(people: list, user) -> None:
    """Each person's current posts at organisations ``user`` may see, as ``current_posts`` (one query, compiled
    once per user, scope and day: ``core.prepared.kept_related``)."""
    kept_related(
        ("orgs.current_posts", user.pk, get_scope(user), timezone.localdate()),
        people,
        lambda: Post.objects.visible_to(user).current().select_related("org").order_by("started_on", "pk"),
        field="person_id",
        to_attr="current_posts",
    )


def search_organisations(user, text: str, limit: int) -> list[dict]:
    """Header search: organisations I may see whose full or short name holds ``text`` (one query)."""
    from django.urls import reverse

    orgs = (
        Organisation.objects.visible_to(user)
        .filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        .order_by("dissolved_on", "path")[:limit]
    )
    return [
        {
            "title": org.name,
            "url": reverse("orgs:org_detail", args=[org.pk]),
            "subtitle": org.get_kind_display() + (f" · {org.short_name}" if org.short_name else ""),
        }
        for org in orgs
    ]


def search_people(user, text: str, limit: int) -> list[dict]:
    """Header search: people on the roll I may see, by name, pinyin or the last digits of the ID (one query)."""
    from django.urls import reverse

    people = (
        Person.objects.visible_to(user)
        .current()
        .search(text, searcher=user)
        .select_related("org")
        .order_by("name_pinyin", "pk")[:limit]
    )
    return [
        {
            "title": person.name,
            "url": reverse("orgs:person_detail", args=[person.pk]),
            "subtitle": person.org.label,
        }
        for person in people
    ]
