"""The home page shows the work: key figures with a chart for county and township, own items for a member."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dangjian.ledger import selectors
from dangjian.ledger.models import Item
from dangjian.orgs.tests.factories import make_person

from .builders import TODAY, S, handed_item, media, walk  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


def test_the_county_home_shows_key_figures_that_agree_with_the_roll_up_and_link_down(
    client, county, personas
):
    walk(handed_item(county, personas), S.CLOSED, personas)
    red = handed_item(county, personas, deadline=TODAY + timedelta(days=1))
    Item.objects.filter(pk=red.pk).update(deadline=TODAY - timedelta(days=400))
    client.force_login(personas.county_admin)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-figures"' in body
    totals = selectors.rollup_totals(selectors.rollup(personas.county_admin, county.county))
    shown = dict(re.findall(r'data-testid="figure-(\w+)" data-value="([^"]*)"', body))
    assert int(shown["open"]) == totals.open and int(shown["overdue"]) == totals.overdue == 1
    assert float(shown["rate"]) == totals.on_time_rate == 50.0
    chart = json.loads(
        re.search(r'<script id="home-chart-orgs" type="application/json">(.*?)</script>', body, re.S).group(1)
    )
    assert chart["xAxis"]["data"] == ["A镇党委", "B镇党委"]
    assert chart["links"][0].endswith(f"?org={county.township_a.pk}")
    assert f'href="/ledger/ledger/?org={county.county.pk}&amp;light=red"' in body


def test_a_village_has_no_figures_to_compare_and_a_member_sees_their_own_items(client, county, personas):
    person = make_person(county.village_a1, "赵党员")
    personas.member.person = person
    personas.member.save(update_fields=["person"])
    item = handed_item(county, personas)
    Item.objects.filter(pk=item.pk).update(person=person)
    client.force_login(personas.village_a1)
    assert 'data-testid="home-figures"' not in client.get(reverse("home")).content.decode()
    client.force_login(personas.member)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="own-items"' in body and item.title in body
    assert 'data-testid="home-figures"' not in body


def test_home_figures_run_a_fixed_number_of_queries(county, personas, django_assert_num_queries):
    for _ in range(3):
        handed_item(county, personas)
    user = personas.county_admin
    selectors.home_figures(user)
    # The root, whether its subtree is wide (counted up to the limit), the roll-up's children and GROUP BY,
    # the month's closures.
    with django_assert_num_queries(HOME_FIGURES_QUERIES):
        selectors.home_figures(user)
    for _ in range(10):
        handed_item(
            county, personas, org=county.village_b1, list_org=county.township_b, actor=personas.township_b
        )
    with django_assert_num_queries(HOME_FIGURES_QUERIES):
        selectors.home_figures(user)


HOME_FIGURES_QUERIES = 5


def test_a_member_is_not_shown_the_organisations_warning_count(client, county, personas):
    client.force_login(personas.member)
    assert 'data-testid="home-warning-total"' not in client.get(reverse("home")).content.decode()
    client.force_login(personas.township_a)
    assert 'data-testid="home-warning-total"' in client.get(reverse("home")).content.decode()


def test_my_work_summary_shows_the_first_items_of_each_section_as_my_work_lists_them(county, personas):
    """Sections overlap (an overdue item is also waiting): the home block's rows, chosen by a window over
    narrow rows, are each section's first ``shown`` items in deadline order, never another section's."""
    days = (-9, -5, -2, 1, 3, 20, 40)
    for n in days:
        item = handed_item(county, personas, deadline=TODAY + timedelta(days=30))
        Item.objects.filter(pk=item.pk).update(deadline=TODAY + timedelta(days=n))
    user = personas.village_a1
    counts, sections = selectors.my_work_summary(user, 2, today=TODAY)
    full = selectors.my_work(user, TODAY)
    assert counts["waiting"] == len(days) and counts["overdue"] == 3
    for key in ("waiting", "due_soon", "overdue"):
        assert [i.pk for i in sections[key]] == [i.pk for i in getattr(full, key)[:2]], key
    assert [i.deadline for i in sections["overdue"]] == [TODAY - timedelta(days=9), TODAY - timedelta(days=5)]
    assert [i.deadline for i in sections["due_soon"]] == [
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=3),
    ]


def test_a_sections_more_link_lists_exactly_the_items_its_count_counts(client, county, personas):
    """The "more" link of a section opens the ledger filtered by that section (``work``), the same filter
    its count uses: the village's seven overdue items, none for the township that handed them down (it
    follows them as a figure, and its own ledger filters by light)."""
    from django.utils import timezone

    today = timezone.localdate()
    for n in range(7):
        item = handed_item(county, personas, today=today)
        Item.objects.filter(pk=item.pk).update(deadline=today - timedelta(days=n + 1), title=f"逾期事项{n}")
    client.force_login(personas.village_a1)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-overdue" data-count="7"' in body
    assert f'href="{reverse("ledger:ledger")}?work=overdue"' in body
    page = client.get(reverse("ledger:ledger") + "?work=overdue").content.decode()
    assert all(f"逾期事项{n}" in page for n in range(7))
    assert client.get(reverse("api-item-list") + "?work=overdue").json()["count"] == 7
    assert client.get(reverse("api-item-list") + "?work=returned").json()["count"] == 0
    client.force_login(personas.township_a)
    assert client.get(reverse("api-item-list") + "?work=overdue").json()["count"] == 0
    assert client.get(reverse("api-item-list") + "?light=red").json()["count"] == 7
    assert client.get(reverse("api-item-list") + "?work=anything").status_code == 400
