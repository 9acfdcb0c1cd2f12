"""The evaluation and training lists are paged (50 rows a page) instead of cut at 500 and 300 rows: every
record of the user's subtree is on exactly one page of the year asked for, none of another subtree on any."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.orglife.models import Course, Evaluation
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

MINE, THEIRS = 57, 3  # more than a page (50) under A镇, a few under B镇
YEAR = 2025


def evaluations(county):
    def build(orgs, n, year=YEAR):
        people = [make_person(orgs[i % len(orgs)], f"党员{i}") for i in range(n)]
        return Evaluation.objects.bulk_create(
            Evaluation(org=p.org, person=p, year=year, grade="qualified") for p in people
        )

    build([county.village_a1], 4, YEAR - 1)  # another year's: never on the year asked for
    return build([county.village_a1, county.village_a2], MINE), build([county.village_b1], THEIRS)


def courses(county):
    def build(org, n, year=YEAR):
        return Course.objects.bulk_create(
            Course(
                org=org,
                title=f"轮训{i}",
                kind="rotation",
                starts_on=date(year, 1 + i % 12, 1),
                ends_on=date(year, 1 + i % 12, 2),
                hours=Decimal("8"),
            )
            for i in range(n)
        )

    build(county.township_a, 4, YEAR - 1)
    return build(county.township_a, MINE), build(county.township_b, THEIRS)


LISTS = [("orglife:evaluation_list", evaluations), ("orglife:course_list", courses)]


@pytest.mark.parametrize(("name", "build"), LISTS, ids=[x[0] for x in LISTS])
def test_a_list_longer_than_a_page_is_paged_and_shows_only_the_users_subtree(
    client, county, personas, name, build
):
    mine, theirs = build(county)
    client.force_login(personas.township_a)
    url = reverse(name)

    first = client.get(url, {"year": YEAR})
    second = client.get(url, {"year": YEAR, "page": 2})
    assert first.status_code == second.status_code == 200
    page1, page2 = first.context["page"], second.context["page"]
    one = [r.pk for r in page1.object_list]
    two = [r.pk for r in page2.object_list]

    assert page1.paginator.count == MINE and page1.paginator.num_pages == 2
    assert len(one) == 50 and len(two) == MINE - 50
    assert not set(one) & set(two)
    assert set(one) | set(two) == {r.pk for r in mine}
    # The pager links to the next page of the same year.
    body = first.content.decode()
    assert f'href="?year={YEAR}&amp;page=2"' in body and "下一页" in body and f"共 {MINE} 条" in body

    client.force_login(personas.township_b)
    page = client.get(url, {"year": YEAR}).context["page"]
    assert {r.pk for r in page.object_list} == {r.pk for r in theirs}
