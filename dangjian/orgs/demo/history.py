"""History through the services: transfers, deaths, departures and a merged village."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from dangjian.core.demo import DemoContext

from .. import services
from ..models import (
    Organisation,
    OrgKind,
    Person,
    PostKind,
    Sector,
    UnitKind,
    UnitRelation,
)
from ._common import reference_day
from .names import DEMO_COUNTY, LEAVE_REASONS, PLACE_FIRST, PLACE_SECOND
from .profiles import PROFILES


def build_history(ctx: DemoContext) -> None:
    """A few transfers, deaths, departures and a merged village, written through orgs.services.

    Runs after the accounts contributor so each change has an actor (the organisation department).
    """
    from auditlog.context import set_actor

    rng, data = ctx.rng, ctx.data
    actor = data["users"]["county_admin"]
    today = reference_day()
    small = ctx.scale == "tiny"
    movable = data.pop("_movable", [])
    if len(movable) < 2:
        return
    pool = {org_id: list(people) for org_id, people in movable}
    org_ids = [org_id for org_id, _ in movable]
    counts = {"transfers": 2 if small else 30, "deaths": 1 if small else 15, "left": 1 if small else 4}
    done = {k: 0 for k in counts}

    def take(born_before: int = 2100) -> Person | None:
        org_id = rng.choice(org_ids)
        if len(pool[org_id]) <= 8:  # keep every branch above the committee threshold (7 full members)
            return None
        i = rng.randrange(len(pool[org_id]))
        person = Person.objects.get(pk=pool[org_id][i])
        if person.birth_date.year >= born_before:
            return None
        pool[org_id].pop(i)
        return person

    with set_actor(actor), transaction.atomic():
        for _ in range(counts["transfers"] * 3):
            if done["transfers"] >= counts["transfers"]:
                break
            person = take()
            if person is None:
                continue
            target = Organisation.objects.get(pk=rng.choice([o for o in org_ids if o != person.org_id]))
            services.person_transfer(
                person=person,
                to_org=target,
                actor=actor,
                on=today - timedelta(days=rng.randint(5, 600)),
                note=rng.choice(("工作调动", "外出务工转入", "随子女迁居", "退休后转入居住地社区")),
            )
            done["transfers"] += 1
        for attempt in range(counts["deaths"] * 20):
            if done["deaths"] >= counts["deaths"]:
                break
            person = take(born_before=1960 if attempt < counts["deaths"] * 15 else 2100)
            if person is None:
                continue
            services.person_leave(
                person=person,
                actor=actor,
                on=today - timedelta(days=rng.randint(10, 700)),
                reason="病故",
                deceased=True,
            )
            done["deaths"] += 1
        for _ in range(counts["left"] * 3):
            if done["left"] >= counts["left"]:
                break
            person = take()
            if person is None:
                continue
            services.person_leave(
                person=person,
                actor=actor,
                on=today - timedelta(days=rng.randint(30, 500)),
                reason=rng.choice(LEAVE_REASONS),
            )
            done["left"] += 1
        dissolved = _merged_village(ctx, actor)
    ctx.out(
        f"  history: {done['transfers']} transfers, {done['deaths']} deaths, {done['left']} left, "
        f"{dissolved} dissolved organisations"
    )


def _merged_village(ctx: DemoContext, actor) -> int:
    """Villages merged into a neighbour (撤并村): members transferred, then the branch dissolved."""
    rng, data = ctx.rng, ctx.data
    today = reference_day()
    count = 1 if ctx.scale == "tiny" else 2
    warned = {pk for pks in data["warnings"].values() for pk in pks}
    # Merged into a healthy village that already has a committee, so the newcomers change no warning.
    targets = [
        v
        for v in data["villages"]
        if v.path.startswith(data["county"].path)
        and v.kind == OrgKind.BRANCH
        and v.committee_elected_on
        and v.pk not in warned
    ]
    townships = {t.path: t for t in data["townships"]}
    maker = data.pop("_maker")
    done = 0
    for target in rng.sample(targets, min(count, len(targets))):
        township = townships[target.path[: -Organisation.steplen]]
        place = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + "村"
        merged_on = today - timedelta(days=rng.randint(200, 700))
        old = services.org_create(
            parent=township,
            actor=actor,
            name=f"中共{DEMO_COUNTY}县{township.short_name.removesuffix('党委')}{place}支部委员会",
            short_name=f"原{place}党支部",
            kind=OrgKind.BRANCH,
            sector=Sector.RURAL,
            unit_relation=UnitRelation.LEGAL_ENTITY,
            unit_name=f"{place}村民委员会",
            unit_kind=UnitKind.RURAL,
            founded_on=date(1958, 10, 1),
        )
        people = []
        for _ in range(rng.randint(5, 9)):
            person = maker.person(PROFILES["rural"], address=f"{DEMO_COUNTY}县{place}{rng.randint(1, 8)}组")
            person.org = old
            people.append(person)
        Person.objects.bulk_create(people)
        services.post_start(
            org=old,
            person=people[0],
            kind=PostKind.SECRETARY,
            started_on=merged_on - timedelta(days=1500),
            actor=actor,
        )
        for person in people:
            services.person_transfer(
                person=person, to_org=target, actor=actor, on=merged_on, note=f"{place}并入{target.label}"
            )
        services.org_dissolve(
            org=old, actor=actor, on=merged_on, reason=f"行政村合并，{place}并入{target.label}"
        )
        done += 1
    return done
