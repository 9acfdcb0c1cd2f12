"""The village API: scoped like the pages, the same services and the same Chinese refusals."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from dangjian.village import services
from dangjian.village.models import Decision, Leave

from .builders import build_cadres

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_decision_step_is_recorded_and_refused_with_the_same_message(api, personas, county):
    decision = services.decision_create(
        org=county.village_a1,
        title="修建文化广场",
        category="project",
        amount=50000,
        actor=personas.village_a1,
    )
    api.force_authenticate(personas.village_a1)
    url = f"/api/village/decisions/{decision.pk}/step/"
    refused = api.post(url, {"step": 2, "held_on": "2026-11-01"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"detail": ["各环节须按顺序登记：下一环节是“党支部提议”，不是“两委商议”。"]}
    ok = api.post(url, {"step": 1, "held_on": "2026-11-01"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == Decision.Status.PROPOSED
    assert [s["step"] for s in ok.json()["steps"]] == [1]


def test_leave_is_approved_through_the_api_by_the_township_and_hidden_from_another(api, personas, county):
    cadres = build_cadres(county, personas)
    leave = services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 2),
        reason="体检",
        actor=personas.village_a1,
    )
    api.force_authenticate(personas.township_b)
    assert api.get(f"/api/village/leave/{leave.pk}/").status_code == 404
    api.force_authenticate(personas.township_a)
    moves = api.get(f"/api/village/leave/{leave.pk}/transition/").json()
    assert [m["to"] for m in moves["moves"]] == ["approved", "refused"]
    response = api.post(
        f"/api/village/leave/{leave.pk}/transition/",
        {"to": "approved", "version": leave.version},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == Leave.Status.APPROVED


def test_grid_matters_and_reports_name_their_category_and_kind(api, personas, county):
    from .builders import grid_category, report_kind

    cadres = build_cadres(county, personas)
    grid = services.grid_create(
        org=county.village_a1, name="一网格", area="", members=[], actor=personas.admin
    )
    services.matter_register(
        grid=grid,
        actor=personas.village_a1,
        title="路灯不亮",
        source="patrol",
        category=grid_category("公共设施"),
    )
    services.report_file(
        post=cadres.director_a1,
        kind=report_kind("婚丧嫁娶"),
        occurs_on=date(2026, 12, 20),
        description="女儿出嫁",
        actor=personas.village_a1,
        today=date(2026, 11, 20),
    )
    api.force_authenticate(personas.township_a)
    matter = api.get("/api/village/grid-matters/").json()["results"][0]
    assert (matter["category"], matter["category_name"]) == (grid_category("公共设施").pk, "公共设施")
    report = api.get("/api/village/reports/").json()["results"][0]
    assert report["kind_label"] == "婚丧嫁娶"


def test_a_grid_matter_is_routed_through_the_api_within_scope_only(api, personas, county):
    from dangjian.village.models import GridHop, GridMatter

    from .builders import grid_category

    grid = services.grid_create(
        org=county.village_a1, name="一网格", area="", members=[], actor=personas.admin
    )
    matter = services.matter_register(
        grid=grid,
        actor=personas.village_a1,
        title="路灯不亮",
        source="patrol",
        category=grid_category("公共设施"),
    )
    url = f"/api/village/grid-matters/{matter.pk}/route/"
    api.force_authenticate(personas.village_a1)
    for to_org in (county.township_b.pk, 999_999):  # another township's, and none at all: the same words
        refused = api.post(
            url, {"to_org": to_org, "reason": "转办", "version": matter.version}, format="json"
        )
        assert refused.status_code == 400
        assert refused.json() == {"detail": ["只能将事项流转至您管辖范围内的组织。"]}
    assert not GridHop.objects.exists()
    ok = api.post(
        url,
        {"to_org": county.township_a.pk, "reason": "需镇里协调", "version": matter.version},
        format="json",
    )
    assert ok.status_code == 200
    assert (
        ok.json()["status"] == GridMatter.Status.ROUTED and ok.json()["handler_org"] == county.township_a.pk
    )
    hop = GridHop.objects.get()
    assert (hop.to_org, hop.reason, hop.actor) == (county.township_a, "需镇里协调", personas.village_a1)
    api.force_authenticate(personas.township_b)
    assert api.post(url, {"to_org": county.township_b.pk, "reason": "x"}, format="json").status_code == 404


def test_work_files_and_first_secretaries_are_records_of_the_api_in_scope(api, personas, county):
    cadres = build_cadres(county, personas)
    services.work_file_save(
        post=cadres.director_a1,
        year=2026,
        targets="修通组道",
        grade="excellent",
        remuneration="36000.00",
        remuneration_paid_on=date(2026, 11, 10),
        actor=personas.township_a,
        today=date(2026, 11, 20),
    )
    services.posting_create(
        post=cadres.first_secretary_a1,
        sending_unit="县财政局",
        started_on=date(2026, 3, 1),
        ends_on=None,
        actor=personas.county_admin,
    )
    api.force_authenticate(personas.township_a)
    work_file = api.get("/api/village/work-files/").json()["results"][0]
    assert (work_file["person_name"], work_file["grade_label"], work_file["remuneration"]) == (
        cadres.director_a1.person.name,
        "优秀",
        "36000.00",
    )
    posting = api.get("/api/village/first-secretaries/").json()["results"][0]
    assert (posting["sending_unit"], posting["started_on"]) == ("县财政局", "2026-03-01")
    api.force_authenticate(personas.township_b)
    assert api.get("/api/village/work-files/").json()["results"] == []
    assert api.get(f"/api/village/work-files/{work_file['id']}/").status_code == 404
    assert api.get(f"/api/village/first-secretaries/{posting['id']}/").status_code == 404
