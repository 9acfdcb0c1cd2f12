"""The supervision lists are paged (50 rows a page) instead of cut at a fixed number of rows: every record of
the user's subtree is on exactly one page, none of another subtree on any, and the figures above a list count
the whole list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.orgs.tests.factories import make_org
from dangjian.supervision.models import (
    Assessment,
    Briefing,
    InspectionPlan,
    Rating,
    Scoresheet,
    Venue,
    VenueKind,
    Visit,
    WeakOrg,
)

from .helpers import TODAY, visit_time

pytestmark = pytest.mark.django_db

MINE, THEIRS = 57, 3  # more than a page (50) under A镇, a few under B镇
YEAR = TODAY.year - 1


def _villages(parent, n, prefix):
    return [
        make_org(parent, f"中共{prefix}{i}村支部委员会", short_name=f"{prefix}{i}村党支部") for i in range(n)
    ]


def _plans(orgs, **fields):
    return InspectionPlan.objects.bulk_create(
        InspectionPlan(
            org=o, month=TODAY.replace(day=1), theme=f"暗访{o.pk}", team="王明", checklist="台账", **fields
        )
        for o in orgs
    )


def plans(county, mine, theirs):
    return _plans(mine), _plans(theirs)


def visits(county, mine, theirs):
    def build(orgs):
        plan = _plans(orgs[:1])[0]
        return Visit.objects.bulk_create(
            Visit(plan=plan, org=o, visited_at=visit_time(), inspectors="王明", status=Visit.Status.SUBMITTED)
            for o in orgs
        )

    return build(mine), build(theirs)


def briefings(county, mine, theirs):
    def build(org, n):
        return Briefing.objects.bulk_create(
            Briefing(org=org, month=TODAY.replace(day=1), title=f"通报{i}", summary="概况") for i in range(n)
        )

    return build(county.township_a, MINE), build(county.township_b, THEIRS)


def ratings(county, mine, theirs):
    def build(orgs, year=YEAR):
        return Rating.objects.bulk_create(Rating(org=o, year=year, self_score=Decimal("80")) for o in orgs)

    build(mine[:5], YEAR - 1)  # another year's: never on the year asked for
    return build(mine), build(theirs)


def weak(county, mine, theirs):
    def build(orgs):
        return WeakOrg.objects.bulk_create(
            WeakOrg(org=o, year=YEAR, reasons=["meetings"], county_contact="甲", township_contact="乙")
            for o in orgs
        )

    return build(mine), build(theirs)


def venues(county, mine, theirs):
    def build(orgs):
        return Venue.objects.bulk_create(Venue(org=o, kind=VenueKind.NONE, plan="new_build") for o in orgs)

    return build(mine), build(theirs)


def assessments(county, mine, theirs):
    def build(org, n):
        return Assessment.objects.bulk_create(
            Assessment(org=org, year=2000 + i % 20, title=f"考核{i}") for i in range(n)
        )

    return build(county.township_a, MINE), build(county.township_b, THEIRS)


def scoresheets(county, mine, theirs):
    def build(orgs):
        return Scoresheet.objects.bulk_create(
            Scoresheet(org=o, year=YEAR, name=f"评分表{o.pk}", items=[{"name": "综合", "weight": 100}])
            for o in orgs
        )

    return build(mine), build(theirs)


# (URL name, builder, the page's context name, its GET parameter, other parameters kept while paging)
LISTS = [
    ("supervision:plan_list", plans, "page", "page", {}),
    ("supervision:plan_list", visits, "visits", "visit_page", {}),
    ("supervision:briefing_list", briefings, "page", "page", {}),
    ("supervision:rating_list", ratings, "page", "page", {"year": YEAR}),
    ("supervision:weak_list", weak, "page", "page", {}),
    ("supervision:venue_list", venues, "page", "page", {}),
    ("supervision:assessment_list", assessments, "page", "page", {}),
    ("supervision:scoresheet_list", scoresheets, "page", "page", {}),
]


@pytest.mark.parametrize(
    ("name", "build", "key", "param", "extra"), LISTS, ids=[f"{x[0]}-{x[2]}" for x in LISTS]
)
def test_a_list_longer_than_a_page_is_paged_and_shows_only_the_users_subtree(
    client, county, personas, name, build, key, param, extra
):
    mine_orgs = _villages(county.township_a, MINE, "甲")
    theirs_orgs = _villages(county.township_b, THEIRS, "乙")
    mine, theirs = build(county, mine_orgs, theirs_orgs)
    client.force_login(personas.township_a)
    url = reverse(name)

    first = client.get(url, extra)
    second = client.get(url, {**extra, param: 2})
    assert first.status_code == second.status_code == 200
    page1, page2 = first.context[key], second.context[key]
    one = [r.pk for r in page1.object_list]
    two = [r.pk for r in page2.object_list]

    assert page1.paginator.count == MINE and page1.paginator.num_pages == 2
    assert len(one) == 50 and len(two) == MINE - 50
    assert not set(one) & set(two)
    assert set(one) | set(two) == {r.pk for r in mine}
    # The pager links to the next page, keeping the other parameters (the year of the ratings).
    query = "&amp;".join([*(f"{k}={v}" for k, v in extra.items()), f"{param}=2"])
    body = first.content.decode()
    assert f'href="?{query}"' in body and "下一页" in body and f"共 {MINE} 条" in body
    # Past the last page: the last page, never an error nor an empty list.
    assert [r.pk for r in client.get(url, {**extra, param: 99}).context[key].object_list] == two


@pytest.mark.parametrize(
    ("name", "build", "key", "param", "extra"), LISTS, ids=[f"{x[0]}-{x[2]}" for x in LISTS]
)
def test_another_subtrees_records_are_on_no_page(client, county, personas, name, build, key, param, extra):
    mine_orgs = _villages(county.township_a, MINE, "甲")
    theirs_orgs = _villages(county.township_b, THEIRS, "乙")
    mine, theirs = build(county, mine_orgs, theirs_orgs)
    client.force_login(personas.township_b)
    page = client.get(reverse(name), extra).context[key]
    assert {r.pk for r in page.object_list} == {r.pk for r in theirs}
    assert page.paginator.count == THEIRS


def test_the_venues_without_a_venue_are_counted_over_every_page(client, county, personas):
    """The figure above the list counts all the subtree's venues of kind "none", not the page's."""
    orgs = _villages(county.township_a, 80, "甲")
    Venue.objects.bulk_create(
        Venue(org=o, kind=VenueKind.NONE if i % 4 else VenueKind.OWN, plan="new_build" if i % 4 else "")
        for i, o in enumerate(orgs)
    )
    Venue.objects.create(org=county.village_b1, kind=VenueKind.NONE, plan="new_build")  # B镇's: not counted
    Venue.objects.create(org=county.village_a1, kind=VenueKind.OWN)
    client.force_login(personas.township_a)
    for number in (1, 2):
        response = client.get(reverse("supervision:venue_list"), {"page": number})
        assert response.context["missing"] == 60
        assert response.context["page"].paginator.count == 81
        assert "60个党组织无活动场所" in response.content.decode()
