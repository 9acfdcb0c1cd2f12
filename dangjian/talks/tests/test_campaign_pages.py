"""The campaign and talk pages: a township's political talks from the campaign to the village's new list."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import Attachment
from dangjian.ledger.models import Item
from dangjian.ledger.tests.builders import handed_item
from dangjian.talks.models import TalkCampaign, TalkRecord

from .builders import TODAY, build_talks, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks(county, personas):
    return build_talks(county, personas)


def test_the_township_runs_a_talk_from_campaign_to_the_villages_new_list(client, county, personas):
    talks = build_talks(county, personas)
    existing = handed_item(county, personas)
    client.force_login(personas.township_a)
    response = client.post(
        reverse("talks:campaign_talk_plan", args=[talks.campaign.pk]),
        {
            "held_on": TODAY.isoformat(),
            "talker": "镇党委书记",
            "talkees": [talks.sec_a1.pk],
            "place": "镇会议室",
        },
    )
    talk = TalkRecord.objects.get()
    assert response["Location"] == reverse("talks:talk_detail", args=[talk.pk])
    problem = reverse("talks:problem_add", args=[talk.pk])
    client.post(problem, {"item": existing.pk, "source": "patrol"})
    client.post(
        problem,
        {
            "source": "special",
            "title": "发展党员程序不规范",
            "deadline": (TODAY + timedelta(days=30)).isoformat(),
        },
    )
    client.post(
        reverse("talks:commitment_add", args=[talk.pk]),
        {"text": "年底前完成整改", "deadline": (TODAY + timedelta(days=31)).isoformat()},
    )
    client.post(reverse("talks:comment_add", args=[talk.pk]), {"leader": "镇长", "text": "认识到位"})
    page = client.get(reverse("talks:talk_detail", args=[talk.pk])).content.decode()
    assert "发展党员程序不规范" in page and "年底前完成整改" in page and "认识到位" in page
    response = client.post(
        reverse("talks:talk_close", args=[talk.pk]),
        {"version": talk.version, "content": "听取汇报，通报问题", "statement": "坚决整改"},
    )
    assert response.status_code == 302
    # Pressing "close" again changes nothing.
    again = client.post(reverse("talks:talk_close", args=[talk.pk]), {"version": 1, "content": "再来一次"})
    assert again.status_code == 200 and "谈话已结束" in again.content.decode()
    assert Item.objects.filter(source="talk").count() == 2
    client.force_login(personas.village_a1)
    ledger = client.get(reverse("ledger:ledger")).content.decode()
    assert "发展党员程序不规范" in ledger and "年底前完成整改" in ledger
    # The talkee reads their own talk, without the internal notes.
    own = client.get(reverse("talks:talk_detail", args=[talk.pk]))
    assert own.status_code == 200 and "听取汇报，通报问题" in own.content.decode()


def test_a_talk_dated_outside_the_window_is_refused_on_the_form(client, personas, talks):
    client.force_login(personas.township_a)
    response = client.post(
        reverse("talks:campaign_talk_plan", args=[talks.campaign.pk]),
        {
            "held_on": (TODAY + timedelta(days=40)).isoformat(),
            "talker": "镇党委书记",
            "talkees": [talks.sec_a1.pk],
        },
    )
    assert response.status_code == 200 and "谈话日期须在谈话计划的时间窗口内" in response.content.decode()
    assert not TalkRecord.objects.exists()


def test_the_talkee_uploads_report_materials_and_never_sees_internal_notes(client, personas, talks):
    talk = plan(talks, personas, internal_notes="该同志群众反映较多")
    client.force_login(personas.village_a1)
    page = client.get(reverse("talks:talk_detail", args=[talk.pk])).content.decode()
    assert "该同志群众反映较多" not in page
    upload = io.BytesIO(b"%PDF-1.4 report")
    upload.name = "述职汇报.pdf"
    response = client.post(reverse("talks:report_upload", args=[talk.pk]), {"files": upload})
    assert response.status_code == 302
    assert list(Attachment.objects.values_list("name", "purpose")) == [("述职汇报.pdf", "report")]
    # The talkee cannot add problems to their own talk.
    assert client.post(reverse("talks:problem_add", args=[talk.pk]), {"source": "daily"}).status_code == 403
    client.force_login(personas.township_a)
    assert "该同志群众反映较多" in client.get(reverse("talks:talk_detail", args=[talk.pk])).content.decode()


def test_another_secretary_gets_not_found_for_the_talk(client, personas, talks):
    talk = plan(talks, personas, person=talks.sec_a2)
    client.force_login(personas.village_a1)
    assert client.get(reverse("talks:talk_detail", args=[talk.pk])).status_code == 404
    assert client.get(reverse("talks:talk_document", args=[talk.pk])).status_code == 404


def test_every_view_of_a_talk_record_is_audited(client, personas, talks):
    from auditlog.models import LogEntry

    talk = plan(talks, personas)
    client.force_login(personas.township_a)
    before = LogEntry.objects.count()
    client.get(reverse("talks:talk_detail", args=[talk.pk]))
    client.get(reverse("talks:talk_document", args=[talk.pk]))
    assert LogEntry.objects.count() == before + 2


def test_the_campaign_page_shows_coverage_by_organisation(client, personas, talks):
    talk = plan(talks, personas)
    from dangjian.talks import services

    services.talk_close(talk=talk, actor=personas.township_a, content="谈话")
    client.force_login(personas.township_a)
    response = client.get(reverse("talks:campaign_detail", args=[talks.campaign.pk]))
    body = response.content.decode()
    assert '<span data-testid="coverage">1 / 2</span>' in body
    assert body.count('data-talked="1"') == 1 and body.count('data-talked="0"') == 1


def test_the_campaign_export_lists_each_talkee_with_their_state(client, personas, talks):
    talk = plan(talks, personas)
    from dangjian.talks import services

    services.commitment_add(
        talk=talk, actor=personas.township_a, text="承诺", deadline=TODAY + timedelta(days=9)
    )
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话")
    client.force_login(personas.township_a)
    response = client.get(reverse("talks:campaign_export", args=[talks.campaign.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("谈话对象", "组织", "谈话日期", "通报问题", "表态承诺", "状态")
    assert [(r[0], r[3], r[4], r[5]) for r in rows[1:]] == [("赵一", 0, 1, "已谈"), ("钱二", 0, 0, "未谈")]


def test_word_documents_render_from_the_default_templates(client, personas, talks):
    talk = plan(talks, personas)
    client.force_login(personas.township_a)
    for url in (
        reverse("talks:talk_document", args=[talk.pk]),
        reverse("talks:campaign_document", args=[talks.campaign.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_look_back_flags_a_talkee_without_progress(client, personas, talks):
    from dangjian.talks import services

    talk = plan(talks, personas)
    services.commitment_add(
        talk=talk, actor=personas.township_a, text="承诺", deadline=TODAY + timedelta(days=9)
    )
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话")
    client.force_login(personas.township_a)
    body = client.get(reverse("talks:campaign_lookback", args=[talks.campaign.pk])).content.decode()
    assert '<span data-testid="flagged">1</span>' in body
    client.post(reverse("talks:campaign_lookback", args=[talks.campaign.pk]))
    assert TalkCampaign.objects.get().looked_back_on == TODAY


@pytest.mark.parametrize("persona", ["township_a", "village_a1"])
def test_the_index_runs_a_fixed_number_of_queries(
    client, personas, talks, persona, django_assert_num_queries
):
    from dangjian.talks import services

    client.force_login(getattr(personas, persona))
    client.get(reverse("talks:index"))  # warm the session and the scope

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("talks:index")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(3):
        talk = plan(talks, personas)
        services.talk_close(talk=talk, actor=personas.township_a, content="谈话")
    for i in range(30):
        services.campaign_create(
            org=talks.campaign.org,
            title=f"计划{i}",
            starts_on=TODAY,
            ends_on=TODAY,
            talker="x",
            target_mode="secretaries",
            actor=personas.township_a,
        )
    assert count() == few
    with django_assert_num_queries(few):
        client.get(reverse("talks:index"))


def test_the_index_lists_are_compiled_once_and_read_afresh(client, personas, talks):
    """The newest campaigns and talks are compiled once per user and scope (``core.prepared.kept``): a later
    visit compiles neither, and a talk or campaign added since is on it."""
    from dangjian.core.tests.spies import compiled_tables
    from dangjian.talks import services

    client.force_login(personas.township_a)
    client.get(reverse("talks:index"))
    talk = plan(talks, personas)
    services.campaign_create(
        org=talks.campaign.org,
        title="新的谈话计划",
        starts_on=TODAY,
        ends_on=TODAY,
        talker="x",
        target_mode="secretaries",
        actor=personas.township_a,
    )
    with compiled_tables() as compiled:
        body = client.get(reverse("talks:index")).content.decode()
    assert "talks_talkcampaign" not in compiled and "talks_talkrecord" not in compiled, compiled
    assert "新的谈话计划" in body and reverse("talks:talk_detail", args=[talk.pk]) in body
    client.force_login(personas.township_b)  # another user: their own lists
    assert (
        reverse("talks:talk_detail", args=[talk.pk])
        not in client.get(reverse("talks:index")).content.decode()
    )


def test_the_campaign_page_runs_a_fixed_number_of_queries(client, personas, talks, django_assert_num_queries):
    from dangjian.talks import services

    client.force_login(personas.township_a)
    url = reverse("talks:campaign_detail", args=[talks.campaign.pk])
    client.get(url)
    talk = plan(talks, personas)
    services.talk_close(talk=talk, actor=personas.township_a, content="谈话")
    with django_assert_num_queries(8):
        client.get(url)
    plan(talks, personas, person=talks.sec_a2)
    plan(talks, personas, talkees=[talks.sec_a1, talks.sec_a2], collective=True)
    with django_assert_num_queries(8):
        client.get(url)


@pytest.mark.parametrize("route", ["talks:campaign_lookback", "talks:campaign_export"])
def test_the_look_back_and_the_export_run_a_fixed_number_of_queries(client, personas, talks, route):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.talks import services

    def close_with_items(person):
        talk = plan(talks, personas, person=person)
        services.commitment_add(
            talk=talk, actor=personas.township_a, text="承诺", deadline=TODAY + timedelta(days=9)
        )
        services.problem_add(
            talk=talk,
            actor=personas.township_a,
            source="daily",
            title="问题",
            deadline=TODAY + timedelta(days=9),
        )
        services.talk_close(talk=talk, actor=personas.township_a, content="谈话")

    client.force_login(personas.township_a)
    url = reverse(route, args=[talks.campaign.pk])
    close_with_items(talks.sec_a1)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    close_with_items(talks.sec_a2)
    assert count() == one
