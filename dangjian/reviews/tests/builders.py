"""Sessions for the tests: a county session on townships A and B, prepared up to any stage."""

from __future__ import annotations

from datetime import date

from dangjian.reviews import services
from dangjian.reviews.services import GroupSpec, IndicatorSpec

GROUPS = [GroupSpec("县委常委", 40, 3, 2), GroupSpec("党代表", 40, 3, 2), GroupSpec("党员群众代表", 20, 2, 2)]
POINTS = {"good": 100, "fairly_good": 80, "average": 60, "poor": 40}
THRESHOLDS = {"good": 90, "fairly_good": 80, "average": 60}


def prepared(
    county, actor, *, org=None, reporters=None, indicators=None, year=2026, title="2026年度述职评议会"
):
    """A draft session with its sheet, reporters and credentials (ready to open)."""
    org = org or county.county
    session = services.session_create(
        org=org,
        actor=actor,
        year=year,
        title=title,
        held_on=date(2027, 1, 16),
        venue="县委大会议室",
        sheet_kind="indicators" if indicators else "grades",
    )
    services.sheet_update(
        session=session,
        actor=actor,
        groups=GROUPS,
        indicators=indicators or [],
        grade_points=POINTS,
        thresholds=THRESHOLDS,
    )
    for reporter_org in reporters if reporters is not None else [county.township_a, county.township_b]:
        services.reporter_add(
            session=session, org=reporter_org, secretary=f"{reporter_org.label}书记", actor=actor
        )
    services.credentials_issue(session=session, actor=actor)
    return session


def live(county, actor, **kw):
    session = prepared(county, actor, **kw)
    services.session_open(session=session, actor=actor)
    return session


def codes(session, group_name):
    return list(
        session.credentials.filter(group__name=group_name, revoked_at__isnull=True).values_list(
            "code", flat=True
        )
    )


def vote_all(session, reporter, grades_by_group: dict[str, list[str]]):
    """Cast the given grades, group by group, one credential each."""
    for group_name, grades in grades_by_group.items():
        for code, grade in zip(codes(session, group_name), grades, strict=False):
            services.ballot_submit(code=code, reporter_id=reporter.pk, grade=grade)


INDICATORS = [IndicatorSpec("抓基层党建", 60), IndicatorSpec("履职尽责", 40)]
