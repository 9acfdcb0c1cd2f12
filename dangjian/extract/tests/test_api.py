"""The API: post a text, get the draft list as JSON; the history per organisation, scoped."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.extract import services
from dangjian.extract.models import Extraction

pytestmark = pytest.mark.django_db

TEXT = "一是各乡镇要对照问题清单逐项整改，年底前完成。\n二是A1村党支部要尽快补齐活动阵地短板。"
API_LIST_QUERIES = 4


def post(client, **extra):
    data = {"org": None, "title": "推进会讲话", "spoken_on": timezone.localdate().isoformat(), "text": TEXT}
    data.update(extra)
    return client.post("/api/extractions/", data, content_type="application/json")


def test_a_posted_text_comes_back_as_the_draft_list(client, personas, county):
    client.force_login(personas.county_admin)
    response = post(client, org=county.county.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert [d["kind"] for d in body["drafts"]] == ["task", "task"]
    first, second = body["drafts"]
    assert {o["name"] for o in first["orgs"]} == {"A镇党委", "B镇党委"}
    assert first["deadline"].endswith("-12-31") and first["units"] == "各乡镇"
    assert second["deadline_vague"] and second["deadline_words"] == "尽快"
    assert TEXT[first["start"] : first["end"]] == first["quote"]


def test_traditional_characters_give_the_same_draft_list_with_the_original_quotes(client, personas, county):
    client.force_login(personas.county_admin)
    traditional = "一是各鄉鎮要對照問題清單逐項整改，年底前完成。\n二是A1村黨支部要儘快補齊活動陣地短板。"
    plain = post(client, org=county.county.pk).json()["drafts"]
    drafts = post(client, org=county.county.pk, text=traditional).json()["drafts"]

    def same(d):
        return (d["kind"], d["title"], [o["id"] for o in d["orgs"]], d["deadline"], d["start"], d["end"])

    assert [same(d) for d in drafts] == [same(d) for d in plain]
    assert [d["quote"] for d in drafts] == [traditional[d["start"] : d["end"]] for d in drafts]
    assert "鄉鎮" in drafts[0]["quote"]


def test_a_text_without_tasks_is_refused_with_the_pages_message(client, personas, county):
    client.force_login(personas.county_admin)
    response = post(client, org=county.county.pk, text="全县基层党建工作取得了明显成效。")
    assert response.status_code == 400
    assert "未识别到任务，请检查文本或手动添加。" in response.content.decode()
    assert not Extraction.objects.exists()


def test_an_organisation_outside_my_scope_cannot_be_named(client, personas, county):
    client.force_login(personas.township_a)
    response = post(client, org=county.township_b.pk)
    assert response.status_code == 400 and not Extraction.objects.exists()


def test_the_history_is_scoped_and_filtered_by_organisation(client, personas, county):
    for org, actor in ((county.township_a, personas.township_a), (county.township_b, personas.township_b)):
        services.extraction_create(
            actor=actor, org=org, title="讲话", spoken_on=timezone.localdate(), text=TEXT
        )
    client.force_login(personas.township_a)
    assert [e["org_name"] for e in client.get("/api/extractions/").json()["results"]] == ["A镇党委"]
    client.force_login(personas.county_admin)
    rows = client.get(f"/api/extractions/?org={county.township_b.pk}").json()["results"]
    assert [e["org_name"] for e in rows] == ["B镇党委"]
    detail = client.get(f"/api/extractions/{rows[0]['id']}/").json()
    assert len(detail["drafts"]) == 2


@pytest.mark.parametrize("rows", [3, 30])
def test_the_history_runs_a_fixed_number_of_queries(
    client, personas, county, django_assert_num_queries, rows
):
    for _ in range(rows):
        services.extraction_create(
            actor=personas.county_admin,
            org=county.county,
            title="讲话",
            spoken_on=timezone.localdate(),
            text=TEXT,
        )
    client.force_login(personas.county_admin)
    client.get("/api/extractions/")
    with django_assert_num_queries(API_LIST_QUERIES):
        assert len(client.get("/api/extractions/").json()["results"]) == rows
