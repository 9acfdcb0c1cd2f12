"""Every list page of the module runs the same number of queries for 3 and for 30 records (pinned)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from dangjian.orgs.tests.factories import make_org
from dangjian.supervision import services

from .helpers import TODAY, plan, visit

pytestmark = pytest.mark.django_db


def _villages(county, n):
    return [
        make_org(county.township_a, f"中共测试{i}村支部委员会", short_name=f"测试{i}村党支部")
        for i in range(n)
    ]


def _plans(personas, county, n):
    villages = _villages(county, n)
    for v in villages:
        p = plan(county, personas.inspector, targets=[v], theme=f"暗访{v.short_name}")
        visit(p, v, personas.inspector, findings=("台账不全",))


def _ratings(personas, county, n):
    for v in _villages(county, n):
        services.rating_self_assess(org=v, year=TODAY.year - 1, self_score=80, actor=personas.admin)


def _weak(personas, county, n):
    for v in _villages(county, n):
        services.weak_flag(
            org=v,
            year=TODAY.year,
            reasons=["meetings"],
            county_contact="甲",
            township_contact="乙",
            actor=personas.admin,
        )


def _venues(personas, county, n):
    for i, v in enumerate(_villages(county, n)):
        if i % 3:
            services.venue_save(org=v, kind="own", address="村委会", checked=["有场所"], actor=personas.admin)
        else:
            services.venue_save(
                org=v,
                kind="none",
                plan="new_build",
                plan_deadline=TODAY + timedelta(days=30),
                actor=personas.admin,
            )


def _assessments(personas, county, n):
    for i in range(n):
        services.assessment_create(
            org=county.county,
            year=2000 + i,
            title=f"{2000 + i}年度考核",
            items=[{"key": "ledger.open_items", "weight": 100}],
            manual_items="",
            actor=personas.admin,
        )


def _scoresheets(personas, county, n):
    for i in range(n):
        services.scoresheet_save(
            org=county.county,
            year=2000 + i,
            name=f"{2000 + i}年度评分表",
            items=[{"name": "综合", "weight": 100}],
            grade_thresholds=["90", "80", "60"],
            star_thresholds=["60", "65", "75", "85", "95"],
            actor=personas.admin,
        )


# (URL name, builder, persona, queries): the persona's shell (session, the user with its grants, badges, nav)
# plus the page's own queries, the same whatever the number of rows. Each paged list costs a count and its
# page's rows (the inspections page has two: the plans and the visits; the venues' count also gives the
# figure of branches without a venue; the weak list's suggestions read the overdue indicator as of today,
# which no record holds).
PAGES = [
    ("supervision:plan_list", _plans, "inspector", 7),
    ("supervision:rating_list", _ratings, "county_admin", 5),
    ("supervision:weak_list", _weak, "county_admin", 8),
    ("supervision:venue_list", _venues, "county_admin", 9),
    ("supervision:assessment_list", _assessments, "county_admin", 5),
    ("supervision:scoresheet_list", _scoresheets, "county_admin", 5),
]


@pytest.mark.parametrize(("name", "build", "persona", "queries"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("n", [3, 30])
def test_list_pages_run_a_fixed_number_of_queries(
    client, personas, county, django_assert_num_queries, name, build, persona, queries, n
):
    build(personas, county, n)
    client.force_login(getattr(personas, persona))
    client.get(reverse(name))  # warm the per-session caches
    with django_assert_num_queries(queries):
        response = client.get(reverse(name))
    assert response.status_code == 200
