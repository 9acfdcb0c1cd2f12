"""Reminders near a campaign window's end, and the heart-to-heart coverage indicator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dangjian.core import indicators
from dangjian.core.indicators import Period
from dangjian.notices.models import Notice
from dangjian.orgs.models import Post, PostKind
from dangjian.talks import services

from .builders import TODAY, build_talks, plan

pytestmark = pytest.mark.django_db


def test_talkers_are_reminded_once_when_the_window_nears_its_end(county, personas):
    talks = build_talks(county, personas)
    end = talks.campaign.ends_on
    assert services.campaign_remind(today=end - timedelta(days=4)) == 0
    assert services.campaign_remind(today=end - timedelta(days=3)) == 1
    assert services.campaign_remind(today=end - timedelta(days=2)) == 0  # keyed: once per campaign
    notice = Notice.objects.get()
    assert notice.recipient == personas.township_a and "2人中还有2人未谈" in notice.text


def test_no_reminder_once_everybody_was_talked_to(county, personas):
    talks = build_talks(county, personas)
    for person in (talks.sec_a1, talks.sec_a2):
        services.talk_close(
            talk=plan(talks, personas, person=person), actor=personas.township_a, content="谈话"
        )
    assert services.campaign_remind(today=talks.campaign.ends_on) == 0


def test_heart_to_heart_coverage_counts_committee_members_who_took_part(county, personas):
    talks = build_talks(county, personas, link_village=False)
    # A1 has two committee members: its secretary 赵一 and 李四; A2 its secretary only.
    Post.objects.create(
        org=county.village_a1, person=talks.member_a1, kind=PostKind.ORGANISING, started_on=date(2024, 1, 1)
    )
    talk = services.talk_plan(
        organiser=county.village_a1,
        kind="heart_to_heart",
        held_on=TODAY - timedelta(days=1),
        talker="赵一",
        talkees=[talks.member_a1],
        actor=personas.township_a,
    )
    period = Period.year(TODAY.year)
    orgs = [county.village_a1, county.village_a2, county.township_a]
    assert indicators.compute("talks.heart_to_heart_coverage", orgs, period) == {
        county.village_a1.pk: 0.0,
        county.village_a2.pk: 0.0,
        county.township_a.pk: 0.0,
    }
    services.talk_close(talk=talk, actor=personas.township_a, content="谈心")
    assert indicators.compute("talks.heart_to_heart_coverage", orgs, period) == {
        county.village_a1.pk: 50.0,
        county.village_a2.pk: 0.0,
        county.township_a.pk: round(100 / 3, 1),
    }
    assert indicators.compute("talks.talks_held", orgs, period)[county.township_a.pk] == 1
    # A branch without committee members has nothing to divide: "—", never 0 %.
    from dangjian.orgs.tests.factories import make_org

    empty = make_org(county.township_b, "中共B2村支部委员会", short_name="B2村党支部")
    assert indicators.compute("talks.heart_to_heart_coverage", [empty], period) == {empty.pk: None}
