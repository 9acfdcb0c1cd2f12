"""Reads of talks that shape pages, exports and documents: coverage, look-back, the Word contexts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.ledger import door
from dangjian.orgs.models import Person

from .models import Commitment, NotifiedProblem, ProblemSource, TalkCampaign, TalkRecord


@dataclass
class CoverageRow:
    """One target of a campaign: the person, their individual talk (if held) and what it handed over."""

    person: Person
    talk: TalkRecord | None = None
    planned: TalkRecord | None = None
    problems: int = 0
    commitments: int = 0
    items: list = field(default_factory=list)

    @property
    def talked(self) -> bool:
        return self.talk is not None

    @property
    def state(self) -> str:
        if self.talk is not None:
            return _("Talked")
        if self.planned is not None:
            return _("Being prepared")
        return _("Not yet talked to")

    @property
    def stalled(self) -> list:
        """Items taken away that show no progress: not closed and still at 0 %."""
        return [i for i in self.items if i.status != "closed" and i.percent == 0]


def _individual_talks(campaign: TalkCampaign):
    return (
        campaign.talks.filter(collective=False)
        .exclude(status=TalkRecord.Status.CANCELLED)
        .annotate(
            n_problems=Count("problems", distinct=True), n_commitments=Count("commitment_rows", distinct=True)
        )
        .prefetch_related(Prefetch("talkees", queryset=Person.objects.only("pk")))
        .order_by("held_on", "pk")
    )


def coverage_counts(campaign: TalkCampaign) -> tuple[int, int]:
    """(people talked to in a closed individual talk, people to talk with)."""
    total = campaign.targets.count()
    talked = (
        TalkRecord.talkees.through.objects.filter(
            talkrecord__campaign=campaign,
            talkrecord__collective=False,
            talkrecord__status=TalkRecord.Status.CLOSED,
            person__in=campaign.targets.all(),
        )
        .values("person_id")
        .distinct()
        .count()
    )
    return talked, total


def coverage(campaign: TalkCampaign, user=None, *, with_items: bool = False) -> list[CoverageRow]:
    """One row per target, in the order of their organisations (a fixed number of queries)."""
    people = list(campaign.targets.select_related("org").order_by("org__path", "name"))
    rows = {p.pk: CoverageRow(person=p) for p in people}
    talks = list(_individual_talks(campaign))
    for talk in talks:
        for person in talk.talkees.all():
            row = rows.get(person.pk)
            if row is None:
                continue
            if talk.status == TalkRecord.Status.CLOSED:
                row.talk, row.problems, row.commitments = talk, talk.n_problems, talk.n_commitments
            elif row.talk is None:
                row.planned = talk
    if with_items and user is not None:
        closed = [t for t in talks if t.status == TalkRecord.Status.CLOSED]
        by_talk: dict[int, list] = {}
        for item in door.items_of_sources(closed, user):
            by_talk.setdefault(item.source_id, []).append(item)
        for row in rows.values():
            if row.talk is not None:
                row.items = by_talk.get(row.talk.pk, [])
    return list(rows.values())


def coverage_by_org(rows: list[CoverageRow]) -> list[dict]:
    """Talked / not yet per organisation of the targets."""
    result: dict[int, dict] = {}
    for row in rows:
        entry = result.setdefault(row.person.org_id, {"org": row.person.org, "talked": 0, "total": 0})
        entry["total"] += 1
        entry["talked"] += row.talked
    for entry in result.values():
        entry["not_yet"] = entry["total"] - entry["talked"]
    return list(result.values())


def talk_document(talk: TalkRecord) -> dict:
    """The context of the Word talk record (谈话记录)."""
    problems = list(talk.problems.all())
    return {
        "kind": talk.get_kind_display(),
        "held_on": talk.held_on,
        "organiser": talk.organiser.label if talk.organiser_id else "",
        "talker": talk.talker,
        "talkee": talk.talkee,
        "place": talk.place,
        "recorder": str(talk.recorded_by or ""),
        "topics": [t.name for t in talk.topics.all()],
        "content": talk.content,
        "statement": talk.statement,
        "problems": [
            {
                "title": p.title,
                "source": ProblemSource(p.source).label,
                "deadline": p.deadline or (p.item.deadline if p.item_id else None) or "",
            }
            for p in problems
        ],
        "comments": [{"leader": c.leader, "text": c.text} for c in talk.comments.all()],
        "commitments": [{"text": c.text, "deadline": c.deadline} for c in talk.commitment_rows.all()],
        "addenda": [
            {
                "text": a.text,
                "author": str(a.author),
                "at": timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
            }
            for a in talk.addenda.select_related("author")
        ],
        "printed_on": timezone.localdate(),
    }


def campaign_rows(campaign: TalkCampaign) -> list[dict]:
    """The campaign's table (export and summary): talkee, organisation, date, problems, commitments, state."""
    return [
        {
            "name": row.person.name,
            "org": row.person.org.label,
            "held_on": row.talk.held_on if row.talk else "",
            "problems": row.problems,
            "commitments": row.commitments,
            "state": str(row.state),
        }
        for row in coverage(campaign)
    ]


def campaign_document(campaign: TalkCampaign) -> dict:
    """The context of the Word campaign summary."""
    rows = campaign_rows(campaign)
    return {
        "title": campaign.title,
        "org": campaign.org.label,
        "window": f"{campaign.starts_on:%Y-%m-%d} — {campaign.ends_on:%Y-%m-%d}",
        "talked": sum(1 for r in rows if r["held_on"]),
        "total": len(rows),
        "rows": rows,
        "printed_on": timezone.localdate(),
    }


def talk_detail_rows(talk: TalkRecord) -> dict:
    """The related rows a talk's page shows (three queries)."""
    return {
        "problems": list(NotifiedProblem.objects.filter(talk=talk).select_related("item")),
        "commitment_list": list(Commitment.objects.filter(talk=talk)),
        "comments": list(talk.comments.all()),
        "addenda": list(talk.addenda.select_related("author")),
    }
