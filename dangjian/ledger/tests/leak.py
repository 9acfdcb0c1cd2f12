"""Leak-walk rows of the ledger (清单、整改、销号、回头看): records, routes and the figures it shows.

Records are built through the services as the system administrator. Besides one record of
each kind per organisation, a county list is shared across subtrees: one group handed to A1
and B1 together, one to B镇 and B1, one to A镇 and A2 (``shared_*``). Whoever opens that list
because one item is theirs must see nothing of the groups and items of the others.
See ``dangjian/core/tests/leakwalk.py`` for what each row kind checks.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dangjian.core.tests.leakwalk import (
    Built,
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


def _services():
    from dangjian.ledger import services

    return services


def _today():
    return timezone.localdate()


# --- records ---


def _item_list(world, key):
    title = f"整改清单·{key}"
    return _services().list_create(org=world.orgs[key], title=title, actor=world.admin), [title]


def _new_item(world, key, prefix, *, deadline_days=30, item_list=None):
    """An item of ``key``'s list handed down to ``key`` (the list is issued with its first item)."""
    services = _services()
    item_list = item_list or world.get("item_list", key)
    title = f"{prefix}·{key}"
    item = services.item_create(
        item_list=item_list,
        org=world.orgs[key],
        title=title,
        actor=world.admin,
        deadline=_today() + timedelta(days=deadline_days),
    )
    if item_list.status != item_list.Status.ISSUED:
        services.list_issue(item_list=item_list, actor=world.admin)
        item_list.refresh_from_db()
    item.refresh_from_db()
    return item, title


def _item(world, key):
    """Acknowledged (by the progress below) and due within the yellow days: it counts as "due soon"."""
    item, title = _new_item(world, key, "整改事项", deadline_days=2)
    return item, [title]


def _draft_list(world, key):
    """A list still in draft with one item: handing it down is a write the walk can make."""
    services = _services()
    title = f"草稿清单·{key}"
    item_list = services.list_create(org=world.orgs[key], title=title, actor=world.admin)
    services.item_create(
        item_list=item_list,
        org=world.orgs[key],
        title=f"草稿事项·{key}",
        actor=world.admin,
        deadline=_today() + timedelta(days=30),
    )
    return item_list, [title, f"草稿事项·{key}"]


def _item_group(world, key):
    title = f"整改事项组·{key}"
    group = _services().item_hand_down_many(
        item_list=world.get("item_list", key),
        orgs=[world.orgs[key]],
        title=title,
        actor=world.admin,
        long_term=True,
    )
    return group, [title]


def _evidence_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-leak", content_type="application/pdf")


def _acknowledged_progress(world, item, text: str, filename: str):
    """The item acknowledged, then one progress entry with one evidence file."""
    services = _services()
    services.item_acknowledge(item=item, actor=world.admin)
    return services.progress_add(
        item=item, actor=world.admin, on=_today(), text=text, percent=10, files=[_evidence_file(filename)]
    )


def _progress(world, key):
    text = f"整改进展·{key}"
    return _acknowledged_progress(world, world.get("item", key), text, f"佐证材料-{key}.pdf"), [text]


def _evidence(world, key):
    evidence = world.get("progress", key).files.get()
    return evidence, [evidence.name]


def _extension(world, key):
    services = _services()
    item, title = _new_item(world, key, "延期事项")
    services.item_acknowledge(item=item, actor=world.admin)
    reason = f"延期理由·{key}"
    ext = services.extension_request(
        item=item, actor=world.admin, requested_to=item.deadline + timedelta(days=5), reason=reason
    )
    return ext, [reason, title]


def _closed(world, key, prefix):
    """Rectified by the organisation's own secretary, verified by the administrator (never the same person)."""
    services = _services()
    item, title = _new_item(world, key, prefix)
    rectifier = world.get("account", key)
    services.item_acknowledge(item=item, actor=rectifier)
    services.item_file_measures(item=item, actor=rectifier, measures="措施")
    services.item_request_closure(item=item, actor=rectifier, files=[_evidence_file(f"销号材料-{key}.pdf")])
    services.item_verify(item=item, actor=world.admin)
    item.refresh_from_db()
    return item, title


def _new_handed_item(world, key):
    """Handed down and not yet acknowledged (待签收): acknowledging it in bulk is a write the walk can make."""
    item, title = _new_item(world, key, "待签收事项")
    return item, [title]


def _parent_key(world, key):
    """The key of the organisation above ``key``'s in the walk's world (None for the top)."""
    org = world.orgs[key]
    return next((k for k, o in world.orgs.items() if o.path == org.path[: -org.steplen]), None)


def _requested_item(world, key):
    """Closure requested by the organisation's own secretary (待核验) of an item handed down by the organisation
    above (whose closures are its to verify: "my work"): verifying it in bulk is a write."""
    services = _services()
    parent = _parent_key(world, key)
    item_list = None
    if parent:
        # A list of its own at the organisation above (the world's lists stay each in its own subtree).
        item_list = services.list_create(org=world.orgs[parent], title=f"核验清单·{key}", actor=world.admin)
    item, title = _new_item(world, key, "待核验事项", item_list=item_list)
    rectifier = world.get("account", key)
    services.item_acknowledge(item=item, actor=rectifier)
    services.item_file_measures(item=item, actor=rectifier, measures="措施")
    services.item_request_closure(item=item, actor=rectifier, files=[_evidence_file(f"待核验材料-{key}.pdf")])
    item.refresh_from_db()
    return item, [title]


def _closed_item(world, key):
    """Closed, without a look-back yet: scheduling one is a write the walk can make."""
    item, title = _closed(world, key, "已销号事项")
    return item, [title]


def _recheck(world, key):
    item, title = _closed(world, key, "回头看事项")
    return _services().recheck_schedule(item=item, actor=world.admin, scheduled_on=_today())[0], [title]


def _overdue(world, key):
    """An item of an old list, 20 days past its deadline (it is escalated by the daily job below)."""
    services = _services()
    then = _today() - timedelta(days=50)
    title = f"逾期清单·{key}"
    item_list = services.list_create(org=world.orgs[key], title=title, actor=world.admin, issued_on=then)
    item = services.item_create(
        item_list=item_list,
        org=world.orgs[key],
        title=f"逾期事项·{key}",
        actor=world.admin,
        deadline=then + timedelta(days=30),
        today=then,
    )
    services.list_issue(item_list=item_list, actor=world.admin, today=then)
    item.refresh_from_db()
    return item, [title, f"逾期事项·{key}"]


def _escalation(world, key):
    """The daily job's escalation of the overdue item (and this month's saved figures)."""
    from dangjian.ledger.models import Escalation

    if "daily" not in world.scratch:
        for other in world.orgs:
            world.get("overdue", other)
        services = _services()
        world.scratch["daily"] = services.escalations_run(today=_today())
        services.snapshot_month(month=_today(), today=_today())
    return Escalation.objects.filter(item=world.get("overdue", key)).first(), []


def _shared(world):
    """A county list with groups across subtrees: A1+B1 together, B镇+B1, A镇+A2."""
    if "shared" not in world.scratch:
        services = _services()
        orgs = world.orgs
        item_list = services.list_create(org=orgs["county"], title="跨镇共享清单", actor=world.admin)
        groups = {}
        for key, title, members in (
            ("village_a1", "两镇共办任务", ("village_a1", "village_b1")),
            ("township_b", "乙镇专办任务", ("township_b", "village_b1")),
            ("township_a", "甲镇专办任务", ("township_a", "village_a2")),
        ):
            groups[key] = services.item_hand_down_many(
                item_list=item_list,
                orgs=[orgs[m] for m in members],
                title=title,
                actor=world.admin,
                deadline=_today() + timedelta(days=30),
            )
        services.list_issue(item_list=item_list, actor=world.admin)
        world.scratch["shared"] = item_list, groups
    return world.scratch["shared"]


GROUP_REACH = {"village_a1": ("village_b1",), "township_b": ("village_b1",), "township_a": ("village_a2",)}


def _shared_list(world, key):
    if key != "county":
        return None
    item_list, _groups = _shared(world)
    return Built(item_list, (item_list.title,), reach=tuple(k for k in world.orgs if k != "county"))


def _shared_group(world, key):
    _item_list, groups = _shared(world)
    if key not in groups:
        return None
    return Built(groups[key], (groups[key].title,), reach=GROUP_REACH[key])


def _shared_progress(world, key):
    """Progress on each side's item of the group A1 and B1 share: each side sees only its own."""
    if key not in ("village_a1", "village_b1"):
        return None
    item = _shared(world)[1]["village_a1"].items.get(org=world.orgs[key])
    text, filename = f"共办进展·{key}", f"共办佐证-{key}.pdf"
    return _acknowledged_progress(world, item, text, filename), [text, filename]


def _shared_item(world, key):
    """Each side's item of the shared groups (the item page shows its group, progress and evidence)."""
    _item_list, groups = _shared(world)
    for group in groups.values():
        item = group.items.filter(org=world.orgs[key]).first()
        if item is not None:
            world.get("shared_progress", key)
            return item, []
    return None


OBJECTS = {
    "item_list": _item_list,
    "item": _item,
    "draft_list": _draft_list,
    "group": _item_group,
    "progress": _progress,
    "evidence": _evidence,
    "extension": _extension,
    "closed_item": _closed_item,
    "new_item": _new_handed_item,
    "requested_item": _requested_item,
    "recheck": _recheck,
    "overdue": _overdue,
    "escalation": _escalation,
    "shared_list": _shared_list,
    "shared_group": _shared_group,
    "shared_progress": _shared_progress,
    "shared_item": _shared_item,
}


# --- form data (``key`` names the organisation the form's other fields point to) ---


def _later(days=30) -> str:
    return (_today() + timedelta(days=days)).isoformat()


def _new_list(world, org, key) -> dict:
    return {
        "org": org.pk,
        "title": f"走查新清单·{key}",
        "kind": "problem",
        "source": "assigned",
        "issued_on": _today().isoformat(),
    }


def _items_file(world, item_list, key) -> dict:
    from openpyxl import Workbook

    from dangjian.ledger.columns import IMPORT_COLUMNS

    headers = [c.header for c in IMPORT_COLUMNS]
    values = {
        "问题描述": "走查导入事项",
        "责任单位": world.orgs[key].name,
        "整改时限": _later(),
        "责任人": "张三",
    }
    book = Workbook()
    book.active.append(headers)
    book.active.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return {"file": SimpleUploadedFile("走查清单.xlsx", buffer.getvalue())}


def _upload_items(client, world, item_list, key) -> None:
    client.post(reverse("ledger:import_upload", args=[item_list.pk]), _items_file(world, item_list, key))


def _move(item) -> dict:
    return {"to": "rectifying", "measures": "走查整改措施", "note": "", "version": item.version}


def _progress_data(item) -> dict:
    return {"on": _today().isoformat(), "text": "走查整改进展", "percent": 20, "version": item.version}


# Forms that name organisations: A镇 handing its own list's items to A1 works, to anyone outside must not.
HANDED_TO = ("township_a", "village_a1")

ROUTES = {
    "ledger:list_index": page(("item_list", "shared_list")),
    "ledger:list_create": create("org", _new_list, obj="org"),
    "ledger:list_detail": detail(("item_list", "shared_list")),
    "ledger:list_transition": write(
        "draft_list",
        lambda w, lst, key: {"to": "issued", "note": "", "version": lst.version, "confirmed": "1"},
    ),
    "ledger:list_recheck": write("item_list", lambda w, lst, key: {"scheduled_on": _today().isoformat()}),
    "ledger:item_add": write(
        "item_list",
        lambda w, lst, key: {"orgs": [w.orgs[key].pk], "title": f"走查新增事项·{key}", "deadline": _later()},
        second=HANDED_TO,
    ),
    "ledger:items_paste": write(
        "item_list",
        lambda w, lst, key: {
            "orgs": [w.orgs[key].pk],
            "text": "走查粘贴事项一\n走查粘贴事项二",
            "deadline": _later(),
        },
        second=HANDED_TO,
    ),
    # The preview writes nothing: accepted when the file waits in the session for its confirmation.
    "ledger:import_upload": write(
        "item_list", _items_file, accepted=session_holds("import_pending"), second=HANDED_TO
    ),
    "ledger:import_template": detail("item_list"),
    "ledger:import_confirm": write(
        "item_list", lambda w, lst, key: {}, prepare=_upload_items, second=HANDED_TO
    ),
    "ledger:group_detail": detail(("group", "shared_group")),
    "ledger:item_detail": detail(("item", "shared_item")),
    "ledger:item_closure_document": detail("item"),
    "ledger:item_transition": write("item", lambda w, item, key: _move(item)),
    "ledger:item_urge": write("item", lambda w, item, key: {"note": "走查催办"}),
    # The queues are the persona's own organisation's work: the county's new item, a closure of A镇's item
    # that the county handed down (the county admin writes both).
    "ledger:queue_to_acknowledge": create(
        "new_item", lambda w, item, key: {"items": [item.pk]}, inside="county"
    ),
    "ledger:queue_to_verify": create(
        "requested_item",
        lambda w, item, key: {"items": [item.pk], "action": "verify", "note": ""},
        inside="township_a",
    ),
    "ledger:progress_add": write("item", lambda w, item, key: _progress_data(item)),
    "ledger:extension_request": write(
        "item",
        lambda w, item, key: {
            "requested_to": (item.deadline + timedelta(days=10)).isoformat(),
            "reason": "走查延期理由",
            "version": item.version,
        },
    ),
    "ledger:recheck_schedule": write(
        "closed_item", lambda w, item, key: {"scheduled_on": _today().isoformat()}
    ),
    "ledger:accountability_create": write(
        "item",
        lambda w, item, key: {
            "target": "cadre",
            "person_name": "走查责任人",
            "outcome": "accountable",
            "forms": ["notice"],
            "body": "org_dept",
            "facts": "整改逾期，予以通报。",
            "decided_on": _today().isoformat(),
            "document_number": "",
        },
    ),
    "ledger:extension_decide": write("extension", lambda w, ext, key: {"approve": "1", "note": ""}),
    "ledger:recheck_record": write("recheck", lambda w, r, key: {"result": "confirmed", "note": "走查复核"}),
    "ledger:evidence_download": detail("evidence"),
    "ledger:ledger": page("item", outside_query={"item_list": "item_list", "org": "org"}),
    "ledger:ledger_export": export("item"),
    "ledger:ledger_document": export("item"),
    "ledger:rollup": page(outside_query={"org": "org"}),
    "ledger:rollup_export": export(),
    "ledger:ranking_export": export(),
    "ledger:escalations_export": export("overdue"),
    "ledger:pressure": page(),
    "ledger:escalations": page("overdue"),
    "api-ledger-rollup-list": api_list(),
    "api-list-list": api_list("item_list"),
    "api-list-detail": api_detail(("item_list", "shared_list")),
    "api-item-list": api_list("item"),
    "api-item-detail": api_detail(("item", "shared_item")),
    "api-item-transition": api_action("item", lambda w, item, key: _move(item)),
    "api-progress-list": api_list(
        "progress", target="item", data=lambda w, item, key: {"item": item.pk, **_progress_data(item)}
    ),
}


# --- numbers: the figures pages show, against counts from the oracle ---


def _visible_items(world, persona):
    """Handed-down items of the organisations the persona may see (the oracle, not visible_to)."""
    from dangjian.ledger.models import Item

    return Item.objects.exclude(status=Item.Status.DRAFT).filter(org__in=world.record_orgs(persona))


def _overdue_q():
    return Q(deadline__lt=_today(), long_term=False) & ~Q(status="closed")


def _rollup_counts(world, persona, client) -> list[str]:
    """Each roll-up row (default root and every organisation as root) counts only items the persona may see."""
    from dangjian.orgs.models import Organisation

    problems = []
    queries = [{}] + [{"org": org.pk} for org in world.allowed_orgs(persona)]
    for query in queries:
        response = client.get(reverse("ledger:rollup"), query)
        if response.status_code != 200:
            continue
        rows = re.findall(
            r'data-org="(\d+)" data-total="(\d+)" data-overdue="(\d+)"', response.content.decode()
        )
        for pk, total, overdue in rows:
            org = Organisation.objects.get(pk=pk)
            items = _visible_items(world, persona).filter(org__path__startswith=org.path)
            expected = (items.count(), items.filter(_overdue_q()).count())
            if (int(total), int(overdue)) != expected:
                problems.append(
                    f"roll-up {query}: {org.name} shows {total} items, {overdue} overdue; "
                    f"the persona may see {expected[0]}, {expected[1]} overdue"
                )
    return problems


def _list_counts(world, persona, client) -> list[str]:
    """The list index counts, per list, only items the persona may see."""
    problems = []
    text = client.get(reverse("ledger:list_index")).content.decode()
    for pk, total, closed, overdue in re.findall(
        r'data-list="(\d+)" data-items="(\d+)" data-closed="(\d+)" data-overdue="(\d+)"', text
    ):
        items = _visible_items(world, persona).filter(item_list_id=pk)
        expected = (items.count(), items.filter(status="closed").count(), items.filter(_overdue_q()).count())
        if (int(total), int(closed), int(overdue)) != expected:
            problems.append(
                f"list {pk} shows {total} items ({closed} closed, {overdue} overdue); "
                f"the persona may see {expected}"
            )
    return problems


def _own_orgs_with(world, persona, cap: str) -> list:
    """The organisations the persona's own roles carrying ``cap`` name (not those below them; a superuser has
    none): whose work is the persona's own work (oracle of "my work")."""
    from dangjian.accounts.roles import role_caps

    user = world.personas[persona]
    if user.is_superuser:
        return []
    allowed = {org.pk for org in world.allowed_orgs(persona)}
    return [
        a.org_id for a in user.assignments.all() if cap in role_caps().get(a.role, ()) and a.org_id in allowed
    ]


def _my_work_counts(world, persona, client) -> list[str]:
    """The home page's "my items" counts: only items of the persona's own organisations (to rectify) and of
    the organisations they handed items down from (to verify), each one the persona may see and act for."""
    from dangjian.core import params as core_params
    from dangjian.ledger import params
    from dangjian.ledger.models import Item

    today = _today()
    soon = today + timedelta(days=int(core_params.get(params.YELLOW_DAYS.key)))
    items = _visible_items(world, persona)
    mine = Q(org__in=_own_orgs_with(world, persona, "rectify"))
    verify = Q(supervisor_org__in=_own_orgs_with(world, persona, "verify"))
    if int(core_params.get(params.SEPARATION_OF_DUTIES.key)):
        verify &= ~Q(org__in=[a.org_id for a in world.personas[persona].assignments.all()])
    open_mine = mine & Q(long_term=False) & ~Q(status__in=["draft", "closed"])
    S = Item.Status
    expected = {
        "waiting": items.filter(
            (mine & Q(status__in=[S.HANDED_DOWN, S.ACKNOWLEDGED, S.RETURNED]))
            | (verify & Q(status=S.CLOSURE_REQUESTED))
        ).count(),
        "due_soon": items.filter(open_mine, deadline__gte=today, deadline__lte=soon)
        .exclude(status=S.CLOSURE_REQUESTED)
        .count(),
        "overdue": items.filter(open_mine, deadline__lt=today).count(),
        "returned": items.filter(mine, status=S.RETURNED).count(),
    }
    shown = dict.fromkeys(expected, 0)
    text = client.get(reverse("home")).content.decode()
    shown.update({k: int(n) for k, n in re.findall(r'data-testid="work-(\w+)" data-count="(\d+)"', text)})
    return [] if shown == expected else [f"home shows my items {shown}; the persona may see {expected}"]


NUMBERS = {
    "ledger:rollup": [_rollup_counts],
    "ledger:list_index": [_list_counts],
    "home": [_my_work_counts],
}
