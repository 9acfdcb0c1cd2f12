"""Talk indicators (see ``core.indicators``): heart-to-heart coverage and talks held.

Heart-to-heart coverage (谈心谈话, DOMAIN.md §2: at least once a year between committee members,
between the committee and the members). A branch — any organisation with committee members on
post at the end of the period — is *covered* for the period when, counting only heart-to-heart
talks held in the period and closed with their record:

(a) every two of its committee members have talked with each other, and
(b) every party member on its roll who is not on its committee has talked with at least one of
    its committee members.

Two people *talked with each other* when one was a talkee of the talk and the other one of its
talkers picked with a sign-in that is linked to the roster (a talker named only in words cannot
be told apart). A branch with a single committee member and no other member has nothing to cover
and is left out. The figure for an organisation is the share of covered branches in its subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from itertools import combinations
from operator import or_

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.indicators import STEPLEN, Indicator, Period, rate, register, subtree_rollup
from dangjian.orgs.models import COMMITTEE_POSTS, Person, Post

from .models import TalkKind, TalkRecord

HEART_TO_HEART_RULE = _(
    "A branch is covered for the year when, in heart-to-heart talks held and closed in it, every two "
    "of its committee members have talked with each other and every other party member of the branch "
    "has talked with at least one committee member; the figure is the share of covered branches. "
    "A talker counts only when picked with a sign-in linked to the roster."
)


@dataclass
class BranchCoverage:
    """Where one branch stands: committee pairs that talked, members who talked with the committee."""

    org_id: int
    path: str
    committee: set[int] = field(default_factory=set)
    members: int = 0  # party members on its roll who are not on its committee
    pairs_required: int = 0
    pairs_done: int = 0
    members_reached: int = 0

    @property
    def counted(self) -> bool:
        return self.pairs_required > 0 or self.members > 0

    @property
    def committee_covered(self) -> bool:
        return self.pairs_done == self.pairs_required

    @property
    def members_covered(self) -> bool:
        return self.members_reached == self.members

    @property
    def covered(self) -> bool:
        return self.committee_covered and self.members_covered


MEMBER_CHUNK = 20_000  # members read per round trip when counting who talked with their committee


def _heart_talks(period: Period):
    return TalkRecord.objects.filter(
        kind=TalkKind.HEART_TO_HEART,
        status=TalkRecord.Status.CLOSED,
        held_on__range=(period.start, period.end),
    )


def _under(orgs, path_field: str) -> Q:
    outermost: list[str] = []
    for path in sorted({o.path for o in orgs}):
        if not outermost or not path.startswith(outermost[-1]):
            outermost.append(path)
    return reduce(or_, (Q(**{f"{path_field}__subtree": p}) for p in outermost))


def branch_coverage(orgs, period: Period) -> dict[int, BranchCoverage]:
    """Every branch in the subtrees of ``orgs`` with committee members on post at the period's end.

    Four queries however many organisations: committee posts, the talkees and linked talkers of the
    period's closed heart-to-heart talks, and the members on the rolls (streamed, counted, not kept).
    """
    orgs = list(orgs)
    if not orgs:
        return {}
    branches: dict[int, BranchCoverage] = {}
    on_post = (
        Post.objects.filter(kind__in=COMMITTEE_POSTS, started_on__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
        .filter(_under(orgs, "org__path"))
    )
    for org_id, path, person_id in on_post.values_list("org_id", "org__path", "person_id"):
        branches.setdefault(org_id, BranchCoverage(org_id, path)).committee.add(person_id)
    if not branches:
        return {}
    talks = _heart_talks(period)
    talkees: dict[int, set[int]] = {}
    for talk_id, person_id in TalkRecord.talkees.through.objects.filter(talkrecord__in=talks).values_list(
        "talkrecord_id", "person_id"
    ):
        talkees.setdefault(talk_id, set()).add(person_id)
    partners: dict[int, set[int]] = {}
    for talk_id, talker_id in TalkRecord.talkers.through.objects.filter(
        talkrecord__in=talks, user__person__isnull=False
    ).values_list("talkrecord_id", "user__person_id"):
        for talkee_id in talkees.get(talk_id, ()):
            if talkee_id != talker_id:
                partners.setdefault(talker_id, set()).add(talkee_id)
                partners.setdefault(talkee_id, set()).add(talker_id)
    for branch in branches.values():
        pairs = list(combinations(sorted(branch.committee), 2))
        branch.pairs_required = len(pairs)
        branch.pairs_done = sum(1 for a, b in pairs if b in partners.get(a, ()))
    # The members are streamed and only counted: a province's 3 million are never held at once.
    no_one: set[int] = set()
    members = Person.objects.members().filter(_under(orgs, "org__path")).values_list("org_id", "pk")
    for org_id, person_id in members.iterator(chunk_size=MEMBER_CHUNK):
        branch = branches.get(org_id)
        if branch is None or person_id in branch.committee:
            continue
        branch.members += 1
        if not partners.get(person_id, no_one).isdisjoint(branch.committee):
            branch.members_reached += 1
    return branches


def heart_to_heart_coverage(orgs, period: Period) -> dict:
    """The share of covered branches (see the module's docstring) in each organisation's subtree."""
    orgs = list(orgs)
    by_path = {o.path: o.pk for o in orgs}
    counted: dict[int, int] = {}
    covered: dict[int, int] = {}
    for branch in branch_coverage(orgs, period).values():
        if not branch.counted:
            continue
        for end in range(STEPLEN, len(branch.path) + 1, STEPLEN):
            pk = by_path.get(branch.path[:end])
            if pk is not None:
                counted[pk] = counted.get(pk, 0) + 1
                covered[pk] = covered.get(pk, 0) + branch.covered
    return {o.pk: rate(covered.get(o.pk, 0), counted.get(o.pk, 0)) for o in orgs}


def talks_held(orgs, period: Period) -> dict:
    held = TalkRecord.objects.filter(
        status=TalkRecord.Status.CLOSED, held_on__range=(period.start, period.end)
    )
    rows = subtree_rollup(held, orgs, n=Count("pk"))
    return {pk: row["n"] or 0 for pk, row in rows.items()}


register(
    Indicator(
        key="talks.heart_to_heart_coverage",
        label=_("Heart-to-heart talk coverage"),
        description=HEART_TO_HEART_RULE,
        unit="%",
        module="talks",
        compute=heart_to_heart_coverage,
        decimals=1,
    )
)
register(
    Indicator(
        key="talks.talks_held",
        label=_("Talks held"),
        description=_(
            "Talk records of every kind closed with their record, held in the period, by the talkees' organisation."
        ),
        unit=_("talks"),
        module="talks",
        compute=talks_held,
    )
)
