"""Leak-walk rows of duty-report evaluation (see core/tests/leakwalk.py).

Sessions are hosted at the county and at each township and evaluate the organisations just
below; a session is seen from its host's subtree and from each reporting organisation (``reach``),
whose own row, report and result are all such a viewer sees of it. One session per workflow state,
so each write finds a record in the state where it succeeds.
"""

from __future__ import annotations

from datetime import date, timedelta

from dangjian.core.tests.leakwalk import Built, api_detail, api_list, create, detail, page, write

CHILDREN = {
    "county": ("township_a", "township_b"),
    "township_a": ("village_a1", "village_a2"),
    "township_b": ("village_b1",),
}
PARENT = {child: parent for parent, children in CHILDREN.items() for child in children}


def _session(world, key, state: str, reporters=None):
    """A session hosted at ``key`` brought to ``state``; its reporters are the organisations below."""
    from dangjian.reviews import services
    from dangjian.reviews.services import GroupSpec

    if key not in CHILDREN:
        return None
    admin = world.admin
    session = services.session_create(
        org=world.orgs[key],
        actor=admin,
        year=2026,
        title=f"评议会{state}·{key}",
        held_on=date(2027, 1, 16),
        venue="会议室",
    )
    services.sheet_update(
        session=session,
        actor=admin,
        groups=[GroupSpec("代表", 100, 2, 1)],
        indicators=[],
        grade_points={"good": 100, "fairly_good": 80, "average": 60, "poor": 40},
        thresholds={"good": 90, "fairly_good": 80, "average": 60},
    )
    for child in reporters if reporters is not None else CHILDREN[key]:
        services.reporter_add(
            session=session, org=world.orgs[child], secretary=f"述职书记{state}·{child}", actor=admin
        )
        reporter = session.reporters.get(org=world.orgs[child])
        services.report_file(
            reporter=reporter,
            actor=admin,
            achievements=f"述职成效{state}·{child}",
            problems=f"述职问题{state}·{child}",
            plans="打算",
        )
    services.credentials_issue(session=session, actor=admin)
    if state == "draft":
        # One lost card revoked, so that issuing the missing credentials has one to make.
        services.credential_revoke(credential=session.credentials.first(), actor=admin)
        return session
    services.session_open(session=session, actor=admin)
    if state == "live":
        return session
    code = session.credentials.filter(revoked_at__isnull=True).first().code
    for reporter in session.reporters.order_by("position"):
        services.scoring_open(reporter=reporter, actor=admin)
        if state == "scoring":
            return session
        services.question_add(
            reporter=reporter, actor=admin, asker_role="党代表", question=f"质询{state}·{reporter.org_id}"
        )
        services.ballot_submit(code=code, reporter_id=reporter.pk, grade="good")
        services.scoring_close(reporter=reporter, actor=admin)
    if state == "closed":
        services.session_close(session=session, actor=admin)
    return session


def _session_kind(state: str, **kw):
    def build(world, key):
        reporters = kw.get("reporters", {}).get(key)
        session = _session(world, key, state, reporters)
        if session is None:
            return None
        return Built(session, (session.title,), reach=tuple(reporters or CHILDREN[key]))

    return build


def _reporter_kind(session_kind: str):
    def build(world, key):
        parent = PARENT.get(key)
        session = world.get(session_kind, parent) if parent else None
        reporter = session.reporters.filter(org=world.orgs[key]).first() if session else None
        if reporter is None:
            return None
        return Built(reporter, (reporter.secretary, reporter.achievements))

    return build


def _credential(world, key):
    session = world.get("review_session", key)
    if session is None:
        return None
    return Built(session.credentials.filter(revoked_at__isnull=True).first(), ())


OBJECTS = {
    # The draft at township A leaves A2 out, for "add a reporter" to name it.
    "review_session": _session_kind("draft", reporters={"township_a": ("village_a1",)}),
    "review_live": _session_kind("live"),
    "review_scoring": _session_kind("scoring"),
    "review_done": _session_kind("done"),
    "review_closed": _session_kind("closed"),
    "review_reporter": _reporter_kind("review_session"),
    "review_waiting": _reporter_kind("review_live"),
    "review_current": _reporter_kind("review_scoring"),
    "review_closed_reporter": _reporter_kind("review_closed"),
    "review_credential": _credential,
}

SESSIONS = ("review_session", "review_live", "review_scoring", "review_done", "review_closed")
REPORTERS = ("review_reporter", "review_waiting", "review_current", "review_closed_reporter")


def _nothing(world, obj, key) -> dict:
    return {}


def _new_session(world, org, key) -> dict:
    return {
        "org": org.pk,
        "year": 2027,
        "title": "走查新建评议会",
        "held_on": "2027-01-20",
        "venue": "会议室",
        "sheet_kind": "grades",
    }


def _sheet(world, session, key) -> dict:
    data = {
        "groups-TOTAL_FORMS": 2,
        "groups-INITIAL_FORMS": 0,
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
        "groups-0-name": "代表",
        "groups-0-weight": 60,
        "groups-0-expected": 2,
        "groups-0-quorum": 1,
        "groups-1-name": "群众代表",
        "groups-1-weight": 40,
        "groups-1-expected": 2,
        "groups-1-quorum": 1,
    }
    data.update({"points_good": 100, "points_fairly_good": 80, "points_average": 60, "points_poor": 40})
    data.update({"threshold_good": 90, "threshold_fairly_good": 80, "threshold_average": 60})
    return data


def _reporter(world, session, key) -> dict:
    return {"org": world.orgs[key].pk, "secretary": "走查书记"}


def _report(world, reporter, key) -> dict:
    return {"achievements": "走查成效", "problems": "走查问题", "plans": "走查打算"}


def _question(world, reporter, key) -> dict:
    return {"asker_role": "党代表", "question": "走查质询", "answer": "走查回答"}


def _comment(world, reporter, key) -> dict:
    return {"commenter": "县委书记", "text": "走查点评"}


def _hand_over(world, reporter, key) -> dict:
    return {"problems": "走查交办问题", "deadline": (date.today() + timedelta(days=30)).isoformat()}


ROUTES = {
    "reviews:session_list": page(SESSIONS),
    "reviews:session_create": create("org", _new_session),
    "reviews:session_detail": detail(SESSIONS),
    "reviews:session_edit": write(
        "review_live",
        lambda world, s, key: {"title": "走查改名评议会", "held_on": "2027-01-18", "venue": "新会场"},
    ),
    "reviews:session_sheet": write("review_session", _sheet),
    "reviews:reporter_add": write("review_session", _reporter, second=("township_a", "village_a2")),
    "reviews:session_open": write("review_session", _nothing),
    "reviews:session_close": write("review_done", _nothing),
    "reviews:credential_sheet": detail("review_session"),
    "reviews:credentials_issue": write("review_session", _nothing),
    "reviews:credential_revoke": write("review_credential", _nothing),
    "reviews:results": detail("review_closed"),
    "reviews:results_export": detail("review_closed"),
    "reviews:ballots_export": detail("review_closed"),
    "reviews:results_notice": detail("review_closed"),
    "reviews:reporter_detail": detail(REPORTERS),
    "reviews:report_file": write("review_reporter", _report),
    "reviews:reporter_move": write("review_waiting", lambda world, r, key: {"direction": "down"}),
    "reviews:scoring_open": write("review_waiting", _nothing),
    "reviews:scoring_close": write("review_current", _nothing),
    "reviews:question_add": write("review_waiting", _question),
    "reviews:comment_add": write("review_waiting", _comment),
    "reviews:hand_over": write("review_closed_reporter", _hand_over),
    "api-review-session-list": api_list(SESSIONS),
    "api-review-session-detail": api_detail(SESSIONS),
    "api-review-session-results": api_detail("review_closed"),
}

# Reached without an account by an unguessable token (big screen) or a credential code (ballot):
# tests/test_pages.py checks that a guessed link is 404 and that a code opens one seat's ballot only.
# The ballot API likewise takes the credential code as its only key (tests/test_api.py).
PUBLIC = {
    "reviews:screen",
    "reviews:screen_live",
    "reviews:vote_entry",
    "reviews:vote",
    "api-review-ballot-list",
}
