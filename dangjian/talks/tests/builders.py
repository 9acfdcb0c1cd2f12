"""A township's political-talk campaign over its village secretaries, for the talks tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from dangjian.orgs.models import Post, PostKind
from dangjian.orgs.tests.factories import make_person
from dangjian.talks import services

TODAY = timezone.localdate()


@dataclass
class Talks:
    sec_a1: object
    sec_a2: object
    sec_b1: object
    member_a1: object
    campaign: object


def secretaries(county) -> tuple:
    """Secretaries of A1, A2 and B1 on post since 2024, and a plain member of A1."""
    people = []
    for org, name in ((county.village_a1, "赵一"), (county.village_a2, "钱二"), (county.village_b1, "孙三")):
        person = make_person(org, name)
        Post.objects.create(org=org, person=person, kind=PostKind.SECRETARY, started_on=date(2024, 1, 1))
        people.append(person)
    member = make_person(county.village_a1, "李四", birth=date(1975, 3, 3))
    return (*people, member)


def build_talks(county, personas, *, link_village=True) -> Talks:
    """Township A's campaign over its two village secretaries; A1's secretary account is 赵一's."""
    sec_a1, sec_a2, sec_b1, member = secretaries(county)
    if link_village:
        personas.village_a1.person = sec_a1
        personas.village_a1.save(update_fields=["person"])
    campaign = services.campaign_create(
        org=county.township_a,
        title="换届后村书记政治谈话",
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=20),
        talker="镇党委书记、镇纪委书记",
        target_mode="secretaries",
        actor=personas.township_a,
        talkers=[personas.township_a],
    )
    return Talks(sec_a1, sec_a2, sec_b1, member, campaign)


def plan(talks: Talks, personas, person=None, **extra):
    """An individual talk of the campaign with ``person`` (A1's secretary by default), prepared by township A."""
    data = {
        "organiser": talks.campaign.org,
        "kind": "political",
        "held_on": TODAY - timedelta(days=2),
        "talker": "镇党委书记",
        "talkees": [person or talks.sec_a1],
        "actor": personas.township_a,
        "campaign": talks.campaign,
    }
    data.update(extra)
    return services.talk_plan(**data)
