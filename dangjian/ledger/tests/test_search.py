"""The header search finds items, lists, organisations and people the user may see, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from dangjian.ledger import services
from dangjian.orgs.tests.factories import make_person

from .builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(county, personas):
    for org, actor, title in (
        (county.township_a, personas.township_a, "阵地标识不规范"),
        (county.township_b, personas.township_b, "阵地建设滞后"),
    ):
        item_list = services.list_create(
            org=org, title=f"{org.short_name or org.name}阵地整改清单", actor=actor
        )
        village = county.village_a1 if org == county.township_a else county.village_b1
        services.item_create(
            item_list=item_list, org=village, title=title, actor=actor, deadline=TODAY + timedelta(days=30)
        )
        services.list_issue(item_list=item_list, actor=actor)
    make_person(county.village_a1, "阵小明")
    make_person(county.village_b1, "阵小红")


def test_the_header_search_finds_what_i_may_see_of_every_kind(client, county, personas, records):
    client.force_login(personas.township_a)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="header-search"' in home
    body = client.get(reverse("search"), {"q": "阵"}).content.decode()
    for kind in ("ledger_items", "ledger_lists", "people"):
        assert f'data-testid="search-{kind}"' in body, kind
    assert "阵地标识不规范" in body and "阵小明" in body
    assert "阵地建设滞后" not in body and "阵小红" not in body and "B镇" not in body
    body = client.get(reverse("search"), {"q": "A1村"}).content.decode()
    assert 'data-testid="search-orgs"' in body


def test_a_search_that_finds_nothing_says_so(client, personas, records):
    client.force_login(personas.village_a1)
    body = client.get(reverse("search"), {"q": "建设滞后"}).content.decode()
    assert 'data-testid="search-empty"' in body and "没有找到" in body
