"""Reminders near a campaign window's end, and the heart-to-heart coverage indicator."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.core import indicators
from dangjian.core.indicators import Period
from dangjian.notices.models import Notice
from dangjian.orgs.models import Post, PostKind
from dangjian.orgs.tests.factories import make_person
from dangjian.talks import services
from dangjian.talks.indicators import branch_coverage

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


def _heart(personas, county, talker_user, talkee, *, days=1):
    """A closed heart-to-heart talk in A1 held by ``talker_user`` (None: named only in words) with ``talkee``."""
    talk = services.talk_plan(
        organiser=county.village_a1,
        kind="heart_to_heart",
        held_on=TODAY - timedelta(days=days),
        talker=talker_user.display_name if talker_user else "村支部委员",
        talkers=[talker_user] if talker_user else [],
        talkees=[talkee],
        actor=personas.township_a,
    )
    services.talk_close(talk=talk, actor=personas.township_a, content="谈心")
    return talk


@pytest.fixture
def a1(county, personas):
    """A1's committee: secretary 赵一 (signs in as the village persona), 李四 and 周五 (own sign-in); member 吴六."""
    talks = build_talks(county, personas)
    zhou = make_person(county.village_a1, "周五", birth=date(1982, 5, 5))
    wu = make_person(county.village_a1, "吴六", birth=date(1984, 6, 6))
    for person in (talks.member_a1, zhou):
        Post.objects.create(
            org=county.village_a1, person=person, kind=PostKind.COMMITTEE, started_on=date(2024, 1, 1)
        )
    zhou_user = User.objects.create_user(username="zhouwu", password="x", display_name="周五", person=zhou)
    return SimpleNamespace(
        sec=talks.sec_a1,
        li=talks.member_a1,
        zhou=zhou,
        wu=wu,
        sec_user=personas.village_a1,
        zhou_user=zhou_user,
    )


def _coverage(county):
    orgs = [county.village_a1, county.village_a2, county.township_a]
    values = indicators.compute("talks.heart_to_heart_coverage", orgs, Period.year(TODAY.year))
    return [values[o.pk] for o in orgs]


def test_heart_to_heart_coverage_needs_every_committee_pair_and_every_member(county, personas, a1):
    # A2 has only its secretary and nobody else on its roll: nothing to cover, "—" and not counted.
    assert _coverage(county) == [0.0, None, 0.0]
    # The committee talked with the member, but its members never with each other: not covered.
    _heart(personas, county, a1.sec_user, a1.wu)
    assert _coverage(county) == [0.0, None, 0.0]
    _heart(personas, county, a1.sec_user, a1.li)
    _heart(personas, county, a1.sec_user, a1.zhou)
    assert _coverage(county) == [0.0, None, 0.0]  # 李四 and 周五 have not talked yet
    _heart(personas, county, a1.zhou_user, a1.li)
    assert _coverage(county) == [100.0, None, 100.0]
    branch = branch_coverage([county.village_a1], Period.year(TODAY.year))[county.village_a1.pk]
    assert (branch.pairs_done, branch.pairs_required, branch.members_reached, branch.members) == (
        3,
        3,
        1,
        1,
    )
    # Last year's figure counts none of this year's talks.
    last = Period.year(TODAY.year - 1)
    assert indicators.compute("talks.heart_to_heart_coverage", [county.village_a1], last) == {
        county.village_a1.pk: 0.0
    }


def test_heart_to_heart_coverage_needs_the_members_too(county, personas, a1):
    # Every committee pair talked, but 吴六 talked with nobody on the committee: not covered.
    _heart(personas, county, a1.sec_user, a1.li)
    _heart(personas, county, a1.sec_user, a1.zhou)
    _heart(personas, county, a1.zhou_user, a1.li)
    branch = branch_coverage([county.village_a1], Period.year(TODAY.year))[county.village_a1.pk]
    assert branch.committee_covered and not branch.members_covered
    assert _coverage(county) == [0.0, None, 0.0]
    _heart(personas, county, a1.zhou_user, a1.wu)  # any committee member will do
    assert _coverage(county) == [100.0, None, 100.0]


def test_heart_to_heart_coverage_counts_only_closed_talks_with_linked_talkers(county, personas, a1):
    _heart(personas, county, a1.sec_user, a1.li)
    _heart(personas, county, a1.sec_user, a1.zhou)
    _heart(personas, county, None, a1.li)  # 周五 held it, but nobody can tell from the words
    _heart(personas, county, a1.sec_user, a1.wu)
    assert _coverage(county) == [0.0, None, 0.0]
    planned = services.talk_plan(
        organiser=county.village_a1,
        kind="heart_to_heart",
        held_on=TODAY - timedelta(days=1),
        talker="周五",
        talkers=[a1.zhou_user],
        talkees=[a1.li],
        actor=personas.township_a,
    )
    assert _coverage(county) == [0.0, None, 0.0]  # prepared, not yet held and closed
    services.talk_close(talk=planned, actor=personas.township_a, content="谈心")
    assert _coverage(county) == [100.0, None, 100.0]


def test_heart_to_heart_coverage_is_a_fixed_number_of_queries(
    county, personas, a1, django_assert_num_queries
):
    _heart(personas, county, a1.sec_user, a1.li)
    period = Period.year(TODAY.year)
    few = [county.village_a1]
    many = [county.county, county.township_a, county.township_b, county.village_a1, county.village_a2]
    with django_assert_num_queries(4):
        indicators.compute("talks.heart_to_heart_coverage", few, period)
    with django_assert_num_queries(4):
        values = indicators.compute("talks.heart_to_heart_coverage", many, period)
    assert values[county.county.pk] == 0.0


def test_talks_held_and_an_empty_branch(county, personas, a1):
    period = Period.year(TODAY.year)
    _heart(personas, county, a1.sec_user, a1.li)
    assert indicators.compute("talks.talks_held", [county.township_a], period)[county.township_a.pk] == 1
    # A branch without committee members has nothing to divide: "—", never 0 %.
    from dangjian.orgs.tests.factories import make_org

    empty = make_org(county.township_b, "中共B2村支部委员会", short_name="B2村党支部")
    assert indicators.compute("talks.heart_to_heart_coverage", [empty], period) == {empty.pk: None}


def test_the_coverage_page_shows_each_branch_with_the_rule_in_words(
    client, county, personas, a1, django_assert_num_queries
):
    _heart(personas, county, a1.sec_user, a1.wu)  # members only: committee pairs missing
    client.force_login(personas.township_a)
    url = reverse("talks:heart_coverage")
    client.get(url)
    with django_assert_num_queries(QUERIES):
        page = client.get(url).content.decode()
    assert f'data-org="{county.village_a1.pk}"' in page and "0 / 3" in page and "1 / 1" in page
    assert "每两名委员之间" in page and "0.0%" in page
    assert "委员之间尚未全部谈过" in page
    _heart(personas, county, a1.sec_user, a1.li)
    _heart(personas, county, a1.sec_user, a1.zhou)
    _heart(personas, county, a1.zhou_user, a1.li)
    with django_assert_num_queries(QUERIES):
        page = client.get(url).content.decode()
    assert "100.0%" in page and "3 / 3" in page
    # Last year: nothing held. Another township's secretary sees no row of township A.
    assert "0 / 3" in client.get(url, {"year": TODAY.year - 1}).content.decode()
    client.force_login(personas.township_b)
    assert f'data-org="{county.village_a1.pk}"' not in client.get(url).content.decode()


QUERIES = 8
