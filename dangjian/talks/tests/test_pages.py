"""The interview page (约谈) reached from the escalation list, and a talk record's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.ledger.tests.test_pages import TODAY, build_world
from dangjian.talks.models import TalkRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, county):
    return build_world(personas, county)


def form(**extra):
    data = {
        "held_on": TODAY.isoformat(),
        "talker": "A镇书记",
        "talkee": "A1村书记",
        "place": "镇会议室",
        "content": "逾期未整改，要求限期完成",
        "commitments": "两周内完成",
    }
    data.update(extra)
    return data


def test_anonymous_visitors_are_sent_to_login(client, world):
    assert client.get(reverse("talks:interview_create", args=[world.item_a1.pk])).status_code == 302


def test_the_township_records_an_interview_over_an_item(client, personas, world):
    client.force_login(personas.township_a)
    response = client.post(reverse("talks:interview_create", args=[world.item_a1.pk]), form())
    talk = TalkRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "talks:talk_detail", args=[talk.pk]
    )
    assert talk.kind == "interview" and talk.item == world.item_a1 and talk.org == world.item_a1.org
    body = client.get(response["Location"]).content.decode()
    assert "逾期未整改，要求限期完成" in body
    item_page = client.get(reverse("ledger:item_detail", args=[world.item_a1.pk])).content.decode()
    assert "A1村书记" in item_page


def test_the_interview_record_prints_with_room_for_signatures_and_the_seal(client, personas, world):
    """Issue #8 point 9: a 约谈 record prints like the item and the ledger (the print stylesheet shows the block)."""
    client.force_login(personas.township_a)
    client.post(reverse("talks:interview_create", args=[world.item_a1.pk]), form())
    talk = TalkRecord.objects.get()
    body = client.get(reverse("talks:talk_detail", args=[talk.pk])).content.decode()
    block = body.split('data-testid="talk-signatures"', 1)[1].split("</div></div>", 1)[0]
    assert 'class="signature-block"' in body
    assert "谈话人（签字）" in block and "谈话对象（签字）" in block and "单位（盖章）" in block


def test_an_interview_dated_in_the_future_is_refused(client, personas, world):
    from datetime import timedelta

    client.force_login(personas.township_a)
    response = client.post(
        reverse("talks:interview_create", args=[world.item_a1.pk]),
        form(held_on=(TODAY + timedelta(days=3)).isoformat()),
    )
    assert response.status_code == 200 and "谈话日期不能晚于今天。" in response.content.decode()
    assert not TalkRecord.objects.exists()


def test_an_item_outside_my_subtree_is_not_found(client, personas, world):
    client.force_login(personas.township_b)
    assert client.get(reverse("talks:interview_create", args=[world.item_a1.pk])).status_code == 404
    assert client.post(reverse("talks:interview_create", args=[world.item_a1.pk]), form()).status_code == 404
    assert not TalkRecord.objects.exists()


def test_a_village_secretary_may_not_record_interviews(client, personas, world):
    client.force_login(personas.village_a1)
    assert client.get(reverse("talks:interview_create", args=[world.item_a1.pk])).status_code == 403


def test_a_talk_record_of_another_subtree_is_not_found(client, personas, world):
    client.force_login(personas.township_a)
    client.post(reverse("talks:interview_create", args=[world.item_a1.pk]), form())
    talk = TalkRecord.objects.get()
    client.force_login(personas.township_b)
    assert client.get(reverse("talks:talk_detail", args=[talk.pk])).status_code == 404


def test_the_item_page_lists_the_talks_held_over_it_read_afresh_on_each_visit(client, personas, world):
    """The talks panel the talks module adds to an item's page (its query is compiled once per user and scope,
    its rows read on every visit)."""
    client.force_login(personas.township_a)

    def panel(item) -> str:
        page = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
        return (
            page.split('data-testid="talks-list"', 1)[1].split("</div>", 1)[0] if "talks-list" in page else ""
        )

    assert panel(world.item_a1) == ""  # no talk yet: no panel
    client.post(reverse("talks:interview_create", args=[world.item_a1.pk]), form())
    first = TalkRecord.objects.get()
    assert reverse("talks:talk_detail", args=[first.pk]) in panel(world.item_a1)
    client.post(reverse("talks:interview_create", args=[world.item_a1.pk]), form(place="村委会"))
    second = TalkRecord.objects.exclude(pk=first.pk).get()
    shown = panel(world.item_a1)
    assert shown.count("<a ") == 2 and reverse("talks:talk_detail", args=[second.pk]) in shown
    assert panel(world.item_a2) == ""  # another item of the same list: not its talks
    # Asked on every item page: the second time nothing is compiled, the rows are read.
    from django.test import RequestFactory

    from dangjian.core.tests.spies import compiled_tables
    from dangjian.talks.views import item_panel

    request = RequestFactory().get("/")
    request.user = personas.township_a
    item_panel(request, world.item_a1)
    with compiled_tables() as compiled:
        assert {t.pk for t in item_panel(request, world.item_a1)["talks"]} == {first.pk, second.pk}
        assert item_panel(request, world.item_a2) is None
    assert compiled == []
