"""The rules of duty-report evaluation, each refusal with its message and nothing written."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from dangjian.ledger import door
from dangjian.reviews import scoring, selectors, services
from dangjian.reviews.models import Ballot, BallotReceipt, Question, Result, ReviewSession
from dangjian.reviews.services import GroupSpec

from .builders import GROUPS, INDICATORS, POINTS, THRESHOLDS, codes, live, prepared, vote_all

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def scoring_on(session, reporter, actor):
    services.scoring_open(reporter=reporter, actor=actor)
    reporter.refresh_from_db()
    return reporter


# ------------------------------------------------------------------ preparing


def test_a_township_may_not_host_a_county_session(county, personas):
    with pytest.raises(PermissionDenied):
        prepared(county, personas.township_a)
    assert not ReviewSession.objects.exists()


def test_weights_not_totalling_100_are_refused_and_nothing_changes(county, personas):
    session = prepared(county, personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.sheet_update(
            session=session,
            actor=personas.county_admin,
            groups=[GroupSpec("县委常委", 50, 3, 2), GroupSpec("党代表", 40, 3, 2)],
            indicators=[],
            grade_points=POINTS,
            thresholds=THRESHOLDS,
        )
    assert "权重合计必须为100%，现为90%" in messages(exc.value)
    assert sorted(session.groups.values_list("weight", flat=True)) == [20, 40, 40]


def test_a_quorum_above_the_expected_raters_is_refused(county, personas):
    session = prepared(county, personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.sheet_update(
            session=session,
            actor=personas.county_admin,
            groups=[GroupSpec("县委常委", 100, 3, 4)],
            indicators=[],
            grade_points=POINTS,
            thresholds=THRESHOLDS,
        )
    assert "最低人数（4）不能超过应到人数（3）" in messages(exc.value)


def test_thresholds_must_fall_from_good_to_average(county, personas):
    session = prepared(county, personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.sheet_update(
            session=session,
            actor=personas.county_admin,
            groups=GROUPS,
            indicators=[],
            grade_points=POINTS,
            thresholds={"good": 80, "fairly_good": 85, "average": 60},
        )
    assert "从好到一般依次降低" in messages(exc.value)


def test_the_sheet_cannot_change_after_the_first_ballot(county, personas):
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    services.ballot_submit(code=codes(session, "县委常委")[0], reporter_id=reporter.pk, grade="good")
    with pytest.raises(ValidationError) as exc:
        services.sheet_update(
            session=session,
            actor=personas.county_admin,
            groups=GROUPS,
            indicators=[],
            grade_points={**POINTS, "good": 95},
            thresholds=THRESHOLDS,
        )
    assert "已有选票，测评表不能再修改" in messages(exc.value)
    session.refresh_from_db()
    assert session.grade_points["good"] == 100


def test_only_organisations_below_the_host_report_and_each_once(county, personas):
    session = prepared(county, personas.county_admin, org=county.township_a, reporters=[county.village_a1])
    with pytest.raises(ValidationError) as exc:
        services.reporter_add(
            session=session, org=county.village_b1, secretary="某", actor=personas.county_admin
        )
    assert "只有主办组织下级的组织才能述职" in messages(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.reporter_add(
            session=session, org=county.village_a1, secretary="某", actor=personas.county_admin
        )
    assert "已在本次评议中述职" in messages(exc.value)
    assert session.reporters.count() == 1


def test_the_host_changes_the_order_of_speaking(county, personas):
    session = prepared(county, personas.county_admin)
    b = session.reporters.get(org=county.township_b)
    services.reporter_move(reporter=b, up=True, actor=personas.county_admin)
    assert [r.org_id for r in session.reporters.order_by("position")] == [
        county.township_b.pk,
        county.township_a.pk,
    ]


def test_a_township_session_works_the_same_for_villages(county, personas):
    session = live(
        county, personas.township_a, org=county.township_a, reporters=[county.village_a1, county.village_a2]
    )
    assert session.reporters.count() == 2 and session.status == "live"


def test_opening_needs_credentials(county, personas):
    session = prepared(county, personas.county_admin)
    session.credentials.all().delete()
    with pytest.raises(ValidationError) as exc:
        services.session_open(session=session, actor=personas.county_admin)
    assert "请先生成测评凭证" in messages(exc.value)
    session.refresh_from_db()
    assert session.status == "draft"


def test_credentials_are_one_per_expected_seat_and_issuing_again_adds_none(county, personas):
    session = prepared(county, personas.county_admin)
    assert session.credentials.count() == 8
    assert services.credentials_issue(session=session, actor=personas.county_admin) == 0


# ------------------------------------------------------------------ reports


def test_the_reporter_files_their_report_in_three_parts(county, personas):
    session = prepared(county, personas.county_admin, org=county.township_a, reporters=[county.village_a1])
    reporter = session.reporters.get()
    services.report_file(
        reporter=reporter,
        actor=personas.village_a1,
        achievements="成绩",
        problems="问题一\n问题二",
        plans="打算",
    )
    reporter.refresh_from_db()
    assert reporter.has_filed and reporter.filed_by == personas.village_a1


def test_a_report_missing_a_part_is_refused(county, personas):
    session = prepared(county, personas.county_admin)
    reporter = session.reporters.get(org=county.township_a)
    with pytest.raises(ValidationError) as exc:
        services.report_file(
            reporter=reporter, actor=personas.township_a, achievements="成绩", problems="", plans="打算"
        )
    assert "请列出查摆的问题" in messages(exc.value)
    reporter.refresh_from_db()
    assert not reporter.has_filed


def test_another_township_may_not_file_the_report(county, personas):
    session = prepared(county, personas.county_admin)
    reporter = session.reporters.get(org=county.township_a)
    with pytest.raises(PermissionDenied):
        services.report_file(
            reporter=reporter, actor=personas.township_b, achievements="a", problems="b", plans="c"
        )


# ------------------------------------------------------------------ scoring


def test_only_one_reporter_is_scored_at_a_time(county, personas):
    session = live(county, personas.county_admin)
    a, b = session.reporters.order_by("position")
    scoring_on(session, a, personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.scoring_open(reporter=b, actor=personas.county_admin)
    assert "仍在测评" in messages(exc.value)


def test_scoring_cannot_open_before_the_session(county, personas):
    session = prepared(county, personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.scoring_open(reporter=session.reporters.first(), actor=personas.county_admin)
    assert "评议会进行期间" in messages(exc.value)


def test_a_ballot_before_scoring_opens_is_refused(county, personas):
    session = live(county, personas.county_admin)
    reporter = session.reporters.first()
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=codes(session, "党代表")[0], reporter_id=reporter.pk, grade="good")
    assert "测评尚未开始" in messages(exc.value)
    assert not Ballot.objects.exists()


def test_a_second_ballot_of_the_same_credential_on_a_reporter_is_refused(county, personas):
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    code = codes(session, "党代表")[0]
    services.ballot_submit(code=code, reporter_id=reporter.pk, grade="good")
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=code.lower()[:5] + "-" + code[5:], reporter_id=reporter.pk, grade="poor")
    assert "该凭证已对此述职人投过票" in messages(exc.value)
    assert list(Ballot.objects.values_list("grade", flat=True)) == ["good"]


def test_the_same_credential_votes_once_on_each_reporter(county, personas):
    session = live(county, personas.county_admin)
    a, b = session.reporters.order_by("position")
    code = codes(session, "党代表")[0]
    scoring_on(session, a, personas.county_admin)
    services.ballot_submit(code=code, reporter_id=a.pk, grade="good")
    services.scoring_close(reporter=a, actor=personas.county_admin)
    scoring_on(session, b, personas.county_admin)
    services.ballot_submit(code=code, reporter_id=b.pk, grade="average")
    assert Ballot.objects.count() == 2


@pytest.mark.parametrize(
    ("code", "message"),
    [("ZZZZZ-ZZZZZ", "不是有效的测评凭证"), ("", "不是有效的测评凭证")],
)
def test_an_unknown_code_is_refused(county, personas, code, message):
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=code, reporter_id=reporter.pk, grade="good")
    assert message in messages(exc.value)


def test_a_revoked_credential_is_refused(county, personas):
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    credential = session.credentials.first()
    services.credential_revoke(credential=credential, actor=personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=credential.code, reporter_id=reporter.pk, grade="good")
    assert "该凭证已作废" in messages(exc.value)
    assert not Ballot.objects.exists()


def test_a_ballot_after_scoring_closed_is_refused(county, personas):
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    services.scoring_close(reporter=reporter, actor=personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=codes(session, "党代表")[0], reporter_id=reporter.pk, grade="good")
    assert "对该述职人的测评已结束" in messages(exc.value)


def test_a_grade_outside_the_sheet_is_refused(county, personas):
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=codes(session, "党代表")[0], reporter_id=reporter.pk, grade="excellent")
    assert "请选择测评表上的一个等次" in messages(exc.value)
    assert not BallotReceipt.objects.exists()


def test_indicator_scores_above_the_maximum_or_missing_are_refused(county, personas):
    session = live(county, personas.county_admin, indicators=INDICATORS)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    first, second = session.indicators.order_by("position")
    code = codes(session, "党代表")[0]
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(
            code=code, reporter_id=reporter.pk, scores={str(first.pk): "61", str(second.pk): "30"}
        )
    assert "“抓基层党建”的分值为0至60分" in messages(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.ballot_submit(code=code, reporter_id=reporter.pk, scores={str(first.pk): "50"})
    assert "“履职尽责”未打分" in messages(exc.value)
    assert not Ballot.objects.exists()
    ballot = services.ballot_submit(
        code=code, reporter_id=reporter.pk, scores={str(first.pk): "54", str(second.pk): "36"}
    )
    assert str(ballot.points) == "90.00"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_ballots_with_one_credential_make_exactly_one(county, personas):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The in-memory test database is shared between threads through SQLite's shared cache, whose
        # table locks refuse a second writer at once ("database table is locked") instead of waiting as
        # a database file does (busy_timeout): the race would test the test database, not the service.
        pytest.skip("needs a database file or PostgreSQL (SQLITE_TEST_NAME=… for SQLite)")
    session = live(county, personas.county_admin)
    reporter = scoring_on(session, session.reporters.first(), personas.county_admin)
    code = codes(session, "党代表")[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def cast():
        barrier.wait()
        try:
            services.ballot_submit(code=code, reporter_id=reporter.pk, grade="good")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Both casts end: one written, one refused as a second ballot (a thread that died on a database
    # error would leave one outcome only).
    assert sorted(outcomes) == ["ok", "second_ballot"], outcomes
    assert Ballot.objects.filter(reporter=reporter).count() == 1


# ------------------------------------------------------------------ closing


def score_both(session, actor):
    a, b = session.reporters.order_by("position")
    scoring_on(session, a, actor)
    vote_all(
        session,
        a,
        {
            "县委常委": ["good", "good", "fairly_good"],
            "党代表": ["good", "good"],
            "党员群众代表": ["average"],
        },
    )
    services.scoring_close(reporter=a, actor=actor)
    scoring_on(session, b, actor)
    vote_all(
        session,
        b,
        {
            "县委常委": ["average", "fairly_good"],
            "党代表": ["poor", "average", "average"],
            "党员群众代表": ["good", "good"],
        },
    )
    services.scoring_close(reporter=b, actor=actor)
    return a, b


def test_closing_refuses_while_a_reporter_has_not_been_scored(county, personas):
    session = live(county, personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.session_close(session=session, actor=personas.county_admin)
    assert "尚未测评" in messages(exc.value)
    assert not Result.objects.exists()


def test_closing_counts_ranks_and_freezes(county, personas):
    session = live(county, personas.county_admin)
    a, b = score_both(session, personas.county_admin)
    services.session_close(session=session, actor=personas.county_admin)
    session.refresh_from_db()
    ra, rb = Result.objects.get(reporter=a), Result.objects.get(reporter=b)
    # A: 常委 (100+100+80)/3 = 93.33, 代表 100, 群众 1 ballot < 2 → left out: (93.33×40 + 100×40) ÷ 80 = 96.67
    assert str(ra.total) == "96.67" and ra.grade == "good" and ra.rank == 1
    # B: 常委 70, 代表 (40+60+60)/3 = 53.33, 群众 100: 70×.4 + 53.33×.4 + 100×.2 = 69.33
    assert str(rb.total) == "69.33" and rb.grade == "average" and rb.rank == 2
    assert "党员群众代表" in ra.formula and "不计入" in ra.formula
    assert session.status == "closed" and len(session.digest) == 64
    assert session.digest == scoring.digest(selectors.ballot_export_rows(session))


def test_nothing_changes_after_closing(county, personas):
    session = live(county, personas.county_admin)
    a, _b = score_both(session, personas.county_admin)
    services.session_close(session=session, actor=personas.county_admin)
    actor = personas.county_admin
    refusals = [
        lambda: services.ballot_submit(
            code=codes(session, "党员群众代表")[1], reporter_id=a.pk, grade="good"
        ),
        lambda: services.question_add(reporter=a, actor=actor, asker_role="党代表", question="还有问题？"),
        lambda: services.comment_add(reporter=a, actor=actor, commenter="县委书记", text="补充"),
        lambda: services.sheet_update(
            session=session,
            actor=actor,
            groups=GROUPS,
            indicators=[],
            grade_points=POINTS,
            thresholds=THRESHOLDS,
        ),
        lambda: services.reporter_add(session=session, org=county.village_a1, secretary="某", actor=actor),
        lambda: services.report_file(reporter=a, actor=actor, achievements="a", problems="b", plans="c"),
        lambda: services.credentials_issue(session=session, actor=actor),
        lambda: services.credential_revoke(credential=session.credentials.first(), actor=actor),
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError) as exc:
            refuse()
        assert "闭会" in messages(exc.value)
    assert Ballot.objects.count() == 13 and not Question.objects.exists()


def test_questions_and_comments_are_recorded_against_a_reporter_during_the_meeting(county, personas):
    session = live(county, personas.county_admin)
    a = session.reporters.first()
    services.question_add(
        reporter=a,
        actor=personas.county_admin,
        asker_role="党代表",
        question="如何缓解干部压力？",
        answer="建立谈心制度",
    )
    services.comment_add(reporter=a, actor=personas.county_admin, commenter="县委书记", text="问题查摆不深")
    assert a.questions.count() == 1 and a.comments.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.question_add(reporter=a, actor=personas.county_admin, asker_role="", question="")
    assert "请写明质询人身份" in messages(exc.value)


# ------------------------------------------------------------------ hand-over


def test_problems_are_handed_over_through_the_ledger_once_closed(county, personas):
    session = live(county, personas.county_admin)
    a, _b = score_both(session, personas.county_admin)
    deadline = date.today() + timedelta(days=60)
    with pytest.raises(ValidationError) as exc:
        services.problems_hand_over(reporter=a, actor=personas.county_admin, titles=["x"], deadline=deadline)
    assert "闭会后" in messages(exc.value)
    services.session_close(session=session, actor=personas.county_admin)
    items = services.problems_hand_over(
        reporter=a,
        actor=personas.county_admin,
        titles=["党员冬春训流于形式", "不合格党员处置不到位"],
        deadline=deadline,
    )
    assert [i.org_id for i in items] == [county.township_a.pk] * 2
    assert items[0].item_list.source == "review"
    again = services.problems_hand_over(
        reporter=a, actor=personas.county_admin, titles=["党员冬春训流于形式"], deadline=deadline
    )
    assert again[0].pk == items[0].pk
    assert door.items_of_source(a, personas.township_a).count() == 2


def test_a_township_cannot_hand_over_for_the_county(county, personas):
    session = live(county, personas.county_admin)
    a, _b = score_both(session, personas.county_admin)
    services.session_close(session=session, actor=personas.county_admin)
    with pytest.raises(PermissionDenied):
        services.problems_hand_over(
            reporter=a, actor=personas.township_a, titles=["x"], deadline=date.today() + timedelta(days=9)
        )


def test_a_deadline_in_the_past_is_refused(county, personas):
    session = live(county, personas.county_admin)
    a, _b = score_both(session, personas.county_admin)
    services.session_close(session=session, actor=personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.problems_hand_over(
            reporter=a, actor=personas.county_admin, titles=["x"], deadline=date.today()
        )
    assert "整改时限必须晚于今天" in messages(exc.value)
    assert not door.items_of_source(a, personas.county_admin).exists()


def test_the_indicators_count_the_frozen_results_of_the_subtree(county, personas):
    from dangjian.core import indicators
    from dangjian.core.indicators import Period

    session = live(county, personas.county_admin, year=2025)
    score_both(session, personas.county_admin)
    services.session_close(session=session, actor=personas.county_admin)
    orgs = [county.county, county.township_a, county.township_b, county.village_a1]
    good = indicators.compute("reviews.good_rate", orgs, Period.year(2025))
    assert good == {
        county.county.pk: 50.0,
        county.township_a.pk: 100.0,
        county.township_b.pk: 0.0,
        county.village_a1.pk: None,
    }
    average = indicators.compute("reviews.average_total", orgs, Period.year(2025))
    assert average[county.county.pk] == 83.0 and average[county.township_b.pk] == 69.3
    assert indicators.compute("reviews.good_rate", orgs, Period.year(2026))[county.county.pk] is None


def test_hand_over_candidates_drop_list_markers_but_keep_the_texts_own_digits(county, personas):
    session = live(county, personas.county_admin)
    reporter = session.reporters.get(org=county.township_a)
    services.report_file(
        reporter=reporter,
        actor=personas.county_admin,
        achievements="a",
        problems="1. 三会一课记录不完整\n2、2025年发展党员偏少\n（3）集体经济薄弱\n- 阵地建设滞后",
        plans="c",
    )
    services.question_add(
        reporter=reporter, actor=personas.county_admin, asker_role="党代表", question="经费如何到位？"
    )
    assert selectors.hand_over_candidates(reporter, personas.county_admin) == [
        "三会一课记录不完整",
        "2025年发展党员偏少",
        "集体经济薄弱",
        "阵地建设滞后",
        "经费如何到位？",
    ]
