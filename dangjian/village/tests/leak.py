"""Leak-walk rows of village governance (see core/tests/leakwalk.py): every page, export and form.

Cadres exist only in villages: each village gets a committee director who is not a party member
(other rows count the members of a subtree), who is also its first secretary; the A1 one is the
village_a1 persona's own roster record, so that persona checks in for himself. Each village also
gets one leave, one report, one work file, decisions in three states, a grid and grid matters.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from dangjian.core.tests.leakwalk import (
    api_action,
    api_detail,
    api_list,
    create,
    detail,
    export,
    page,
    session_holds,
    write,
)
from dangjian.village.tests.builders import grid_category, grid_file, report_kind, rota_file

VILLAGES = ("village_a1", "village_a2", "village_b1")
NAMES = {"village_a1": "冯村甲一", "village_a2": "陈村甲二", "village_b1": "褚村乙一"}


def _today():
    return timezone.localdate()


def _cadre(world, key):
    """A village committee director who is not a party member (other rows count the members of a subtree)."""
    if key not in VILLAGES:
        return None
    from dangjian.orgs.models import Post, PostKind
    from dangjian.orgs.tests.factories import make_person

    person = make_person(
        world.orgs[key], NAMES[key], birth=date(1975, 4, 4), category="non_member", joined_on=None
    )
    post = Post.objects.create(
        org=world.orgs[key], person=person, kind=PostKind.VILLAGE_DIRECTOR, started_on=date(2025, 1, 1)
    )
    if key == "village_a1":
        user = world.personas["village_a1"]
        user.person = person
        user.save(update_fields=["person"])
    return post, [NAMES[key]]


def _leave(world, key):
    post = world.get("vcadre", key)
    if post is None:
        return None
    from dangjian.village import services

    reason = f"请假事由·{key}"
    today = _today()
    leave = services.leave_request(
        post=post,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        reason=reason,
        actor=world.admin,
    )
    return leave, [reason]


def _report(world, key):
    post = world.get("vcadre", key)
    if post is None:
        return None
    from dangjian.village import services

    text = f"重大事项·{key}"
    report = services.report_file(
        post=post,
        kind=report_kind("外出（3天以上）"),
        occurs_on=_today() + timedelta(days=2),
        description=text,
        actor=world.admin,
    )
    return report, [text]


def _work_file(world, key):
    post = world.get("vcadre", key)
    if post is None:
        return None
    from dangjian.village import services

    text = f"年度目标·{key}"
    work_file = services.work_file_save(
        post=post, year=_today().year, targets=text, commitments="修通组道\n新建便民桥", actor=world.admin
    )
    return work_file, [text]


def _posting(world, key):
    post = world.get("vcadre", key)
    if post is None:
        return None
    from dangjian.orgs.models import Post, PostKind
    from dangjian.village import services

    fs_post = Post.objects.create(
        org=post.org, person=post.person, kind=PostKind.FIRST_SECRETARY, started_on=date(2025, 1, 1)
    )
    unit = f"派出单位·{key}"
    posting = services.posting_create(
        post=fs_post,
        sending_unit=unit,
        started_on=_today() - timedelta(days=90),
        ends_on=None,
        actor=world.admin,
    )
    return posting, [unit]


def _decision(world, key, *, steps: int = 0, amount: int = 10000, label: str = "决策事项"):
    if key not in VILLAGES:
        return None
    from dangjian.village import services

    title = f"{label}·{key}"
    decision = services.decision_create(
        org=world.orgs[key], title=title, category="project", amount=amount, actor=world.admin
    )
    today = _today()
    meeting = {"expected": 30, "present": 25, "votes_for": 20, "votes_against": 3, "votes_abstain": 2}
    publication = {
        "published_where": "村务公开栏",
        "published_from": today,
        "published_until": today + timedelta(days=7),
    }
    for step in range(1, steps + 1):
        data = meeting if step in (3, 4) else publication if step == 5 else {}
        services.decision_record_step(decision=decision, step=step, held_on=today, actor=world.admin, **data)
    decision.refresh_from_db()
    return decision, [title]


def _big_decision(world, key):
    return _decision(world, key, steps=3, amount=2_000_000, label="大额事项")


def _disclosed_decision(world, key):
    return _decision(world, key, steps=5, label="已公开事项")


def _grid(world, key):
    if key not in VILLAGES:
        return None
    from dangjian.village import services

    name = f"网格·{key}"
    return services.grid_create(org=world.orgs[key], name=name, area="", members=[], actor=world.admin), [
        name
    ]


def _matter(world, key):
    grid = world.get("vgrid", key)
    if grid is None:
        return None
    from dangjian.village import services

    title = f"网格事项·{key}"
    matter = services.matter_register(
        grid=grid,
        actor=world.admin,
        title=title,
        source="resident",
        category=grid_category("环境卫生"),
        reporter_phone="13800001234",
    )
    return matter, [title]


def _late_matter(world, key):
    grid = world.get("vgrid", key)
    if grid is None:
        return None
    from dangjian.village import services

    title = f"逾期网格事项·{key}"
    matter = services.matter_register(
        grid=grid,
        actor=world.admin,
        title=title,
        source="hotline",
        category=grid_category("安全隐患"),
        registered_on=_today() - timedelta(days=30),
    )
    return matter, [title]


def _checkin(world, key):
    post = world.get("vcadre", key)
    if post is None:
        return None
    from dangjian.village.models import CheckIn

    place = f"打卡地点·{key}"
    day = _today() - timedelta(days=1)
    checkin = CheckIn.objects.create(
        org=post.org, person=post.person, day=day, at=timezone.now() - timedelta(days=1), location=place
    )
    return checkin, [place]


# A dictionary entry kept by a committee is chosen in every organisation below it.
BELOW = {
    "county": ("township_a", "township_b", "village_a1", "village_a2", "village_b1"),
    "township_a": ("village_a1", "village_a2"),
    "township_b": ("village_b1",),
}


def _grid_category(world, key):
    if key not in BELOW:
        return None
    from dangjian.core.tests.leakwalk import Built
    from dangjian.village import services
    from dangjian.village.models import GridCategory

    name = f"网格类别·{key}"
    entry = services.dictionary_entry_create(
        model=GridCategory, org=world.orgs[key], actor=world.admin, name=name, respond_days=1, resolve_days=4
    )
    return Built(entry, (name,), reach=BELOW[key])


def _entry_data(world, entry, key):
    return {"name": f"改名类别·{key}", "respond_days": 2, "resolve_days": 6, "order": 50, "active": "on"}


def _new_entry_data(world, org, key):
    if key not in BELOW:
        return None
    return {"keeper": org.pk, "name": f"新类别·{key}", "respond_days": 1, "resolve_days": 5, "order": 50}


# The village whose cadre a rota sheet imported into each organisation names.
ROTA_VILLAGE = {"county": "village_a1", "township_a": "village_a1", "township_b": "village_b1"}


def _rota_sheet(world, org, key):
    village = ROTA_VILLAGE.get(key, key)
    post = world.get("vcadre", village)
    return rota_file([(world.orgs[village].name, post.person.name, "周一、周四")])


def _grid_sheet(world, org, key):
    village = ROTA_VILLAGE.get(key, key)
    post = world.get("vcadre", village)
    return grid_file([(world.orgs[village].name, f"导入网格·{key}", "一组", post.person.name)])


def _upload_grids(client, world, org, key) -> None:
    from django.urls import reverse

    client.post(reverse("village:grid_import", args=[org.pk]), _grid_sheet(world, org, key))


def _upload_rota(client, world, org, key) -> None:
    from django.urls import reverse

    client.post(reverse("village:rota_import", args=[org.pk]), _rota_sheet(world, org, key))


OBJECTS = {
    "vcadre": _cadre,
    "vgrid_category": _grid_category,
    "vcheckin": _checkin,
    "vleave": _leave,
    "vreport": _report,
    "vwork_file": _work_file,
    "vposting": _posting,
    "vdecision": _decision,
    "vdecision_big": _big_decision,
    "vdecision_disclosed": _disclosed_decision,
    "vgrid": _grid,
    "vmatter": _matter,
    "vmatter_late": _late_matter,
}


def _open_checkin(client, world, post, key):
    """Check-in is refused outside its hours: the walk runs at any hour, so the window is all day."""
    from dangjian.core import params

    params.set_value("village.checkin_from_hour", 0)
    params.set_value("village.checkin_until_hour", 24)


def _fs_post(posting):
    from dangjian.orgs.models import Post

    return {"pk": Post.objects.get(person=posting.person, kind="first_secretary").pk}


def _version(world, obj, key, **extra):
    return {"version": obj.version, "note": "", **extra}


ROUTES = {
    "village:my_duty": page(),
    "village:dictionaries": page("vgrid_category"),
    "village:dictionary_create": create(
        "org", _new_entry_data, fixed={"kind": "grid"}, inside="township_a", allowed=None
    ),
    "village:dictionary_edit": write(
        "vgrid_category", _entry_data, fixed={"kind": "grid"}, kwargs=lambda entry: {"pk": entry.pk}
    ),
    "village:rota_day": page("vcadre"),
    "village:cadre_detail": detail("vcadre"),
    "village:checkin": write(
        "vcadre",
        lambda world, post, key: {"location": "村委会"},
        allowed=("village_a1",),
        prepare=_open_checkin,
    ),
    "village:rota_edit": write("vcadre", lambda world, post, key: {"weekdays": ["1", "3"]}),
    "village:holiday_duty": write("org", lambda world, org, key: {"year": 2026}),
    "village:rota_import": write("org", _rota_sheet, accepted=session_holds("import_pending")),
    "village:rota_import_confirm": write("org", lambda world, org, key: {}, prepare=_upload_rota),
    "village:rota_import_template": detail("org"),
    "village:grid_import": write("org", _grid_sheet, accepted=session_holds("import_pending")),
    "village:grid_import_confirm": write("org", lambda world, org, key: {}, prepare=_upload_grids),
    "village:grid_import_template": detail("org"),
    "village:leave_create": write(
        "vcadre",
        lambda world, post, key: {
            "starts_on": (_today() + timedelta(days=30)).isoformat(),
            "ends_on": (_today() + timedelta(days=31)).isoformat(),
            "reason": "走查请假",
        },
    ),
    "village:leave_list": page("vleave"),
    "village:leave_export": export("vleave"),
    "village:leave_detail": detail("vleave"),
    "village:leave_move": write(
        "vleave", lambda world, leave, key: _version(world, leave, key, to="approved")
    ),
    "village:report_create": write(
        "vcadre",
        lambda world, post, key: {
            "kind": report_kind("外出（3天以上）").pk,
            "occurs_on": (_today() + timedelta(days=5)).isoformat(),
            "description": "走查报告",
        },
    ),
    "village:report_list": page("vreport"),
    "village:report_export": export("vreport"),
    "village:report_detail": detail("vreport"),
    "village:report_move": write(
        "vreport", lambda world, report, key: _version(world, report, key, to="acknowledged")
    ),
    "village:first_secretaries": page("vposting"),
    "village:posting_create": write(
        "vposting",
        lambda world, posting, key: {
            "sending_unit": "走查派出单位",
            "started_on": _today().isoformat(),
            "ends_on": "",
        },
        kwargs=_fs_post,
    ),
    "village:work_file_edit": write(
        "vcadre",
        lambda world, post, key: {"year": _today().year - 1, "targets": "走查目标", "grade": "competent"},
    ),
    "village:work_file_detail": detail("vwork_file"),
    "village:work_file_export": detail("vwork_file"),
    "village:work_file_commitments": write("vwork_file", lambda world, work_file, key: {}),
    "village:decision_list": page(("vdecision", "vdecision_big", "vdecision_disclosed")),
    "village:decision_export": export(("vdecision", "vdecision_big", "vdecision_disclosed")),
    "village:decision_create": write(
        "org",
        lambda world, org, key: {"title": "走查决策", "category": "plan", "amount": "1000"},
        allowed=("village_a1",),
    ),
    "village:decision_detail": detail(("vdecision", "vdecision_big", "vdecision_disclosed")),
    "village:decision_step": write(
        "vdecision",
        lambda world, decision, key: {"step": "1", "held_on": _today().isoformat()},
        allowed=("village_a1",),
    ),
    "village:decision_review": write(
        "vdecision_big", lambda world, d, key: _version(world, d, key, to="township_reviewed")
    ),
    "village:decision_implemented": write(
        "vdecision_disclosed",
        lambda world, d, key: {"implemented_on": _today().isoformat()},
        allowed=("village_a1",),
    ),
    "village:grid_create": write("org", lambda world, org, key: {"name": "走查网格", "area": "一组"}),
    "village:matter_to_ledger": write(
        "vmatter_late", lambda world, m, key: {"deadline": (_today() + timedelta(days=15)).isoformat()}
    ),
    "village:matter_list": page("vmatter"),
    "village:matter_export": export("vmatter"),
    "village:grid_rollup": page(),
    "village:matter_create": write(
        "vgrid",
        lambda world, grid, key: {
            "title": "走查事项",
            "source": "patrol",
            "category": grid_category("安全隐患").pk,
            "reporter_phone": "13900002222",
        },
        allowed=("township_a",),
    ),
    "village:matter_detail": detail("vmatter"),
    "village:matter_route": write(
        "vmatter",
        lambda world, m, key: {
            "to_org": world.orgs["township_a"].pk,
            "reason": "走查流转",
            "version": m.version,
        },
        allowed=("township_a",),
    ),
    "village:matter_move": write(
        "vmatter", lambda world, m, key: _version(world, m, key, to="handling"), allowed=("township_a",)
    ),
    "api-vcheckin-list": api_list("vcheckin"),
    "api-vcheckin-detail": api_detail("vcheckin"),
    "api-vleave-list": api_list("vleave"),
    "api-vleave-detail": api_detail("vleave"),
    "api-vleave-transition": api_action(
        "vleave", lambda world, leave, key: {"to": "approved", "version": leave.version}
    ),
    "api-vreport-list": api_list("vreport"),
    "api-vreport-detail": api_detail("vreport"),
    "api-vreport-transition": api_action(
        "vreport", lambda world, report, key: {"to": "acknowledged", "version": report.version}
    ),
    "api-vworkfile-list": api_list("vwork_file"),
    "api-vworkfile-detail": api_detail("vwork_file"),
    "api-vposting-list": api_list("vposting"),
    "api-vposting-detail": api_detail("vposting"),
    "api-vdecision-list": api_list(("vdecision", "vdecision_big", "vdecision_disclosed")),
    "api-vdecision-detail": api_detail(("vdecision", "vdecision_big", "vdecision_disclosed")),
    "api-vdecision-step": api_action(
        "vdecision",
        lambda world, d, key: {"step": 1, "held_on": _today().isoformat()},
        allowed=("village_a1",),
    ),
    "api-vdecision-transition": api_action(
        "vdecision_big", lambda world, d, key: {"to": "township_reviewed", "version": d.version}
    ),
    "api-vmatter-list": api_list(("vmatter", "vmatter_late")),
    "api-vmatter-detail": api_detail(("vmatter", "vmatter_late")),
    "api-vmatter-transition": api_action(
        "vmatter", lambda world, m, key: {"to": "handling", "version": m.version}, allowed=("township_a",)
    ),
    "api-vmatter-route": api_action(
        "vmatter",
        lambda world, m, key: {
            "to_org": world.orgs["township_a"].pk,
            "reason": "走查流转",
            "version": m.version,
        },
        allowed=("township_a",),
    ),
}
