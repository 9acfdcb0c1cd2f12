"""The daily run's member tallies, and the tree of a wide scope (a city, a province) showing them while a
narrow one counts its members live."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core import demo as core_demo
from dangjian.orgs import selectors, services
from dangjian.orgs.models import MemberTally, Person
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

# The county fixture holds six organisations: with five as the limit the county is wide, a township is not.
WIDE_COUNTY = override_settings(MEMBERS_LIVE_MAX_ORGS=5)


def _live(org) -> int:
    return Person.objects.members().filter(org__path__startswith=org.path).count()


def _counts(nodes) -> dict[int, int]:
    found = {}
    for node in nodes:
        found[node.org.pk] = node.members
        found.update(_counts(node.children))
    return found


@pytest.fixture
def members(county):
    for i in range(3):
        make_person(county.village_a1, f"甲村党员{i}")
    make_person(county.village_b1, "乙村党员")
    make_person(county.township_a, "镇机关党员")


@WIDE_COUNTY
def test_the_daily_run_tallies_a_wide_organisation_and_its_children(county, members):
    today = timezone.localdate()
    assert services.record_member_tallies(today=today) == {"member_tallies": 3}
    tallies = {t.org_id: t.members for t in MemberTally.objects.all()}
    assert tallies == {org.pk: _live(org) for org in (county.county, county.township_a, county.township_b)}
    assert tallies[county.township_a.pk] >= 4  # its own roll and its villages'
    # Through manage.py daily, replacing the last run's: nothing doubles, a new member counts.
    make_person(county.village_b1, "新党员")
    call_command("daily", date=today.isoformat(), verbosity=0)
    assert MemberTally.objects.count() == 3
    assert MemberTally.objects.get(org=county.township_b).members == _live(county.township_b)
    assert ("orgs_members", services.record_member_tallies_now) in core_demo.finishers()


@WIDE_COUNTY
def test_a_wide_scopes_tree_shows_the_tallies_and_says_so(
    client, county, personas, members, django_assert_num_queries
):
    live = _counts(selectors.tree_for_user(personas.county_admin))
    client.force_login(personas.county_admin)
    assert 'data-testid="tallies-note"' not in client.get(reverse("orgs:tree")).content.decode()
    services.record_member_tallies(today=timezone.localdate())
    assert _counts(selectors.tree_for_user(personas.county_admin)) == live
    MemberTally.objects.filter(org=county.township_a).update(members=999)  # to tell the tally apart
    with django_assert_num_queries(2):  # the top and its children, each with its tally: no count
        nodes = selectors.tree_for_user(personas.county_admin)
    assert _counts(nodes)[county.township_a.pk] == 999
    body = client.get(reverse("orgs:tree")).content.decode()
    assert 'data-testid="tallies-note"' in body and "每日核查" in body
    # Expanding the county lists its townships from their tallies; a township's villages count live.
    assert _counts(selectors.tree_children(personas.county_admin, county.county))[county.township_a.pk] == 999
    villages = _counts(selectors.tree_children(personas.county_admin, county.township_a))
    assert villages[county.village_a1.pk] == _live(county.village_a1) and villages[county.village_a1.pk] == 3


@WIDE_COUNTY
def test_a_tally_is_read_only_where_the_user_sees_the_whole_subtree_and_nothing_has_moved(
    county, personas, members
):
    services.record_member_tallies(today=timezone.localdate())
    MemberTally.objects.filter(org=county.township_a).update(members=999)
    # Seeing the county and township A without what is below them: counted live, only what they may see.
    part = User.objects.create_user(username="part", password="Test-pass-2026", display_name="部分可见")
    RoleAssignment.objects.create(user=part, role=Role.ORG_DEPT, org=county.county, include_subtree=False)
    RoleAssignment.objects.create(user=part, role=Role.TOWNSHIP, org=county.township_a, include_subtree=False)
    assert 999 not in _counts(selectors.tree_for_user(part)).values()
    # A township moved since it was counted: counted live again.
    MemberTally.objects.filter(org=county.township_a).update(path=county.township_a.path + "0001")
    assert _counts(selectors.tree_for_user(personas.county_admin))[county.township_a.pk] == _live(
        county.township_a
    )


def test_a_narrow_scope_keeps_counting_live(county, personas, members):
    services.record_member_tallies(today=timezone.localdate())
    assert not MemberTally.objects.exists()  # nothing is wide at the default limit
    assert _counts(selectors.tree_for_user(personas.county_admin))[county.county.pk] == _live(county.county)
