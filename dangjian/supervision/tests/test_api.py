"""The read-only API: the same scope as the pages — another organisation's records are never listed."""

from __future__ import annotations

import pytest

from dangjian.supervision import services
from dangjian.supervision.models import Briefing

from .helpers import TODAY, plan, visit

pytestmark = pytest.mark.django_db


def _rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_an_unannounced_plan_is_listed_to_the_inspectors_never_to_its_targets(client, personas, county):
    p = plan(county, personas.admin, theme="县委暗访接口")
    other = plan(
        county, personas.admin, org=county.township_b, targets=[county.village_b1], theme="B镇暗访接口"
    )
    client.force_login(personas.inspector)
    assert {r["theme"] for r in _rows(client, "/api/supervision/inspections/")} == {
        "县委暗访接口",
        "B镇暗访接口",
    }
    for persona in ("township_a", "village_a1"):
        client.force_login(getattr(personas, persona))
        assert _rows(client, "/api/supervision/inspections/") == []
        assert client.get(f"/api/supervision/inspections/{p.pk}/").status_code == 404
    client.force_login(personas.township_a)
    assert client.get(f"/api/supervision/inspections/{other.pk}/").status_code == 404


def test_a_visit_reaches_the_visited_organisation_only_once_handed_down(client, personas, county):
    p = plan(county, personas.admin, targets=[county.village_a1, county.village_a2, county.village_b1])
    handed = visit(p, county.village_a1, personas.admin, findings=("公开栏未更新",))
    draft = visit(p, county.village_a2, personas.admin, findings=("台账缺页",), submit=False)
    elsewhere = visit(p, county.village_b1, personas.admin, findings=("党旗破损",))
    client.force_login(personas.village_a1)
    assert [r["id"] for r in _rows(client, "/api/supervision/visits/")] == [handed.pk]
    client.force_login(personas.township_a)
    seen = {r["id"] for r in _rows(client, "/api/supervision/visits/")}
    assert handed.pk in seen and draft.pk not in seen and elsewhere.pk not in seen
    assert client.get(f"/api/supervision/visits/{elsewhere.pk}/").status_code == 404
    client.force_login(personas.inspector)
    assert {handed.pk, draft.pk, elsewhere.pk} <= {r["id"] for r in _rows(client, "/api/supervision/visits/")}


def test_drafts_are_listed_only_to_their_office_issued_briefings_to_the_organisations_named(
    client, personas, county
):
    county_draft = services.briefing_create(
        org=county.county, month=TODAY, title="县通报草稿", summary="概况", actor=personas.county_admin
    )
    b_reviewed = services.briefing_create(
        org=county.township_b, month=TODAY, title="B镇通报", summary="概况", actor=personas.admin
    )
    services.briefing_review(briefing=b_reviewed, actor=personas.county_admin)
    a_draft = services.briefing_create(
        org=county.township_a, month=TODAY, title="A镇通报草稿", summary="概况", actor=personas.admin
    )
    client.force_login(personas.township_a)
    assert [r["title"] for r in _rows(client, "/api/supervision/briefings/")] == ["A镇通报草稿"]
    assert client.get(f"/api/supervision/briefings/{county_draft.pk}/").status_code == 404
    assert client.get(f"/api/supervision/briefings/{b_reviewed.pk}/").status_code == 404
    services.briefing_review(briefing=county_draft, actor=personas.admin)
    services.briefing_publish(briefing=county_draft, actor=personas.admin)
    titles = {r["title"] for r in _rows(client, "/api/supervision/briefings/")}
    assert titles == {"县通报草稿", "A镇通报草稿"}
    issued = client.get(f"/api/supervision/briefings/{county_draft.pk}/").json()
    assert issued["status"] == Briefing.Status.PUBLISHED and issued["number"] and issued["snapshot"]
    client.force_login(personas.village_a1)
    assert _rows(client, "/api/supervision/briefings/") == []
    client.force_login(personas.county_admin)
    assert {r["id"] for r in _rows(client, "/api/supervision/briefings/")} == {
        county_draft.pk,
        b_reviewed.pk,
        a_draft.pk,
    }


def test_ranking_results_are_computed_only_where_the_whole_subtree_is_seen(client, personas, county):
    mine = services.ranking_set_save(
        org=county.township_a,
        name="A镇村级考评",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.admin,
    )
    theirs = services.ranking_set_save(
        org=county.township_b,
        name="B镇村级考评",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.admin,
    )
    county_set = services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.admin,
    )
    client.force_login(personas.township_a)
    assert [r["name"] for r in _rows(client, "/api/supervision/rankings/")] == ["A镇村级考评"]
    body = client.get(f"/api/supervision/rankings/{mine.pk}/results/?month={TODAY:%Y-%m}").json()
    assert body["org"] == county.township_a.pk and body["month"] == f"{TODAY:%Y-%m}"
    assert sorted(r["org_name"] for r in body["rows"]) == sorted(
        [county.village_a1.name, county.village_a2.name]
    )
    assert all(r["rank"] == 1 and r["score"] == 100.0 for r in body["rows"])  # no open items: a tie
    url = f"/api/supervision/rankings/{mine.pk}/results/"
    assert client.get(f"{url}?org={county.township_b.pk}").status_code == 404
    assert client.get(f"{url}?org={county.county.pk}").status_code == 404
    assert client.get(f"/api/supervision/rankings/{theirs.pk}/results/").status_code == 404
    assert client.get(f"/api/supervision/rankings/{county_set.pk}/results/").status_code == 404
    client.force_login(personas.county_admin)
    body = client.get(f"/api/supervision/rankings/{county_set.pk}/results/").json()
    assert {r["org"] for r in body["rows"]} == {county.township_a.pk, county.township_b.pk}


def test_ratings_of_another_township_are_not_listed(client, personas, county):
    mine = services.rating_self_assess(
        org=county.village_a1, year=TODAY.year - 1, self_score=88, actor=personas.admin
    )
    theirs = services.rating_self_assess(
        org=county.village_b1, year=TODAY.year - 1, self_score=77, actor=personas.admin
    )
    client.force_login(personas.township_a)
    assert [r["id"] for r in _rows(client, "/api/supervision/ratings/")] == [mine.pk]
    assert client.get(f"/api/supervision/ratings/{theirs.pk}/").status_code == 404
    client.force_login(personas.county_admin)
    assert {r["id"] for r in _rows(client, "/api/supervision/ratings/")} == {mine.pk, theirs.pk}


def test_the_api_is_read_only(client, personas, county):
    client.force_login(personas.admin)
    assert client.post("/api/supervision/briefings/", {}, content_type="application/json").status_code == 405
