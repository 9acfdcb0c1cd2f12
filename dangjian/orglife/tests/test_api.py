"""The API: scoped lists and the report's moves through the same services (and the same Chinese refusals)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .. import services
from ..models import MonthlyReport
from .factories import held, staff_branch

pytestmark = pytest.mark.django_db
LAST_MONTH = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_meetings_and_attendance_are_scoped(client, county, personas):
    held(
        county.village_a1, personas.county_admin, people=staff_branch(county.village_a1), topic="甲村接口会议"
    )
    held(
        county.village_b1,
        personas.county_admin,
        people=staff_branch(county.village_b1, prefix="乙"),
        topic="乙村接口会议",
    )
    client.force_login(personas.township_a)
    body = client.get("/api/orglife/meetings/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["topic"] for r in rows] == ["甲村接口会议"]
    attendance = client.get("/api/orglife/attendance/").json()
    names = [
        r["person_name"] for r in (attendance["results"] if isinstance(attendance, dict) else attendance)
    ]
    assert len(names) == 5 and not any(n.startswith("乙") for n in names)


def test_the_report_moves_through_the_api(client, county, personas):
    report = services.report_compile(org=county.village_a1, month=LAST_MONTH, actor=personas.village_a1)
    client.force_login(personas.village_a1)
    url = f"/api/orglife/reports/{report.pk}/move/"
    assert [m["to"] for m in client.get(url).json()["moves"]] == ["submitted"]
    assert client.post(url, {"to": "submitted", "note": "接口报送"}).json()["status"] == "submitted"
    again = client.post(url, {"to": "submitted"})
    assert again.status_code == 400 and "不能重复报送" in again.content.decode()
    client.force_login(personas.township_a)
    response = client.post(url, {"to": "returned", "note": ""})
    assert response.status_code == 400 and MonthlyReport.objects.get().status == "submitted"
    assert client.post(url, {"to": "approved"}).json()["status"] == "approved"
    client.force_login(personas.township_b)
    assert client.get(url).status_code == 404
