"""Leak-walk rows of supervision and assessment (see core/tests/leakwalk.py): every URL of the module."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dangjian.core.tests.leakwalk import api_detail, api_list, create, detail, export, page, write

VILLAGES = ("village_a1", "village_a2", "village_b1")
CHILD = {"county": "township_a", "township_a": "village_a1", "township_b": "village_b1"}
PARENT = {"village_a1": "township_a", "village_a2": "township_a", "village_b1": "township_b"}


def _today():
    return timezone.localdate()


def _services():
    from dangjian.supervision import services

    return services


def _plan(world, key, *, start: bool, theme: str):
    if key not in CHILD:
        return None
    children = [
        k for k, parent in {**PARENT, "township_a": "county", "township_b": "county"}.items() if parent == key
    ]
    plan = _services().plan_create(
        org=world.orgs[key],
        month=_today(),
        theme=theme,
        team="王明（组织部）\n李华（纪委）",
        checklist="坐班在岗\n台账规范",
        targets=[world.orgs[k] for k in children],
        actor=world.admin,
    )
    if start:
        _services().plan_start(plan=plan, actor=world.admin)
    return plan, [theme]


def _draft_plan(world, key):
    return _plan(world, key, start=False, theme=f"暗访计划·{key}")


def _active_plan(world, key):
    return _plan(world, key, start=True, theme=f"实施中暗访·{key}")


def _visit(world, key, *, submit: bool):
    if key not in VILLAGES:
        return None
    s = _services()
    plan = s.plan_create(
        org=world.orgs[PARENT[key]],
        month=_today(),
        theme=f"走访主题{'交办' if submit else '记录'}·{key}",
        team="王明（组织部）\n李华（纪委）",
        checklist="坐班在岗",
        targets=[world.orgs[key]],
        actor=world.admin,
    )
    s.plan_start(plan=plan, actor=world.admin)
    finding = f"走访发现{'交办' if submit else '记录'}·{key}"
    visit = s.visit_record(
        plan=plan,
        org=world.orgs[key],
        visited_at=timezone.now(),
        inspectors="督查组",
        scores={"坐班在岗": 6},
        findings=[finding],
        deadline=_today() + timedelta(days=30),
        actor=world.admin,
    )
    if submit:
        s.visit_submit(visit=visit, actor=world.admin)
    return visit, [finding]


def _ranking_set(world, key):
    if key not in CHILD:
        return None
    name = f"指标组·{key}"
    rs = _services().ranking_set_save(
        org=world.orgs[key], name=name, items=[{"key": "ledger.open_items", "weight": 100}], actor=world.admin
    )
    return rs, [name]


def _briefing(world, key):
    if key not in CHILD:
        return None
    title = f"通报·{key}"
    b = _services().briefing_create(
        org=world.orgs[key], month=_today(), title=title, summary=f"通报概况·{key}", actor=world.admin
    )
    return b, [title]


def _briefing_reviewed(world, key):
    """Compiled by the administrator and reviewed by the county's organisation department."""
    if key not in CHILD:
        return None
    title = f"已审通报·{key}"
    b = _services().briefing_create(
        org=world.orgs[key], month=_today(), title=title, summary=f"已审概况·{key}", actor=world.admin
    )
    b = _services().briefing_review(briefing=b, actor=world.personas["county_admin"])
    return b, [title]


def _rating(world, key, *, rate: bool):
    s = _services()
    note = f"{'评定' if rate else '自评'}说明·{key}"
    r = s.rating_self_assess(
        org=world.orgs[key],
        year=_today().year - (2 if rate else 1),
        self_score=80,
        self_note=note,
        actor=world.admin,
    )
    if rate:
        r = s.rating_rate(rating=r, poll_score=80, township_score=80, actor=world.admin)
    return r, [note]


def _weak(world, key):
    if key not in ("village_a2", "village_b1"):
        return None
    note = f"软弱涣散情况·{key}"
    w = _services().weak_flag(
        org=world.orgs[key],
        year=_today().year,
        reasons=["meetings"],
        note=note,
        county_contact="县领导甲",
        township_contact="镇领导乙",
        actor=world.admin,
    )
    return w, [note]


def _weak_done(world, key):
    """A township flagged and rectified, every item closed: ready to be lifted."""
    if key not in ("township_a", "township_b"):
        return None
    from dangjian.ledger import door

    s = _services()
    note = f"整顿完成·{key}"
    w = s.weak_flag(
        org=world.orgs[key],
        year=_today().year,
        reasons=["divided"],
        note=note,
        county_contact="县领导甲",
        township_contact="镇领导乙",
        actor=world.admin,
    )
    s.weak_hand_down(
        weak=w, problems=[f"整顿事项·{key}"], deadline=_today() + timedelta(days=30), actor=world.admin
    )
    door.items_of_source(w, world.admin).update(status="closed", closed_on=_today())
    return w, [note]


def _venue(world, key):
    if key not in VILLAGES:
        return None
    address = f"场所规划·{key}"
    v = _services().venue_save(
        org=world.orgs[key],
        kind="none",
        address=address,
        plan="new_build",
        plan_deadline=_today() + timedelta(days=60),
        actor=world.admin,
    )
    return v, [address]


def _assessment(world, key):
    if key not in CHILD:
        return None
    title = f"年度考核·{key}"
    a = _services().assessment_create(
        org=world.orgs[key],
        year=_today().year,
        title=title,
        items=[{"key": "ledger.open_items", "weight": 60}],
        manual_items="述职评议 40",
        actor=world.admin,
    )
    return a, [title]


def _scoresheet(world, key):
    if key not in CHILD:
        return None
    name = f"评分表·{key}"
    sheet = _services().scoresheet_save(
        org=world.orgs[key],
        year=_today().year - 3,  # no rating of the walk falls in that year
        name=name,
        items=[{"name": f"评分项·{key}", "weight": 100}],
        grade_thresholds=["90", "80", "60"],
        star_thresholds=["60", "65", "75", "85", "95"],
        actor=world.admin,
    )
    return sheet, [name, f"评分项·{key}"]


def _ranking_call(world, key):
    """The last place of the organisation's ranking called in (township B ranks one village: nothing to call)."""
    if key not in ("county", "township_a"):
        return None
    from dangjian.supervision.models import RankingSet

    rs = _services().ranking_set_save(
        org=world.orgs[key],
        name=f"排名约谈·{key}",  # not containing another record's marker ("指标组·county")
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=world.admin,
    )
    call = _services().ranking_call(
        ranking_set=RankingSet.objects.get(pk=rs.pk),
        root=world.orgs[key],
        month=_today().replace(day=1) - timedelta(days=1),
        bottom=1,
        deadline=_today() + timedelta(days=30),
        actor=world.admin,
    )
    # The call shows only its ranking set's name and organisation labels: nothing distinctive of its own.
    return call, []


OBJECTS = {
    "sup_assessment": _assessment,
    "sup_plan": _draft_plan,
    "sup_plan_active": _active_plan,
    "sup_visit": lambda world, key: _visit(world, key, submit=True),
    "sup_visit_draft": lambda world, key: _visit(world, key, submit=False),
    "sup_ranking_set": _ranking_set,
    "sup_briefing": _briefing,
    "sup_briefing_reviewed": _briefing_reviewed,
    "sup_rating": lambda world, key: _rating(world, key, rate=False),
    "sup_rating_rated": lambda world, key: _rating(world, key, rate=True),
    "sup_weak": _weak,
    "sup_weak_done": _weak_done,
    "sup_venue": _venue,
    "sup_scoresheet": _scoresheet,
    "sup_ranking_call": _ranking_call,
}


def _new_plan(world, org, key):
    if key not in CHILD:
        return None
    return {
        "org": org.pk,
        "month": _today().strftime("%Y-%m"),
        "theme": f"走查新计划·{key}",
        "team": "王明（组织部）\n李华（纪委）",
        "checklist": "坐班在岗",
        "targets": [world.orgs[CHILD[key]].pk],
    }


def _new_visit(world, plan, key):
    return {
        "org": plan.targets.order_by("pk").first().pk,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "inspectors": "走查督查组",
        "score_0": "8",
        "score_1": "7",
        "findings": "走查发现问题",
        "deadline": (_today() + timedelta(days=20)).isoformat(),
    }


def _new_set(world, org, key):
    return {"org": org.pk, "name": f"走查指标组·{key}", "key_0": "ledger.open_items", "weight_0": "100"}


def _new_briefing(world, org, key):
    return {
        "org": org.pk,
        "month": _today().strftime("%Y-%m"),
        "title": f"走查通报·{key}",
        "summary": "走查概况",
    }


def _edit_briefing(world, b, key):
    return {"title": f"走查改标题·{key}", "summary": "走查改概况", "good_practice": "", "ranking_set": ""}


def _new_rating(world, org, key):
    return {"org": org.pk, "year": str(_today().year), "self_score": "85", "self_note": "走查自评"}


def _new_weak(world, org, key):
    if key not in ("village_a1", "county"):
        return None
    return {
        "org": org.pk,
        "year": str(_today().year),
        "reasons": ["meetings"],
        "county_contact": "走查县领导",
        "township_contact": "走查镇领导",
    }


def _new_venue(world, org, key):
    return {"org": org.pk, "kind": "own", "address": f"走查场所·{key}", "area": "80", "checked": ["有场所"]}


def _empty(world, obj, key):
    return {}


def _new_assessment(world, org, key):
    return {
        "org": org.pk,
        "name": f"走查考核·{key}",
        "year": str(_today().year),
        "key_0": "ledger.open_items",
        "weight_0": "70",
        "manual_items": "述职评议 30",
    }


def _score(world, a, key):
    return {"org": world.orgs[CHILD[key]].pk, "item": "述职评议", "score": "85", "note": "走查评分依据"}


def _new_sheet(world, org, key):
    return {
        "org": org.pk,
        "year": str(_today().year - 4),
        "name": f"走查评分表·{key}",
        "grade_thresholds": "90,80,60",
        "star_thresholds": "60,65,75,85,95",
        "name_0": "走查评分项",
        "weight_0": "100",
    }


def _edit_sheet(world, sheet, key):
    return {
        "name": f"走查改评分表·{key}",
        "grade_thresholds": "90,80,60",
        "star_thresholds": "60,65,75,85,95",
        "name_0": "走查改评分项",
        "weight_0": "100",
    }


def _new_call(world, rs, key):
    return {
        "ranking_set": rs.pk,
        "root": rs.org.pk,
        "month": (_today().replace(day=1) - timedelta(days=40)).strftime("%Y-%m"),
        "bottom": "1",
        "deadline": (_today() + timedelta(days=20)).isoformat(),
    }


YEAR = {"year": str(timezone.localdate().year - 1)}

ROUTES = {
    "supervision:assessment_list": page("sup_assessment"),
    "supervision:assessment_create": create("org", _new_assessment),
    "supervision:assessment_detail": detail("sup_assessment"),
    "supervision:assessment_score": write("sup_assessment", _score),
    "supervision:assessment_confirm": write("sup_assessment", _empty),
    "supervision:plan_list": page(("sup_plan", "sup_plan_active", "sup_visit", "sup_visit_draft")),
    "supervision:plan_create": create("org", _new_plan, inside="township_a"),
    "supervision:plan_detail": detail(("sup_plan", "sup_plan_active")),
    "supervision:plan_start": write("sup_plan", _empty),
    "supervision:plan_close": write("sup_plan_active", _empty),
    "supervision:visit_create": write(
        "sup_plan_active", _new_visit, kwargs=lambda plan: {"plan_pk": plan.pk}
    ),
    "supervision:visit_detail": detail(("sup_visit", "sup_visit_draft")),
    "supervision:visit_submit": write("sup_visit_draft", _empty),
    "supervision:ranking": page("sup_ranking_set"),
    "supervision:ranking_set_create": create("org", _new_set),
    "supervision:ranking_set_edit": write(
        "sup_ranking_set",
        lambda w, rs, k: {"name": f"走查改指标组·{k}", "key_0": "ledger.overdue_items", "weight_0": "100"},
    ),
    "supervision:ranking_call_create": create("sup_ranking_set", _new_call),
    "supervision:ranking_call_detail": detail("sup_ranking_call"),
    "supervision:scoresheet_list": page("sup_scoresheet"),
    "supervision:scoresheet_create": create("org", _new_sheet),
    "supervision:scoresheet_edit": write("sup_scoresheet", _edit_sheet),
    "supervision:briefing_list": page(("sup_briefing", "sup_briefing_reviewed")),
    "supervision:briefing_create": create("org", _new_briefing),
    "supervision:briefing_detail": detail(("sup_briefing", "sup_briefing_reviewed")),
    "supervision:briefing_print": detail("sup_briefing"),
    "supervision:briefing_edit": write("sup_briefing", _edit_briefing),
    "supervision:briefing_review": write("sup_briefing", _empty),
    "supervision:briefing_return": write(
        "sup_briefing_reviewed", lambda w, b, k: {"note": "走查退回：排名表需复核"}
    ),
    "supervision:briefing_publish": write("sup_briefing_reviewed", _empty),
    "supervision:briefing_export": detail("sup_briefing"),
    "supervision:briefing_document": detail("sup_briefing"),
    "supervision:rating_list": page(("sup_rating",), query=YEAR),
    # The plaques list names confirmed organisations only: no record of the walk is distinctive there.
    "supervision:rating_export": export(query={"year": str(timezone.localdate().year - 2)}),
    "supervision:rating_create": create("org", _new_rating),
    "supervision:rating_detail": detail(("sup_rating", "sup_rating_rated")),
    "supervision:rating_rate": write(
        "sup_rating", lambda w, r, k: {"poll_score": "80", "township_score": "82"}
    ),
    "supervision:rating_confirm": write("sup_rating_rated", _empty),
    "supervision:rating_return": write("sup_rating_rated", lambda w, r, k: {"note": "走查退回重评"}),
    "supervision:weak_list": page(("sup_weak", "sup_weak_done")),
    "supervision:weak_create": create("org", _new_weak),
    "supervision:weak_detail": detail(("sup_weak", "sup_weak_done")),
    "supervision:weak_hand_down": write(
        "sup_weak",
        lambda w, weak, k: {
            "problems": "走查整改问题",
            "deadline": (_today() + timedelta(days=30)).isoformat(),
        },
    ),
    "supervision:weak_lift": write("sup_weak_done", _empty),
    "supervision:venue_list": page("sup_venue"),
    "supervision:venue_save": create("org", _new_venue),
    "supervision:venue_detail": detail("sup_venue"),
    "supervision:venue_hand_down": write("sup_venue", _empty),
    "supervision-plan-list": api_list(("sup_plan", "sup_plan_active")),
    "supervision-plan-detail": api_detail(("sup_plan", "sup_plan_active")),
    "supervision-visit-list": api_list(("sup_visit", "sup_visit_draft")),
    "supervision-visit-detail": api_detail(("sup_visit", "sup_visit_draft")),
    "supervision-briefing-list": api_list(("sup_briefing", "sup_briefing_reviewed")),
    "supervision-briefing-detail": api_detail(("sup_briefing", "sup_briefing_reviewed")),
    "supervision-ranking-list": api_list("sup_ranking_set"),
    "supervision-ranking-detail": api_detail("sup_ranking_set"),
    "supervision-ranking-results": api_detail("sup_ranking_set"),
    "supervision-rating-list": api_list(("sup_rating", "sup_rating_rated")),
    "supervision-rating-detail": api_detail(("sup_rating", "sup_rating_rated")),
}
