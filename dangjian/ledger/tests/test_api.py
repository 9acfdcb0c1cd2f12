"""The ledger API: same scope, same filter and the same refusals (same Chinese words) as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.workflow import STALE_MESSAGE
from dangjian.ledger import services
from dangjian.ledger.models import Item, Progress

from .test_pages import TODAY, build_world, login, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, county):
    return build_world(personas, county)


def transition_url(item) -> str:
    return reverse("api-item-transition", args=[item.pk])


def test_anonymous_callers_are_refused(client, world):
    assert client.get(reverse("api-item-list")).status_code in (401, 403)


def test_items_are_scoped_and_filtered_like_the_ledger(client, personas, county, world):
    login(client, personas.township_a)
    data = client.get(reverse("api-item-list")).json()
    assert sorted(i["title"] for i in data["results"]) == ["A1村阵地标识不规范", "A2村会议记录缺失"]
    data = client.get(reverse("api-item-list") + "?light=yellow").json()
    assert [i["title"] for i in data["results"]] == ["A2村会议记录缺失"]
    assert data["results"][0]["light"] == "yellow"
    assert client.get(reverse("api-item-detail", args=[world.item_b1.pk])).status_code == 404


def test_lists_are_scoped(client, personas, world):
    login(client, personas.township_b)
    titles = [r["title"] for r in client.get(reverse("api-list-list")).json()["results"]]
    assert titles == ["B镇党建问题清单"]


def test_a_transition_through_the_api_moves_the_item(client, personas, world):
    login(client, personas.village_a1)
    item = world.item_a1
    response = client.post(
        transition_url(item), {"to": "acknowledged", "version": item.version}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    item.refresh_from_db()
    assert item.status == Item.Status.ACKNOWLEDGED


@pytest.mark.parametrize(
    "payload_of",
    [
        lambda item: {"to": "closed", "version": item.version},  # not allowed from 待签收
        lambda item: {"to": "acknowledged", "version": item.version + 3},  # stale
    ],
)
def test_a_transition_the_ui_refuses_is_refused_by_the_api_with_the_same_message(
    client, personas, world, payload_of
):
    item = world.item_a1
    payload = payload_of(item)
    login(client, personas.village_a1)
    ui = client.post(reverse("ledger:item_transition", args=[item.pk]), payload, follow=True)
    ui_messages = messages_of(ui)
    api = client.post(transition_url(item), payload, content_type="application/json")
    assert api.status_code == 400
    assert api.json()["detail"] == ui_messages and ui_messages
    item.refresh_from_db()
    assert item.status == Item.Status.HANDED_DOWN


def test_the_stale_refusal_reads_reload(client, personas, world):
    login(client, personas.village_a1)
    item = world.item_a1
    api = client.post(
        transition_url(item),
        {"to": "acknowledged", "version": item.version + 1},
        content_type="application/json",
    )
    assert api.json()["detail"] == [STALE_MESSAGE]


def test_the_rectifying_side_cannot_verify_through_the_api(client, personas, world):
    item = world.item_a1
    va = personas.village_a1
    services.item_acknowledge(item=item, actor=va)
    services.item_file_measures(item=item, actor=va, measures="措施")
    services.item_request_closure(item=item, actor=va)
    login(client, va)
    response = client.post(
        transition_url(item), {"to": "closed", "version": item.version}, content_type="application/json"
    )
    assert response.status_code in (400, 403)
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSURE_REQUESTED


def test_an_item_outside_my_subtree_cannot_be_moved(client, personas, world):
    login(client, personas.township_a)
    response = client.post(
        transition_url(world.item_b1), {"to": "acknowledged"}, content_type="application/json"
    )
    assert response.status_code == 404
    world.item_b1.refresh_from_db()
    assert world.item_b1.status == Item.Status.HANDED_DOWN


def test_progress_is_recorded_through_the_service(client, personas, world):
    item = world.item_a1
    services.item_acknowledge(item=item, actor=personas.village_a1)
    login(client, personas.village_a1)
    response = client.post(
        reverse("api-progress-list"),
        {"item": item.pk, "on": TODAY.isoformat(), "text": "已开会部署", "percent": 30},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Progress.objects.get(item=item).text == "已开会部署"
    refused = client.post(
        reverse("api-progress-list"),
        {"item": item.pk, "on": TODAY.isoformat(), "text": "倒退", "percent": 10},
        content_type="application/json",
    )
    assert refused.status_code == 400 and Progress.objects.filter(item=item).count() == 1


def test_progress_on_an_outside_item_is_not_found(client, personas, world):
    login(client, personas.township_a)
    response = client.post(
        reverse("api-progress-list"),
        {"item": world.item_b1.pk, "on": TODAY.isoformat(), "text": "x", "percent": 30},
        content_type="application/json",
    )
    assert response.status_code == 404 and not Progress.objects.exists()


def test_the_moves_available_to_me_are_listed(client, personas, world):
    login(client, personas.village_a1)
    data = client.get(transition_url(world.item_a1)).json()
    assert data == {
        "version": world.item_a1.version,
        "moves": [
            {"to": "acknowledged", "label": "签收"},
            {"to": "closure_requested", "label": "立行立改，申请销号"},
        ],
    }
    assert client.get(transition_url(world.item_a2)).status_code == 404
