"""责任人 and 责任领导 are people from the roster, so items add up per person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.ledger import services
from dangjian.orgs.models import Post, PostKind
from dangjian.orgs.tests.factories import make_person

from .builders import TODAY, issued_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(county):
    secretary = make_person(county.village_a1, "王建国")
    Post.objects.create(
        org=county.village_a1, person=secretary, kind=PostKind.SECRETARY, started_on=date(2021, 1, 1)
    )
    deputy = make_person(county.township_a, "李卫东")
    Post.objects.create(
        org=county.township_a, person=deputy, kind=PostKind.ORGANISING, started_on=date(2021, 1, 1)
    )
    return {"secretary": secretary, "leader": deputy}


def test_without_a_name_the_item_goes_to_the_secretary_of_its_organisation(county, personas, roster):
    item_list = issued_list(county, personas)
    item = services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="组织生活会未按期召开",
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )
    assert item.person == roster["secretary"] and item.responsible_person == "王建国"


def test_a_picked_leader_and_person_give_their_roster_names(county, personas, roster):
    item_list = issued_list(county, personas)
    item = services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="党费收缴不及时",
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=30),
        today=TODAY,
        leader=roster["leader"],
        person=roster["secretary"],
        responsible_leader="随便写的",
    )
    assert (item.leader, item.responsible_leader) == (roster["leader"], "李卫东")
    assert item.responsible_person == "王建国"


def test_a_person_of_another_organisation_is_refused(county, personas, roster):
    item_list = issued_list(county, personas)
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            item_list=item_list,
            org=county.village_a2,
            title="阵地建设不达标",
            actor=personas.township_a,
            deadline=TODAY + timedelta(days=30),
            today=TODAY,
            person=roster["secretary"],
        )
    assert "责任人须是" in str(exc.value.message_dict["person"])
    assert not item_list.items.exists()


def test_the_item_form_offers_the_roster_and_the_roll_up_counts_per_person(client, county, personas, roster):
    item_list = issued_list(county, personas)
    client.force_login(personas.township_a)
    url = reverse("ledger:item_add", args=[item_list.pk])
    page = client.get(url).content.decode()
    assert "王建国（A1村党支部 书记）" in page or "王建国（" in page
    response = client.post(
        url,
        {
            "orgs": [county.village_a1.pk],
            "title": "三会一课记录不全",
            "leader": roster["leader"].pk,
            "person": roster["secretary"].pk,
            "deadline": (date.today() + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = item_list.items.get()
    assert (item.leader, item.person) == (roster["leader"], roster["secretary"])
    services.list_issue(item_list=item_list, actor=personas.township_a)
    client.force_login(personas.county_admin)
    body = client.get(reverse("ledger:rollup") + f"?org={county.township_a.pk}").content.decode()
    assert f'data-person="{roster["secretary"].pk}" data-total="1"' in body
