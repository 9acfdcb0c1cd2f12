"""Leak-walk rows of the extraction module (see core/tests/leakwalk.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dangjian.core.tests.leakwalk import api_detail, api_list, create, detail, page, write


def _today():
    return timezone.localdate()


def _text(key: str) -> str:
    return f"一是要抓好走查任务落实·{key}。\n二是要规范走查台账·{key}。"


def _extraction(world, key):
    from dangjian.extract import services

    org = world.orgs[key]
    extraction = services.extraction_create(
        actor=world.admin, org=org, title=f"走查讲话·{key}", spoken_on=_today(), text=_text(key)
    )
    # Every kept row gets an organisation and a date, so that saving the list can really write.
    for draft in extraction.drafts.all():
        services.draft_update(
            draft=draft,
            actor=world.admin,
            title=draft.title,
            kind=draft.kind,
            orgs=[org],
            deadline=_today() + timedelta(days=30),
        )
    return extraction, [f"走查讲话·{key}", f"抓好走查任务落实·{key}"]


def _draft(world, key):
    extraction = world.get("extraction", key)
    draft = extraction.drafts.order_by("number").last()
    return draft, [f"规范走查台账·{key}"]


OBJECTS = {"extraction": _extraction, "draft": _draft}


def _new(world, org, key) -> dict:
    return {
        "org": org.pk,
        "title": f"走查新讲话·{key}",
        "kind": "speech",
        "spoken_on": _today().isoformat(),
        "text": f"各单位要抓好新任务落实·{key}，年底前完成。",
    }


def _edit(world, draft, key) -> dict:
    return {
        "title": f"走查改后标题·{key}",
        "kind": "task",
        "orgs": [world.orgs[key].pk],
        "deadline": (_today() + timedelta(days=40)).isoformat(),
    }


ROUTES = {
    "extract:extraction_list": page("extraction"),
    "extract:extraction_create": create("org", _new, obj="org"),
    "extract:extraction_detail": detail("extraction"),
    "extract:draft_add": write("extraction", lambda world, e, key: {"quote": f"二是要规范走查台账·{key}"}),
    "extract:extraction_save": write("extraction", lambda world, e, key: {"confirm": "1"}),
    "extract:draft_update": write("draft", _edit, second=("township_a", "village_a1")),
    "extract:draft_merge": write("draft", lambda world, d, key: {"confirm": "1"}),
    "extract:draft_split": write("draft", lambda world, d, key: {"at": "规范走查台账"}),
    "api-extraction-list": api_list("extraction", target="org", data=_new),
    "api-extraction-detail": api_detail("extraction"),
}
