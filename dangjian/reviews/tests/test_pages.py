"""The evaluation pages: the organiser's console, the reporter's report, the rater's phone, the big
screen, the results and exports, and the hand-over — each posted with real form data."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.ledger import door
from dangjian.reviews import scoring, services
from dangjian.reviews.models import Ballot, Reporter, ReviewSession

from .builders import codes, live, prepared, vote_all

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def closed(county, actor):
    session = live(county, actor)
    for reporter, grades in zip(
        session.reporters.order_by("position"),
        [
            {
                "县委常委": ["good", "good"],
                "党代表": ["good", "fairly_good"],
                "党员群众代表": ["good", "good"],
            },
            {
                "县委常委": ["average", "average"],
                "党代表": ["poor", "average"],
                "党员群众代表": ["fairly_good"],
            },
        ],
        strict=True,
    ):
        services.scoring_open(reporter=reporter, actor=actor)
        vote_all(session, reporter, grades)
        services.scoring_close(reporter=reporter, actor=actor)
    services.session_close(session=session, actor=actor)
    session.refresh_from_db()
    return session


# ------------------------------------------------------------------ sessions


def test_anonymous_visitors_are_sent_to_login(client, county, personas):
    session = prepared(county, personas.county_admin)
    for url in (reverse("reviews:session_list"), reverse("reviews:session_detail", args=[session.pk])):
        assert client.get(url).status_code == 302


def test_the_organiser_creates_a_session(client, county, personas):
    client.force_login(personas.county_admin)
    response = client.post(
        reverse("reviews:session_create"),
        {
            "org": county.county.pk,
            "year": 2026,
            "title": "2026年度乡镇党委书记述职评议会",
            "held_on": "2027-01-16",
            "venue": "县委大会议室",
            "sheet_kind": "grades",
        },
    )
    session = ReviewSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:session_sheet", args=[session.pk]
    )
    assert session.grade_points == {"good": 100, "fairly_good": 80, "average": 60, "poor": 40}


def test_a_village_secretary_may_not_create_sessions(client, county, personas):
    client.force_login(personas.village_a1)
    assert client.get(reverse("reviews:session_create")).status_code == 403


def sheet_data(groups, indicators=(), points=(100, 80, 60, 40), limits=(90, 80, 60)):
    data = {
        "groups-TOTAL_FORMS": 6,
        "groups-INITIAL_FORMS": 0,
        "indicators-TOTAL_FORMS": 6,
        "indicators-INITIAL_FORMS": 0,
    }
    for n, (name, weight, expected, quorum) in enumerate(groups):
        data.update(
            {
                f"groups-{n}-name": name,
                f"groups-{n}-weight": weight,
                f"groups-{n}-expected": expected,
                f"groups-{n}-quorum": quorum,
            }
        )
    for n, (name, max_points) in enumerate(indicators):
        data.update({f"indicators-{n}-name": name, f"indicators-{n}-max_points": max_points})
    for key, value in zip(("good", "fairly_good", "average", "poor"), points, strict=True):
        data[f"points_{key}"] = value
    for key, value in zip(("good", "fairly_good", "average"), limits, strict=True):
        data[f"threshold_{key}"] = value
    return data


def test_the_sheet_form_saves_groups_and_refuses_weights_off_100(client, county, personas):
    session = prepared(county, personas.county_admin)
    client.force_login(personas.county_admin)
    url = reverse("reviews:session_sheet", args=[session.pk])
    assert "县委常委" in body(client.get(url))
    response = client.post(url, sheet_data([("县委常委", 60, 5, 3), ("党代表", 30, 10, 6)]))
    assert response.status_code == 200 and "各测评组权重合计必须为100%，现为90%。" in body(response)
    assert session.groups.count() == 3
    response = client.post(
        url, sheet_data([("县委常委", 60, 5, 3), ("党代表", 40, 10, 6)], points=(95, 85, 70, 50))
    )
    assert response.status_code == 302
    assert list(session.groups.values_list("name", "weight")) == [("县委常委", 60), ("党代表", 40)]
    session.refresh_from_db()
    assert session.grade_points["good"] == 95


def test_the_host_adds_a_reporter_below_the_host_only(client, county, personas):
    session = prepared(county, personas.county_admin, org=county.township_a, reporters=[county.village_a1])
    client.force_login(personas.township_a)
    url = reverse("reviews:reporter_add", args=[session.pk])
    response = client.post(url, {"org": county.village_b1.pk, "secretary": "某"})
    assert response.status_code == 200 and session.reporters.count() == 1
    response = client.post(url, {"org": county.village_a2.pk, "secretary": "李书记"})
    assert response.status_code == 302 and session.reporters.count() == 2


def test_the_console_shows_the_host_everything_and_a_township_only_its_own_row(client, county, personas):
    session = prepared(county, personas.county_admin)
    client.force_login(personas.county_admin)
    page = body(client.get(reverse("reviews:session_detail", args=[session.pk])))
    assert "A镇党委" in page and "B镇党委" in page and "open-session" in page and "unfiled" in page
    client.force_login(personas.township_a)
    page = body(client.get(reverse("reviews:session_detail", args=[session.pk])))
    assert "A镇党委" in page and "B镇党委" not in page and "open-session" not in page
    client.force_login(personas.township_b)
    assert client.post(reverse("reviews:session_open", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert session.status == "draft"


def test_the_list_shows_filed_counts_of_the_reporters_i_see_in_pinned_queries(
    client, county, personas, django_assert_num_queries
):
    session = prepared(county, personas.county_admin)
    services.report_file(
        reporter=session.reporters.get(org=county.township_a),
        actor=personas.township_a,
        achievements="a",
        problems="b",
        plans="c",
    )
    prepared(county, personas.county_admin, year=2025, title="2025年度述职评议会")
    client.force_login(personas.township_b)
    client.get(reverse("reviews:session_list"))  # warm the session and the scope
    with django_assert_num_queries(7):
        page = body(client.get(reverse("reviews:session_list")))
    assert f'data-session="{session.pk}" data-reporters="1" data-filed="0"' in page
    for year in range(2019, 2025):
        prepared(county, personas.county_admin, year=year, title=f"{year}年度述职评议会")
    with django_assert_num_queries(7):
        assert body(client.get(reverse("reviews:session_list"))).count("data-session=") == 8
    client.force_login(personas.county_admin)
    page = body(client.get(reverse("reviews:session_list")))
    assert f'data-session="{session.pk}" data-reporters="2" data-filed="1"' in page


def test_the_host_opens_scoring_records_questions_and_a_second_scoring_is_refused(client, county, personas):
    session = live(county, personas.county_admin)
    a, b = session.reporters.order_by("position")
    client.force_login(personas.county_admin)
    assert client.post(reverse("reviews:scoring_open", args=[a.pk])).status_code == 302
    response = client.post(reverse("reviews:scoring_open", args=[b.pk]), follow=True)
    assert "仍在测评中，请先结束其测评。" in body(response)
    client.post(
        reverse("reviews:question_add", args=[a.pk]),
        {"asker_role": "党代表", "question": "如何保证低限运转经费逐额发放到位？", "answer": "已建立台账"},
    )
    client.post(
        reverse("reviews:comment_add", args=[a.pk]), {"commenter": "县委书记", "text": "问题查摆不深不实"}
    )
    page = body(client.get(reverse("reviews:session_detail", args=[session.pk])))
    assert "如何保证低限运转经费逐额发放到位？" in page and "问题查摆不深不实" in page
    response = client.post(
        reverse("reviews:question_add", args=[a.pk]), {"asker_role": "", "question": ""}, follow=True
    )
    assert a.questions.count() == 1 and "alert-danger" in body(response)


# ------------------------------------------------------------------ reports


def test_the_reporter_files_the_report_with_an_attachment(client, county, personas):
    session = prepared(county, personas.county_admin, org=county.township_a, reporters=[county.village_a1])
    reporter = session.reporters.get()
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("reviews:report_file", args=[reporter.pk]),
        {
            "achievements": "完成村级活动场所提档升级",
            "problems": "1. 三会一课记录不规范\n2. 发展党员偏少",
            "plans": "明年发展党员2名",
            "files": [SimpleUploadedFile("述职报告.txt", "述职报告全文".encode(), content_type="text/plain")],
        },
    )
    assert response.status_code == 302
    page = body(client.get(reverse("reviews:reporter_detail", args=[reporter.pk])))
    assert "三会一课记录不规范" in page and "述职报告.txt" in page


def test_a_report_with_a_part_missing_is_refused_on_the_form(client, county, personas):
    session = prepared(county, personas.county_admin)
    reporter = session.reporters.get(org=county.township_a)
    client.force_login(personas.township_a)
    response = client.post(
        reverse("reviews:report_file", args=[reporter.pk]),
        {"achievements": "a", "problems": "b", "plans": " "},
    )
    assert response.status_code == 200 and not Reporter.objects.get(pk=reporter.pk).has_filed


def test_another_township_cannot_open_the_report(client, county, personas):
    session = prepared(county, personas.county_admin)
    reporter = session.reporters.get(org=county.township_a)
    client.force_login(personas.township_b)
    assert client.get(reverse("reviews:reporter_detail", args=[reporter.pk])).status_code == 404
    assert client.get(reverse("reviews:report_file", args=[reporter.pk])).status_code == 404


def test_last_years_handed_down_items_are_shown_beside_the_report(client, county, personas):
    last = closed(county, personas.county_admin)
    old = last.reporters.get(org=county.township_a)
    services.problems_hand_over(
        reporter=old,
        actor=personas.county_admin,
        titles=["党员冬春训流于形式"],
        deadline=date.today() + timedelta(days=30),
    )
    this = prepared(county, personas.county_admin, year=2027, title="2027年度述职评议会")
    reporter = this.reporters.get(org=county.township_a)
    client.force_login(personas.township_a)
    page = body(client.get(reverse("reviews:report_file", args=[reporter.pk])))
    assert "党员冬春训流于形式" in page


# ------------------------------------------------------------------ the rater's phone and the big screen


def test_a_rater_votes_once_from_the_phone(client, county, personas):
    session = live(county, personas.county_admin)
    a = session.reporters.order_by("position").first()
    code = codes(session, "党代表")[0]
    url = reverse("reviews:vote", args=[code])
    assert "vote-waiting" in body(client.get(url))
    services.scoring_open(reporter=a, actor=personas.county_admin)
    page = body(client.get(url))
    assert "A镇党委" in page and "vote-submit" in page
    assert "vote-done" in body(client.post(url, {"reporter": a.pk, "grade": "fairly_good"}))
    assert "vote-voted" in body(client.get(url))
    response = client.post(url, {"reporter": a.pk, "grade": "good"})
    assert "每位测评人对每位述职人只能投一票" in body(response)
    assert list(Ballot.objects.values_list("grade", flat=True)) == ["fairly_good"]


def test_a_grade_outside_the_sheet_from_the_phone_changes_nothing(client, county, personas):
    session = live(county, personas.county_admin)
    a = session.reporters.order_by("position").first()
    services.scoring_open(reporter=a, actor=personas.county_admin)
    response = client.post(
        reverse("reviews:vote", args=[codes(session, "党代表")[0]]), {"reporter": a.pk, "grade": "superb"}
    )
    assert response.status_code == 200 and not Ballot.objects.exists()


def test_an_unknown_code_gets_a_clear_404(client, county, personas):
    live(county, personas.county_admin)
    response = client.get(reverse("reviews:vote", args=["ABCDE23456"]))
    assert response.status_code == 404 and "不是有效的测评凭证" in body(response)
    response = client.post(reverse("reviews:vote_entry"), {"code": "abcde-23456"})
    assert "不是有效的测评凭证" in body(response)


def test_the_code_typed_by_hand_opens_the_ballot(client, county, personas):
    session = live(county, personas.county_admin)
    code = codes(session, "党代表")[0]
    response = client.post(reverse("reviews:vote_entry"), {"code": f"{code[:5].lower()}-{code[5:]}"})
    assert response.status_code == 302 and response["Location"] == reverse("reviews:vote", args=[code])


def test_the_big_screen_shows_counts_live_and_results_only_after_closing(client, county, personas):
    session = live(county, personas.county_admin)
    a = session.reporters.order_by("position").first()
    services.scoring_open(reporter=a, actor=personas.county_admin)
    vote_all(session, a, {"党代表": ["good", "good"]})
    live_url = reverse("reviews:screen_live", args=[session.screen_token])
    page = body(client.get(live_url))
    assert 'data-group="党代表" data-received="2"' in page and "screen-results" not in page
    assert "A镇党委" in page
    assert client.get(reverse("reviews:screen", args=[session.screen_token])).status_code == 200


def test_a_guessed_screen_link_is_not_found(client, county, personas):
    session = live(county, personas.county_admin)
    other = prepared(county, personas.township_a, org=county.township_a, reporters=[county.village_a1])
    # One character changed (to another: a token ending in "x" once made "…x" the real link, and a 200).
    last = "y" if session.screen_token.endswith("x") else "x"
    assert client.get(reverse("reviews:screen", args=[session.screen_token[:-1] + last])).status_code == 404
    assert client.get(reverse("reviews:screen_live", args=[str(other.pk)])).status_code == 404


def test_the_credential_sheet_prints_a_qr_card_per_seat(client, county, personas):
    session = prepared(county, personas.county_admin)
    client.force_login(personas.county_admin)
    page = body(client.get(reverse("reviews:credential_sheet", args=[session.pk])))
    assert page.count("data:image/svg+xml") == 8
    credential = session.credentials.first()
    assert credential.display_code in page
    client.post(reverse("reviews:credential_revoke", args=[credential.pk]))
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    client.force_login(personas.township_a)
    assert client.get(reverse("reviews:credential_sheet", args=[session.pk])).status_code == 404


# ------------------------------------------------------------------ results, exports, hand-over


def test_results_show_the_ranking_the_formula_and_the_digest(client, county, personas):
    session = closed(county, personas.county_admin)
    client.force_login(personas.county_admin)
    page = body(client.get(reverse("reviews:results", args=[session.pk])))
    assert session.digest in page and "chart-ranking" in page and "加权总分" in page
    assert page.index("A镇党委") < page.index("B镇党委")
    client.force_login(personas.township_b)
    page = body(client.get(reverse("reviews:results", args=[session.pk])))
    assert "B镇党委" in page and "A镇党委" not in page and "ballots-export" not in page


def test_recounting_the_ballot_export_reproduces_the_digest(client, county, personas):
    session = closed(county, personas.county_admin)
    client.force_login(personas.county_admin)
    response = client.get(reverse("reviews:ballots_export", args=[session.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [
        tuple("" if c is None else str(c) for c in row)
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(rows) == Ballot.objects.count() == 11
    assert scoring.digest(rows) == session.digest
    assert all(len(row) == 8 for row in rows)
    client.force_login(personas.township_a)
    assert client.get(reverse("reviews:ballots_export", args=[session.pk])).status_code == 404


def test_the_results_export_carries_the_digest(client, county, personas):
    session = closed(county, personas.county_admin)
    client.force_login(personas.county_admin)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("reviews:results_export", args=[session.pk])).content)
    ).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 2 and values[0][-1] == session.digest and values[0][0] == 1


def test_results_of_an_open_session_are_not_found(client, county, personas):
    session = live(county, personas.county_admin)
    client.force_login(personas.county_admin)
    assert client.get(reverse("reviews:results", args=[session.pk])).status_code == 404


def test_the_host_hands_over_a_problem_list_to_one_township(client, county, personas):
    session = closed(county, personas.county_admin)
    a = session.reporters.get(org=county.township_a)
    client.force_login(personas.county_admin)
    url = reverse("reviews:hand_over", args=[a.pk])
    assert client.get(url).status_code == 200
    deadline = (date.today() + timedelta(days=60)).isoformat()
    response = client.post(
        url, {"problems": "党员冬春训流于形式\n不合格党员处置不到位", "deadline": deadline}
    )
    assert response.status_code == 302
    items = list(door.items_of_source(a, personas.county_admin))
    assert [i.title for i in items] == ["党员冬春训流于形式", "不合格党员处置不到位"]
    assert all(i.org_id == county.township_a.pk for i in items)
    client.force_login(personas.township_a)
    assert "党员冬春训流于形式" in body(client.get(reverse("reviews:reporter_detail", args=[a.pk])))
    org_page = body(client.get(reverse("orgs:org_detail", args=[county.township_a.pk])))
    assert "reviews-panel" in org_page


def test_a_township_may_not_hand_over_for_the_county(client, county, personas):
    session = closed(county, personas.county_admin)
    a = session.reporters.get(org=county.township_a)
    client.force_login(personas.township_a)
    assert client.get(reverse("reviews:hand_over", args=[a.pk])).status_code == 403


def test_the_word_notice_lists_every_result_and_the_digest(client, county, personas):
    from docx import Document

    session = closed(county, personas.county_admin)
    client.force_login(personas.county_admin)
    response = client.get(reverse("reviews:results_notice", args=[session.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    cells = [c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells]
    assert session.digest in text and "2026年度述职评议会" in text
    assert "中共A镇委员会" in cells and "中共B镇委员会" in cells
    client.force_login(personas.township_a)
    assert client.get(reverse("reviews:results_notice", args=[session.pk])).status_code == 404


def _closed_with(county, actor, orgs, title):
    from .builders import prepared as prep

    session = prep(county, actor, reporters=orgs, title=title)
    services.session_open(session=session, actor=actor)
    for reporter in session.reporters.order_by("position"):
        services.scoring_open(reporter=reporter, actor=actor)
        vote_all(session, reporter, {"县委常委": ["good", "average"], "党代表": ["good", "good"]})
        services.scoring_close(reporter=reporter, actor=actor)
    services.session_close(session=session, actor=actor)
    return session


@pytest.mark.parametrize("name", ["reviews:results", "reviews:results_export", "reviews:session_detail"])
def test_results_console_and_export_run_the_same_queries_for_2_or_6_reporters(
    client, county, personas, django_assert_num_queries, name
):
    from dangjian.orgs.models import OrgKind, Sector
    from dangjian.orgs.tests.factories import make_org

    actor = personas.county_admin
    small = _closed_with(county, actor, [county.township_a, county.township_b], "两人评议会")
    more = [
        make_org(county.county, f"新增{n}镇党委", kind=OrgKind.TOWNSHIP_COMMITTEE, sector=Sector.MIXED)
        for n in range(4)
    ]
    large = _closed_with(county, actor, [county.township_a, county.township_b, *more], "六人评议会")
    client.force_login(actor)
    client.get(reverse(name, args=[small.pk]))  # warm the session and the scope
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse(name, args=[small.pk])).status_code == 200
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(reverse(name, args=[large.pk])).status_code == 200
    assert (
        len(first.captured_queries)
        <= {"reviews:results": 12, "reviews:results_export": 9, "reviews:session_detail": 18}[name]
    )


def test_the_host_edits_the_session_until_it_is_closed(client, county, personas):
    session = live(county, personas.county_admin)
    client.force_login(personas.county_admin)
    url = reverse("reviews:session_edit", args=[session.pk])
    data = {"title": "2026年度述职评议会（改期）", "held_on": "2027-01-18", "venue": "县委三楼会议室"}
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.title == "2026年度述职评议会（改期）" and session.venue == "县委三楼会议室"
    reporter = session.reporters.order_by("position").first()
    services.scoring_open(reporter=reporter, actor=personas.county_admin)
    vote_all(session, reporter, {"党代表": ["good"]})
    response = client.post(url, {**data, "with_comment": "on"})
    assert response.status_code == 200 and "已有选票，测评表不能再修改" in body(response)
    closed_session = closed(county, personas.county_admin)
    response = client.post(reverse("reviews:session_edit", args=[closed_session.pk]), data)
    assert "评议会已闭会，不能再作任何修改" in body(response)
    closed_session.refresh_from_db()
    assert closed_session.title == "2026年度述职评议会"
