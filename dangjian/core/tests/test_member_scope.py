"""Finding 13 of issue 7: a plain member sees their own record, their own items and their branch's page.

Before, a member saw the whole branch roster with phones and birth dates, the branch's full ledger,
accountability decisions about named people, and staff addresses and "viewed the full ID number"
events in histories. The rule lives in core.scoping (self-only grants); these tests walk what a
member can reach: the member list, other people's pages, the branch's items, the ledger and its
export, the API, the organisation page and the histories.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.ledger import services as ledger
from dangjian.ledger.models import Accountability
from dangjian.orgs.models import Post
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

STAFF_ADDRESS = "10.77.66.55"


@pytest.fixture
def branch(county, personas):
    """The member's own record and items, and a fellow member's, in the same branch."""
    me = make_person(county.village_a1, "党员本人", phone="13800000001")
    fellow = make_person(county.village_a1, "同支部党员", phone="13911112222", birth=date(1977, 6, 15))
    Post.objects.create(org=county.village_a1, person=fellow, kind="secretary", started_on=date(2021, 1, 1))
    personas.member.person = me
    personas.member.save()
    item_list = ledger.list_create(org=county.township_a, title="支部问题清单", actor=personas.township_a)

    def item(title, person=None):
        return ledger.item_create(
            item_list=item_list,
            org=county.village_a1,
            title=title,
            actor=personas.township_a,
            person=person,
            deadline=timezone.localdate() + timedelta(days=10),
        )

    mine, theirs, branch_item = item("本人整改事项", me), item("他人整改事项", fellow), item("支部整改事项")
    ledger.list_issue(item_list=item_list, actor=personas.township_a)
    for person, name in ((me, "党员本人"), (fellow, "同支部党员")):
        Accountability.objects.create(
            item=mine,
            target="cadre",
            forms=["notice"],
            body="org_dept",
            facts="整改逾期。",
            person_name=f"问责{name}",
            person=person,
            decided_on=date(2026, 1, 5),
        )
    # Staff touch the member's record from an address; the county looks at the full number.
    staff = Client(REMOTE_ADDR=STAFF_ADDRESS)
    staff.force_login(personas.county_admin)
    staff.post(reverse("orgs:person_unmask", args=[me.pk]))
    return {"me": me, "fellow": fellow, "mine": mine, "theirs": theirs, "branch_item": branch_item}


@pytest.fixture
def member(personas):
    client = Client()
    client.force_login(personas.member)
    return client


def _text(response) -> str:
    return response.content.decode()


def test_the_member_list_and_the_api_show_the_member_alone(member, branch):
    for url in (reverse("orgs:person_list"), reverse("person-list")):
        body = _text(member.get(url))
        assert "党员本人" in body
        assert "同支部党员" not in body and "13911112222" not in body and "1977" not in body


def test_other_people_of_the_branch_are_not_found(member, branch):
    fellow = branch["fellow"]
    for url in (
        reverse("orgs:person_detail", args=[fellow.pk]),
        reverse("person-detail", args=[fellow.pk]),
        reverse("orgs:person_edit", args=[fellow.pk]),
    ):
        assert member.get(url).status_code == 404, url
    assert member.get(reverse("orgs:person_detail", args=[branch["me"].pk])).status_code == 200


def test_the_member_sees_their_own_items_only(member, branch):
    assert member.get(reverse("ledger:item_detail", args=[branch["mine"].pk])).status_code == 200
    for key in ("theirs", "branch_item"):
        assert member.get(reverse("ledger:item_detail", args=[branch[key].pk])).status_code == 404
        assert member.get(reverse("api-item-detail", args=[branch[key].pk])).status_code == 404
    for url in (
        reverse("ledger:ledger"),
        reverse("ledger:list_detail", args=[branch["mine"].item_list_id]),
        reverse("api-item-list"),
        reverse("home"),
    ):
        body = _text(member.get(url))
        assert "他人整改事项" not in body and "支部整改事项" not in body, url
    assert "本人整改事项" in _text(member.get(reverse("ledger:ledger")))


def test_the_list_counts_only_the_members_own_items(personas, branch):
    from dangjian.ledger import selectors
    from dangjian.ledger.models import ItemList

    lists = ItemList.objects.filter(pk=branch["mine"].item_list_id)
    assert selectors.list_rows(lists, user=personas.member)[0].item_count == 1
    assert selectors.list_rows(lists, user=personas.township_a)[0].item_count == 3


def test_the_ledger_export_is_refused_to_a_member(member, branch):
    response = member.get(reverse("ledger:ledger_export"))
    assert response.status_code == 403
    assert "支部整改事项" not in _text(response)


def test_accountability_about_other_people_is_not_shown_on_the_members_own_item(member, branch):
    body = _text(member.get(reverse("ledger:item_detail", args=[branch["mine"].pk])))
    assert "问责党员本人" in body
    assert "问责同支部党员" not in body


def test_the_branch_page_shows_the_organisation_but_nobody_elses_personal_data(member, branch, county):
    for url in (reverse("orgs:org_detail", args=[county.village_a1.pk]), reverse("orgs:org_list")):
        response = member.get(url)
        assert response.status_code == 200
        body = _text(response)
        assert "中共A1村支部委员会" in body
        assert "同支部党员" not in body and "13911112222" not in body, url


def test_a_members_history_carries_no_addresses_and_no_access_events(member, branch, personas):
    url = reverse("orgs:person_detail", args=[branch["me"].pk])
    body = _text(member.get(url))
    assert STAFF_ADDRESS not in body and "查看完整身份证号" not in body
    secretary = Client()
    secretary.force_login(personas.village_a1)  # no audit right either
    body = _text(secretary.get(url))
    assert STAFF_ADDRESS not in body and "查看完整身份证号" not in body
    county_admin = Client()
    county_admin.force_login(personas.county_admin)  # holds the audit right: sees both
    body = _text(county_admin.get(url))
    assert STAFF_ADDRESS in body and "查看完整身份证号" in body


def test_a_member_without_a_linked_record_sees_no_one(county, personas, branch):
    personas.member.person = None
    personas.member.save()
    client = Client()
    client.force_login(personas.member)
    body = _text(client.get(reverse("orgs:person_list")))
    assert "党员本人" not in body and "同支部党员" not in body
    assert client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])).status_code == 200


def test_a_township_secretary_links_a_member_account_to_its_own_record(client, county, personas):
    me = make_person(county.village_a1, "待关联党员")
    elsewhere = make_person(county.village_a2, "别村党员")
    client.force_login(personas.township_a)
    url = reverse("accounts:user_link_person", args=[personas.member.pk])
    page = client.get(reverse("accounts:user_detail", args=[personas.member.pk])).content.decode()
    assert "待关联党员" in page and "别村党员" not in page  # only the account's own branch is offered
    response = client.post(url, {"person": elsewhere.pk}, follow=True)
    assert "选择一个有效的选项" in response.content.decode()
    personas.member.refresh_from_db()
    assert personas.member.person is None
    client.post(url, {"person": me.pk})
    personas.member.refresh_from_db()
    assert personas.member.person == me
    member = Client()
    member.force_login(personas.member)
    assert "待关联党员" in _text(member.get(reverse("orgs:person_list")))


def test_linking_is_refused_for_an_account_one_may_not_manage(county, personas):
    from django.core.exceptions import ValidationError

    from dangjian.accounts import services

    me = make_person(county.village_a1, "待关联党员")
    with pytest.raises(ValidationError):
        services.user_link_person(actor=personas.village_a1, user=personas.member, person=me)
    personas.member.refresh_from_db()
    assert personas.member.person is None
