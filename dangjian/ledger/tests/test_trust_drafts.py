"""Drafts belong to the issuing side (issue 7, finding 5).

A list not yet handed down — a draft, or one awaiting the leader's approval — and its items are
visible only to its author and to whoever holds the hand-down right at the issuing organisation or
above; the organisations it names see nothing of it (page, item, API, ledger, export, counts), and
nobody hands an item down before its list.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dangjian.core import workflow
from dangjian.core.models import StatusChange
from dangjian.core.scoping import get_scope
from dangjian.ledger import selectors, services
from dangjian.ledger.models import Item, ItemGroup, ItemList

from .builders import TODAY

S = Item.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(county, personas):
    """A county list to A镇 and B镇 awaiting approval: one item to A镇, one group to both townships."""
    item_list = services.list_create(
        org=county.county,
        title="县委督查暗访问题清单（待审核）",
        actor=personas.county_admin,
        needs_approval=True,
        issued_on=TODAY,
    )
    item = services.item_create(
        item_list=item_list,
        org=county.township_a,
        title="待审核事项：台账不规范",
        actor=personas.county_admin,
        deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )
    group = services.item_hand_down_many(
        item_list=item_list,
        orgs=[county.township_a, county.township_b],
        title="待审核事项组：阵地建设",
        actor=personas.county_admin,
        deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )
    services.list_submit(item_list=item_list, actor=personas.county_admin)
    item_list.refresh_from_db()
    return item_list, item, group


def _pages(item_list, item, group) -> list[str]:
    return [
        reverse("ledger:list_detail", args=[item_list.pk]),
        reverse("ledger:item_detail", args=[item.pk]),
        reverse("ledger:group_detail", args=[group.pk]),
        reverse("api-item-detail", args=[item.pk]),
        reverse("api-list-detail", args=[item_list.pk]),
    ]


def test_the_township_named_in_a_list_awaiting_approval_sees_nothing_of_it(client, personas, pending):
    item_list, item, group = pending
    client.force_login(personas.township_a)
    assert [client.get(url).status_code for url in _pages(*pending)] == [404] * 5
    for url in (reverse("ledger:list_index"), reverse("ledger:ledger"), reverse("ledger:ledger_export")):
        body = client.get(url).content.decode("utf-8", "ignore")
        assert "待审核" not in body
    api = client.get(reverse("api-item-list")).json()
    assert [i["title"] for i in api["results"]] == []


def test_the_draft_counts_nowhere_for_the_township(personas, county, pending):
    user = personas.township_a
    assert not Item.objects.visible_to(user).exists()
    assert not ItemList.objects.visible_to(user).exists()
    assert not ItemGroup.objects.visible_to(user).exists()
    assert set(selectors.my_work_counts(user, TODAY).values()) == {0}


def test_the_author_and_the_approvers_see_the_draft_and_an_inspector_does_not(
    client, personas, county, pending
):
    item_list, item, _group = pending
    for user in (personas.county_admin, personas.admin):
        client.force_login(user)
        assert client.get(reverse("ledger:item_detail", args=[item.pk])).status_code == 200
        assert client.get(reverse("ledger:list_detail", args=[item_list.pk])).status_code == 200
    # The county's 督查组 may verify and inspect, but approving lists is not its part.
    client.force_login(personas.inspector)
    assert client.get(reverse("ledger:item_detail", args=[item.pk])).status_code == 404
    assert not Item.objects.visible_to(personas.inspector).filter(pk=item.pk).exists()


def test_the_township_cannot_hand_down_an_item_of_a_draft_list(client, personas, pending):
    _item_list, item, _group = pending
    client.force_login(personas.township_a)
    before = StatusChange.objects.count()
    response = client.post(
        reverse("ledger:item_transition", args=[item.pk]),
        {"to": S.HANDED_DOWN, "version": item.version, "note": ""},
    )
    assert response.status_code == 404
    # Not through the services either: the right to hand down is held at the issuer (the county).
    with pytest.raises(PermissionDenied):
        workflow.transition(obj=item, to=S.HANDED_DOWN, actor=personas.township_a)
    item.refresh_from_db()
    assert item.status == S.DRAFT and StatusChange.objects.count() == before


def test_even_the_issuer_hands_an_item_down_only_with_its_list(personas, pending):
    _item_list, item, _group = pending
    with pytest.raises(ValidationError) as exc:
        workflow.transition(obj=item, to=S.HANDED_DOWN, actor=personas.county_admin)
    assert exc.value.messages == ["清单尚未下发：其中的事项随清单一并下发。"]
    item.refresh_from_db()
    assert item.status == S.DRAFT


def test_once_approved_the_township_sees_its_items(client, personas, pending):
    item_list, item, _group = pending
    services.list_approve(item_list=item_list, actor=personas.admin)  # not its author
    client.force_login(personas.township_a)
    assert client.get(reverse("ledger:item_detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("ledger:list_detail", args=[item_list.pk])).status_code == 200
    assert Item.objects.visible_to(personas.township_a).count() == 2  # its item and its part of the group


def test_the_draft_filter_is_compiled_once_a_request_and_never_stale(county, personas, pending):
    """The draft items stay a subquery (core.scoping.derived_filter): one compiled per scope, so a draft
    written after the first scoped query of the request is seen by its author, and by nobody below."""
    item_list, item, _group = pending
    author, township = personas.county_admin, personas.township_a
    assert item in Item.objects.visible_to(author)
    compiled = get_scope(author).derived["ledger.draft_items"]
    later = services.item_create(
        item_list=item_list,
        org=county.township_a,
        title="后来补充的待审核事项",
        actor=author,
        deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )
    assert later in Item.objects.visible_to(author)
    assert get_scope(author).derived["ledger.draft_items"] is compiled
    assert not Item.objects.visible_to(township).filter(pk__in=[item.pk, later.pk]).exists()
