"""Unannounced inspections (督查暗访): plans invisible to their targets, visits from a phone, findings as items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.core import indicators
from dangjian.core.indicators import Period
from dangjian.core.tests.files import upload
from dangjian.ledger import door
from dangjian.supervision import services
from dangjian.supervision.models import InspectionPlan, Visit

from .helpers import TODAY, plan, visit, visit_time

pytestmark = pytest.mark.django_db


def test_a_planned_visit_is_invisible_to_its_targets(client, personas, county):
    p = plan(county, personas.inspector)
    for persona in (personas.village_a1, personas.township_a, personas.member):
        client.force_login(persona)
        assert client.get(reverse("supervision:plan_detail", args=[p.pk])).status_code == 404
        assert "村级党建督查暗访" not in client.get(reverse("supervision:plan_list")).content.decode()
    client.force_login(personas.inspector)
    body = client.get(reverse("supervision:plan_list")).content.decode()
    assert "村级党建督查暗访" in body


def test_a_draft_visit_stays_hidden_until_its_findings_are_handed_down(client, personas, county):
    p = plan(county, personas.inspector)
    v = visit(p, county.village_a1, personas.inspector, submit=False)
    client.force_login(personas.village_a1)
    assert client.get(reverse("supervision:visit_detail", args=[v.pk])).status_code == 404
    services.visit_submit(visit=v, actor=personas.inspector)
    page = client.get(reverse("supervision:visit_detail", args=[v.pk])).content.decode()
    assert "公开栏内容未更新" in page and "村级党建督查暗访" in page
    # The plan itself (team, other targets) stays with the inspecting side.
    assert client.get(reverse("supervision:plan_detail", args=[p.pk])).status_code == 404


def test_an_inspector_records_a_visit_on_a_phone_and_the_village_sees_two_items(client, personas, county):
    p = plan(county, personas.inspector)
    client.force_login(personas.inspector)
    form = {
        "org": county.village_a1.pk,
        "visited_at": timezone.localtime(visit_time()).strftime("%Y-%m-%dT%H:%M"),
        "inspectors": "王明、李华",
        "score_0": "9",
        "score_1": "5",
        "score_2": "7",
        "notes": "书记在岗，台账不全",
        "findings": "公开栏内容未更新\n三会一课记录不全\n",
        "deadline": (TODAY + timedelta(days=15)).isoformat(),
        "photos": upload("现场.jpg"),
    }
    response = client.post(
        reverse("supervision:visit_create", args=[p.pk]), form, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)"
    )
    v = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:visit_detail", args=[v.pk]
    )
    assert float(v.score) == 70.0 and v.finding_count == 2
    client.post(reverse("supervision:visit_submit", args=[v.pk]))
    v.refresh_from_db()
    assert v.status == Visit.Status.SUBMITTED
    items = list(door.items_of_source(v, personas.village_a1))
    assert sorted(i.title for i in items) == ["三会一课记录不全", "公开栏内容未更新"]
    assert all(i.item_list.source == "inspection" and i.org == county.village_a1 for i in items)
    client.force_login(personas.village_a1)
    ledger = client.get(reverse("ledger:ledger")).content.decode()
    assert "公开栏内容未更新" in ledger and "三会一课记录不全" in ledger
    assert "现场.jpg" in client.get(reverse("supervision:visit_detail", args=[v.pk])).content.decode()


def test_handing_down_twice_creates_nothing_new(personas, county):
    p = plan(county, personas.inspector)
    v = visit(p, county.village_a1, personas.inspector)
    with pytest.raises(ValidationError):
        services.visit_submit(visit=v, actor=personas.inspector)
    assert door.items_of_source(v, personas.admin).count() == 2


def test_a_visit_to_an_organisation_outside_the_targets_is_refused(client, personas, county):
    p = plan(county, personas.inspector)
    with pytest.raises(ValidationError) as exc:
        visit(p, county.village_b1, personas.inspector, submit=False)
    assert "该组织不在本次督查的对象之中。" in str(exc.value)
    client.force_login(personas.inspector)
    response = client.post(
        reverse("supervision:visit_create", args=[p.pk]),
        {
            "org": county.village_b1.pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "inspectors": "王明",
            "score_0": "5",
            "score_1": "5",
            "score_2": "5",
        },
    )
    assert response.status_code == 200 and "该组织不在本次督查的对象之中。" in response.content.decode()
    assert not Visit.objects.exists()


def test_scores_outside_zero_to_ten_and_findings_without_deadline_are_refused(personas, county):
    p = plan(county, personas.inspector)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(
            plan=p,
            org=county.village_a1,
            visited_at=timezone.now(),
            inspectors="王明",
            scores={"坐班在岗": 11, "台账规范": 5, "三会一课记录": 5},
            findings=["台账缺失"],
            deadline=None,
            actor=personas.inspector,
        )
    text = str(exc.value)
    assert "“坐班在岗”请按0到10分评分。" in text and "发现问题须规定不早于今天的整改时限。" in text
    assert not Visit.objects.exists()


def test_visits_are_recorded_only_while_the_inspection_is_under_way(personas, county):
    p = plan(county, personas.inspector, start=False)
    with pytest.raises(ValidationError) as exc:
        visit(p, county.village_a1, personas.inspector, submit=False)
    assert "督查实施期间才能记录走访。" in str(exc.value)


def test_a_plan_needs_a_team_of_two_and_targets_below_the_organising_body(personas, county):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            org=county.township_a,
            month=TODAY,
            theme="暗访",
            team="王明",
            checklist="坐班在岗",
            targets=[county.village_b1],
            actor=personas.admin,
        )
    text = str(exc.value)
    assert "督查组至少两人" in text and "B1村党支部" in text
    assert not InspectionPlan.objects.exists()


def test_a_sample_is_drawn_again_from_its_recorded_seed(personas, county):
    kwargs = dict(
        org=county.county,
        month=TODAY,
        theme="抽查",
        team="王明（组织部）\n李华（纪委）",
        checklist="坐班在岗",
        sample_within=county.county,
        sample_size=2,
        actor=personas.inspector,
    )
    first = services.plan_create(**kwargs)
    again = services.plan_create(**kwargs, seed=first.sample_seed)
    assert first.sample_seed and set(first.targets.all()) == set(again.targets.all())
    assert first.targets.count() == 2 and all(t.numchild == 0 for t in first.targets.all())


def test_a_village_secretary_may_not_plan_inspections(client, personas, county):
    client.force_login(personas.village_a1)
    assert client.get(reverse("supervision:plan_create")).status_code == 403


def test_visit_scores_feed_the_inspection_score_indicator(personas, county):
    p = plan(county, personas.inspector)
    visit(p, county.village_a1, personas.inspector, scores=(10, 10, 10))
    visit(p, county.village_a2, personas.inspector, scores=(5, 5, 5), findings=("台账不规范",))
    period = Period.month(TODAY.year, TODAY.month)
    scores = indicators.compute(
        "supervision.inspection_score", [county.township_a, county.township_b], period
    )
    assert scores == {county.township_a.pk: 75.0, county.township_b.pk: None}
    found = indicators.compute(
        "supervision.inspection_findings", [county.township_a, county.village_a2], period
    )
    assert found == {county.township_a.pk: 3, county.village_a2.pk: 1}


def test_an_inspection_with_visits_still_being_recorded_cannot_finish(personas, county):
    p = plan(county, personas.inspector)
    v = visit(p, county.village_a1, personas.inspector, submit=False)
    with pytest.raises(ValidationError) as exc:
        services.plan_close(plan=p, actor=personas.inspector)
    assert "还有走访记录的问题尚未交办。" in exc.value.messages
    services.visit_submit(visit=v, actor=personas.inspector)
    assert services.plan_close(plan=p, actor=personas.inspector).status == InspectionPlan.Status.CLOSED


def test_the_county_home_page_shows_findings_weak_organisations_and_venues(client, personas, county):
    p = plan(county, personas.inspector)
    visit(p, county.village_a1, personas.inspector)
    services.venue_save(
        org=county.village_a2, kind="none", plan="new_build", plan_deadline=TODAY, actor=personas.admin
    )
    client.force_login(personas.county_admin)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="supervision-home"' in body
    assert 'data-testid="home-findings">2<' in body and 'data-testid="home-zero">1<' in body
    assert "数据截至" in body  # the indicators may be a minute old: the block says as of when
    client.force_login(personas.village_a1)
    assert 'data-testid="supervision-home"' not in client.get(reverse("home")).content.decode()


def test_each_user_s_home_block_counts_their_own_subtree(client, personas, county):
    """The block's queries are kept per user, scope, root and month: a second user never gets the first's."""
    p = plan(county, personas.inspector)
    visit(p, county.village_a1, personas.inspector)
    services.venue_save(
        org=county.village_a2, kind="none", plan="new_build", plan_deadline=TODAY, actor=personas.admin
    )
    for user, findings, zero in (
        (personas.county_admin, 2, 1),
        (personas.township_b, 0, 0),
        (personas.township_a, 2, 1),
        (personas.township_b, 0, 0),
    ):
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert 'data-testid="supervision-home"' in body, user
        assert f'data-testid="home-findings">{findings}<' in body, user
        assert f'data-testid="home-zero">{zero}<' in body, user


@pytest.mark.parametrize("extra", [0, 30])
def test_the_dashboard_block_runs_a_fixed_number_of_queries(
    rf, personas, county, django_assert_num_queries, extra
):
    from dangjian.core import indicators as registry_indicators
    from dangjian.orgs.models import OrgKind
    from dangjian.orgs.tests.factories import make_org
    from dangjian.supervision import selectors

    for i in range(extra):
        make_org(
            county.county, f"中共Z{i}镇委员会", kind=OrgKind.TOWNSHIP_COMMITTEE, short_name=f"Z{i}镇党委"
        )
    services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.admin,
    )
    request = rf.get("/")
    request.user = personas.county_admin
    period = selectors.home_block(request)["period"]
    request.user = type(personas.county_admin).objects.get(pk=personas.county_admin.pk)
    # Each dashboard indicator costs its own fixed number of queries (the modules' own).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.supervision import params

    shown = params.split(params.DASHBOARD_INDICATORS.key)
    with CaptureQueriesContext(connection) as per_indicator:
        for key in shown:
            registry_indicators.compute(key, [county.county], period)
    from django.core.cache import cache

    from dangjian.core import params as core_params

    cache.clear()  # the figures the first call computed (they may be reused for a minute)
    core_params.get(params.DASHBOARD_INDICATORS.key)  # parameters are cached per process
    with django_assert_num_queries(DASHBOARD_QUERIES + len(per_indicator)):
        block = selectors.home_block(request)
    assert block["root"] == county.county and len(block["ranking"].rows) == 2 + extra
    assert [indicator.key for indicator, _value in block["figures"]] == shown
    # Within the minute the figures (the dashboard's and the ranking's) are not computed again, and the
    # block says as of when they were.
    request.user = type(personas.county_admin).objects.get(pk=personas.county_admin.pk)
    with django_assert_num_queries(DASHBOARD_QUERIES - 2):  # neither the ranking's figure nor its record read
        again = selectors.home_block(request)
    assert again["figures"] == block["figures"] and again["as_of"] == block["as_of"] is not None
    assert [r.score for r in again["ranking"].rows] == [r.score for r in block["ranking"].rows]


def test_the_dashboard_shows_the_indicators_the_parameter_names(rf, client, personas, county):
    from dangjian.core import params as core_params
    from dangjian.supervision import selectors

    core_params.set_value(
        "supervision.dashboard_indicators", "supervision.weak_orgs,no.such,ledger.open_items"
    )
    request = rf.get("/")
    request.user = personas.county_admin
    block = selectors.home_block(request)
    assert [indicator.key for indicator, _value in block["figures"]] == [
        "supervision.weak_orgs",
        "ledger.open_items",
    ]
    client.force_login(personas.county_admin)
    body = client.get(reverse("home")).content.decode()
    assert f"key=supervision.weak_orgs&org={county.county.pk}" in body
    assert f"key=supervision.inspection_score&org={county.county.pk}" not in body


# Grants, roots, the ranking set and the children (4); the set's one indicator for the month, its record read
# first (2: the block shows no moves, so not the month before); findings, weak organisations and venues (3);
# then whatever the dashboard's indicators cost for the root (measured above, each with its record's read).
DASHBOARD_QUERIES = 9
