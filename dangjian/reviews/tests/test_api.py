"""The API: sessions and results scoped as on the pages; ballots by credential code, same refusals."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from dangjian.reviews import services
from dangjian.reviews.models import Ballot

from .builders import codes, live, prepared
from .test_pages import closed

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_sessions_are_listed_as_the_pages_scope_them(api, county, personas):
    county_session = prepared(county, personas.county_admin)
    own = prepared(county, personas.township_b, org=county.township_b, reporters=[county.village_b1])
    api.force_authenticate(personas.township_a)
    ids = {row["id"] for row in api.get("/api/review-sessions/").json()["results"]}
    assert ids == {county_session.pk}
    assert api.get(f"/api/review-sessions/{own.pk}/").status_code == 404


def test_results_show_only_the_reporters_i_may_see(api, county, personas):
    session = closed(county, personas.county_admin)
    api.force_authenticate(personas.county_admin)
    rows = api.get(f"/api/review-sessions/{session.pk}/results/").json()
    assert [r["rank"] for r in rows] == [1, 2] and rows[0]["org_name"] == "中共A镇委员会"
    api.force_authenticate(personas.township_b)
    rows = api.get(f"/api/review-sessions/{session.pk}/results/").json()
    assert [r["org_name"] for r in rows] == ["中共B镇委员会"]


def test_a_ballot_by_code_is_accepted_once(api, county, personas):
    session = live(county, personas.county_admin)
    reporter = session.reporters.order_by("position").first()
    services.scoring_open(reporter=reporter, actor=personas.county_admin)
    ballot = {"code": codes(session, "党代表")[0], "reporter": reporter.pk, "grade": "good"}
    response = api.post("/api/review-ballots/", ballot, format="json")
    assert response.status_code == 201 and response.json() == {"accepted": True}
    response = api.post("/api/review-ballots/", {**ballot, "grade": "poor"}, format="json")
    assert response.status_code == 400 and "每位测评人对每位述职人只能投一票" in response.json()["detail"][0]
    assert list(Ballot.objects.values_list("grade", flat=True)) == ["good"]


def test_a_ballot_with_an_unknown_code_or_grade_is_refused(api, county, personas):
    session = live(county, personas.county_admin)
    reporter = session.reporters.order_by("position").first()
    services.scoring_open(reporter=reporter, actor=personas.county_admin)
    response = api.post(
        "/api/review-ballots/", {"code": "NOPE", "reporter": reporter.pk, "grade": "good"}, format="json"
    )
    assert response.status_code == 400 and "不是有效的测评凭证" in response.json()["detail"][0]
    code = codes(session, "党代表")[0]
    response = api.post(
        "/api/review-ballots/", {"code": code, "reporter": reporter.pk, "grade": "best"}, format="json"
    )
    assert response.status_code == 400 and "请选择测评表上的一个等次" in response.json()["detail"][0]
    assert not Ballot.objects.exists()
