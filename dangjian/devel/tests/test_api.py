"""The API: files scoped like the pages, the next step recorded under the same rules and messages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.devel.models import DevelopmentFile, FileStatus

from .helpers import bare_files, open_file

pytestmark = pytest.mark.django_db


def test_files_are_scoped_and_show_the_masked_id_and_due_date(client, county, personas):
    mine = bare_files(county.village_a1, 1)[0]
    other = bare_files(county.village_b1, 1, prefix="乙镇")[0]
    client.force_login(personas.township_a)
    rows = client.get(reverse("api-devel-file-list")).json()
    rows = rows.get("results", rows)
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["id_masked"] == mine.person.id_masked and rows[0]["due"]["overdue"] is True
    assert client.get(reverse("api-devel-file-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("api-devel-file-step", args=[other.pk])).status_code == 404


def test_a_step_is_refused_with_the_rule_and_recorded_when_it_keeps_it(client, county, personas):
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=60)
    )
    client.force_login(personas.village_a1)
    url = reverse("api-devel-file-step", args=[file.pk])
    assert client.get(url).json() == {
        "version": 0,
        "next_step": 2,
        "label": "党组织派人谈话",
        "allowed": True,
    }
    late = {"number": 2, "done_on": timezone.localdate().isoformat(), "people": "书记", "version": 0}
    response = client.post(url, json.dumps(late), content_type="application/json")
    assert response.status_code == 400
    assert "1个月内应派人谈话" in json.dumps(response.json(), ensure_ascii=False)
    assert DevelopmentFile.objects.get(pk=file.pk).status == FileStatus.S01
    on_time = {**late, "done_on": (file.applied_on + timedelta(days=10)).isoformat()}
    response = client.post(url, json.dumps(on_time), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "s02" and response.json()["next_step"] == 3
    out_of_order = {**on_time, "number": 4, "version": 1}
    response = client.post(url, json.dumps(out_of_order), content_type="application/json")
    assert "须按步骤顺序进行" in json.dumps(response.json(), ensure_ascii=False)
