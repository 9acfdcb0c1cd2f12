import pytest
from django.http import Http404

from dangjian.accounts.models import RoleAssignment
from dangjian.accounts.roles import Role
from dangjian.core.scoping import FOCUS_ATTR, can, get_for_user, reset_scope
from dangjian.orgs.models import Organisation, Person

pytestmark = pytest.mark.django_db


def _names(qs):
    return set(qs.values_list("short_name", flat=True))


def test_a_township_secretary_sees_exactly_their_township(county, personas):
    assert _names(Organisation.objects.visible_to(personas.township_a)) == {
        "A镇党委",
        "A1村党支部",
        "A2村党支部",
    }


def test_get_for_user_answers_404_for_missing_and_for_not_yours(county, personas):
    with pytest.raises(Http404):
        get_for_user(Organisation, personas.township_a, pk=county.township_b.pk)
    with pytest.raises(Http404):
        get_for_user(Organisation, personas.township_a, pk=999999)
    assert get_for_user(Organisation, personas.township_a, pk=county.village_a1.pk) == county.village_a1


def test_where_can_counts_only_grants_with_the_capability(county, personas):
    user = personas.village_a1
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, org=county.township_b)
    reset_scope(user)
    assert _names(Organisation.objects.where_can(user, "rectify")) == {"A1村党支部"}
    assert _names(Organisation.objects.where_can(user, "verify")) == {"B镇党委", "B1村党支部"}
    assert not Organisation.objects.where_can(personas.member, "verify").exists()
    assert Organisation.objects.where_can(personas.admin, "verify").count() == 6


def test_the_focus_narrows_lists_but_not_rights(county, personas, people):
    user = personas.county_admin
    setattr(user, FOCUS_ATTR, (county.township_b.pk, county.township_b.path))
    reset_scope(user)
    assert set(Person.objects.visible_to(user).values_list("name", flat=True)) == {"王五"}
    assert can(user, "manage_people", county.village_a1)


def test_anonymous_sees_nothing(county, people):
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.visible_to(AnonymousUser()).exists()


def test_path_successor_carries_past_z():
    from dangjian.core.scoping import _path_successor

    assert _path_successor("00010001") == "00010002"
    assert _path_successor("0001000Z") == "0001001"  # every 0001000Z… sorts below it
    assert _path_successor("0009") == "000A"
    assert _path_successor("ZZZZ") is None


def test_the_subtree_lookup_finds_the_same_rows_as_startswith(county, people):
    for org in Organisation.objects.all():
        expected = set(Person.objects.filter(org__path__startswith=org.path).values_list("pk", flat=True))
        assert (
            set(Person.objects.filter(org__path__subtree=org.path).values_list("pk", flat=True)) == expected
        )


def test_only_the_most_specific_sidebar_entry_is_highlighted(client, personas):
    import re

    from django.urls import reverse

    client.force_login(personas.county_admin)
    body = client.get(reverse("orgs:warnings")).content.decode()
    active = re.findall(r'<li class="nav-item active">\s*<a class="nav-link" href="([^"]+)"', body)
    assert active == [reverse("orgs:warnings")]
