"""Builders shared by the supervision tests (records made through the services)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from dangjian.supervision import services

TODAY = timezone.localdate()


def visit_time():
    """An hour ago, but today in the installation's calendar (a test near local midnight stays in the month)."""
    start = datetime.combine(TODAY, time.min, tzinfo=timezone.get_current_timezone())
    return max(start, timezone.now() - timedelta(hours=1))


CHECKS = "坐班在岗\n台账规范\n三会一课记录"


def plan(county, actor, org=None, targets=None, theme="村级党建督查暗访", start=True):
    org = org or county.county
    p = services.plan_create(
        org=org,
        month=TODAY,
        theme=theme,
        team="王明（县委组织部）\n李华（县纪委监委）",
        checklist=CHECKS,
        targets=targets if targets is not None else [county.village_a1, county.village_a2],
        actor=actor,
    )
    if start:
        services.plan_start(plan=p, actor=actor)
    return p


def visit(plan_, org, actor, findings=("公开栏内容未更新", "会议记录不全"), scores=(8, 6, 10), submit=True):
    v = services.visit_record(
        plan=plan_,
        org=org,
        visited_at=visit_time(),
        inspectors="王明、李华",
        scores=dict(zip(plan_.checks, scores, strict=True)),
        findings=list(findings),
        deadline=TODAY + timedelta(days=20),
        actor=actor,
    )
    if submit:
        services.visit_submit(visit=v, actor=actor)
    return v
