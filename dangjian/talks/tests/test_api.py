"""The talks API applies the pages' rules: who reads which talk, internal notes, closing with the same refusals."""

from __future__ import annotations

import pytest

from dangjian.ledger.models import Item
from dangjian.talks import services

from .builders import build_talks, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks(county, personas):
    return build_talks(county, personas)


def test_the_talkee_reads_their_talk_without_internal_notes(client, personas, talks):
    talk = plan(talks, personas, internal_notes="群众反映较多")
    other = plan(talks, personas, person=talks.sec_a2)
    client.force_login(personas.village_a1)
    listed = client.get("/api/talks/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [talk.pk]
    own = client.get(f"/api/talks/{talk.pk}/").json()
    assert own["internal_notes"] is None and own["talkee"] == "赵一"
    assert client.get(f"/api/talks/{other.pk}/").status_code == 404
    client.force_login(personas.township_a)
    assert client.get(f"/api/talks/{talk.pk}/").json()["internal_notes"] == "群众反映较多"


def test_closing_through_the_api_refuses_what_the_page_refuses_and_hands_over_once(client, personas, talks):
    talk = plan(talks, personas)
    services.commitment_add(
        talk=talk,
        actor=personas.township_a,
        text="承诺",
        deadline=talk.held_on.replace(year=talk.held_on.year + 1),
    )
    client.force_login(personas.township_a)
    url = f"/api/talks/{talk.pk}/close/"
    refused = client.post(url, {"version": talk.version, "content": " "}, content_type="application/json")
    assert refused.status_code == 400 and "结束谈话前请填写谈话记录。" in refused.content.decode()
    done = client.post(url, {"version": talk.version, "content": "谈话内容"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "closed" and len(done.json()["items"]) == 1
    again = client.post(
        url, {"version": talk.version + 1, "content": "再次"}, content_type="application/json"
    )
    assert again.status_code == 400
    assert Item.objects.filter(source_id=talk.pk, source_type__model="talkrecord").count() == 1
    client.force_login(personas.village_a1)
    assert (
        client.post(url, {"version": 2, "content": "x"}, content_type="application/json").status_code == 403
    )


def test_the_coverage_route_lists_every_target(client, personas, talks):
    client.force_login(personas.township_a)
    rows = client.get(f"/api/talk-campaigns/{talks.campaign.pk}/coverage/").json()
    assert [(r["name"], r["talked"]) for r in rows] == [("赵一", False), ("钱二", False)]
    client.force_login(personas.township_b)
    assert client.get(f"/api/talk-campaigns/{talks.campaign.pk}/coverage/").status_code == 404
