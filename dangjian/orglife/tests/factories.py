"""Builders for organisational-life tests (and the leak walk): a branch with a roster and a committee."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from dangjian.orgs.models import Post
from dangjian.orgs.tests.factories import make_person

from .. import services
from ..models import MeetingKind, Presence
from ..services import Mark


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def staff_branch(
    org, names=("甲一", "甲二", "甲三", "甲四", "甲五"), *, committee: int = 3, prefix: str = ""
):
    """Full members ``names`` in ``org`` (the first ``committee`` of them on the branch committee)."""
    people = [make_person(org, f"{prefix}{n}") for n in names]
    for i, p in enumerate(people[:committee]):
        Post.objects.create(
            org=org, person=p, kind="secretary" if i == 0 else "committee", started_on=date(2015, 1, 1)
        )
    return people


def all_present(people) -> dict:
    return {p.pk: Mark(Presence.PRESENT) for p in people}


def held(
    org, actor, kind=MeetingKind.GENERAL_MEETING, *, day=None, people=(), topic="学习贯彻会议精神", **kw
):
    """A held meeting with everyone in ``people`` present."""
    day = day or timezone.localdate() - timedelta(days=1)
    if kind == MeetingKind.LESSON:
        kw.setdefault("lecturer", "支部书记")
    return services.meeting_register(
        org=org, actor=actor, kind=kind, starts_at=at(day), topic=topic, marks=all_present(people), **kw
    )


def mutual_done(org, actor, year: int | None = None):
    """The branch's mutual assessment done and closed: every member rates every other member 合格."""
    from .. import selectors
    from ..models import EvaluationRound, Grade

    year = year or timezone.localdate().year
    day = min(date(year, 12, 31), timezone.localdate())
    members = [e.person for e in selectors.roster_on(org, day)]
    for rater in members:
        grades = {p.pk: Grade.QUALIFIED for p in members if p.pk != rater.pk}
        if grades:
            services.mutual_sheet(org=org, actor=actor, year=year, rater=rater, grades=grades)
    evaluation_round, _created = EvaluationRound.objects.get_or_create(org=org, year=year)
    return services.mutual_close(evaluation_round=evaluation_round, actor=actor)


def write_default_rules() -> None:
    """The frequency rules and training targets that data migrations write, written again (idempotent):
    a transactional test (or a flush) empties every table, those rows included."""
    from importlib import import_module

    from django.apps import apps

    for name in (
        "0002_default_frequency_rules",
        "0004_default_coverage_targets",
        "0006_default_secretary_lesson_rule",
    ):
        import_module(f"dangjian.orglife.migrations.{name}").forwards(apps, None)
