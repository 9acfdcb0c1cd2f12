"""Nobody sees, exports or changes a record outside their subtree — proved on EVERY URL.

The test walks the whole URL tree (pages, exports, API router routes) and fails when a URL
name is not classified below. To classify a new URL add ONE line to ``ROUTES``::

    "ledger:item_detail": detail("item"),              # GET for an outside item → 404
    "ledger:item_close": write("item"),                # GET/POST for an outside item → 404, DB unchanged
    "ledger:item_list": page("item"),                  # outside items' names never in the page
    "ledger:item_export": export("item"),              # … nor in the .xlsx/.docx/.csv
    "item-list": api_list("item"), "item-detail": api_detail("item"),
    "ledger:entry_edit": write("entry", kwargs=lambda o: {"list_pk": o.item_list_id, "pk": o.pk}),
    "ledger:dashboard": page(),                        # a page without objects: still checked for leaks

A new kind of record needs ONE builder in ``OBJECTS``: ``"item": _item`` where
``_item(world, key)`` creates the record in organisation ``world.orgs[key]`` and returns
``(record, [distinctive strings])`` (or ``None`` where that kind cannot exist in that
organisation). Use ``world.get("person", key)`` to reuse another kind's record. Global
pages that hold no scoped records (login, language, API schema, admin…) go in ``PUBLIC``.

What is checked, for every persona (admin, county_admin, township_a, township_b,
village_a1, inspector, member, anonymous) and every organisation outside the persona's
subtree (``OUTSIDE``):

- detail routes: GET → 404 (anonymous → login redirect);
- write routes: GET → 404/405 and POST → 404, the database unchanged;
- pages, exports, API lists: no distinctive string of an outside record in the body
  (also with ``HX-Request``; .xlsx read with openpyxl; zip documents searched entry by entry);
- API detail: GET/PATCH/DELETE → 404 (or 405 for read-only routes); anonymous → 401/403.

A 403 counts as "not leaking" only when the persona gets the same 403 for a record
inside its own subtree (a refusal that does not depend on the record). Each route is also
checked from the county admin's side with records INSIDE the scope (not 404 there, names
present in lists), so a wrong kwargs builder cannot make the test pass vacuously.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.orgs.models import Post
from dangjian.orgs.tests.factories import make_person

# --- the organisations each persona must NOT see (the oracle; independent of core.scoping) ---

ORG_KEYS = ("county", "township_a", "township_b", "village_a1", "village_a2", "village_b1")
OUTSIDE: dict[str, tuple[str, ...]] = {
    "admin": (),
    "county_admin": (),
    "inspector": (),
    "township_a": ("county", "township_b", "village_b1"),
    "township_b": ("county", "township_a", "village_a1", "village_a2"),
    "village_a1": ("county", "township_a", "township_b", "village_a2", "village_b1"),
    "member": ("county", "township_a", "township_b", "village_a2", "village_b1"),
}
# An organisation's own name may appear where its ancestors are shown (breadcrumbs, "belongs to").
ANCESTORS: dict[str, tuple[str, ...]] = {
    "township_a": ("county",),
    "township_b": ("county",),
    "village_a1": ("county", "township_a"),
    "member": ("county", "township_a"),
}
HOME: dict[str, str] = {
    "admin": "county",
    "county_admin": "county",
    "inspector": "county",
    "township_a": "township_a",
    "township_b": "township_b",
    "village_a1": "village_a1",
    "member": "village_a1",
}

# --- records of each kind, one per organisation, with strings found nowhere else ---

PERSON_NAMES = {
    "county": "赵县直",
    "township_a": "钱甲镇",
    "township_b": "孙乙镇",
    "village_a1": "李甲一",
    "village_a2": "周甲二",
    "village_b1": "吴乙一",
}


def _org(world, key):
    org = world.orgs[key]
    names = [org.name] + ([org.short_name] if org.short_name else [])
    return org, names


def _person(world, key):
    name = PERSON_NAMES[key]
    return make_person(world.orgs[key], name), [name]


def _post(world, key):
    person = world.get("person", key)
    post = Post.objects.create(
        org=world.orgs[key], person=person, kind="committee", started_on=date(2020, 1, 1)
    )
    return post, []  # the person's name is the distinctive string, checked through "person"


def _account(world, key):
    label = f"账户{PERSON_NAMES[key]}"
    user = User.objects.create_user(username=f"leak_{key}", password="x-Leak-2026", display_name=label)
    RoleAssignment.objects.create(user=user, role=Role.BRANCH_SECRETARY, org=world.orgs[key])
    return user, [label, f"leak_{key}"]


def _assignment(world, key):
    user = world.get("account", key)
    return user.assignments.get(), []


# ledger, talks (清单、整改、销号、回头看、约谈): records built through the services, as the admin.
def _ledger_actor(world):
    return world.personas["admin"]


def _item_list(world, key):
    from dangjian.ledger import services as ledger

    title = f"整改清单·{key}"
    item_list = ledger.list_create(org=world.orgs[key], title=title, actor=_ledger_actor(world))
    return item_list, [title]


def _ledger_item(world, key, *, prefix="整改事项"):
    from datetime import timedelta

    from django.utils import timezone

    from dangjian.ledger import services as ledger

    item_list = world.get("item_list", key)
    title = f"{prefix}·{key}"
    item = ledger.item_create(
        item_list=item_list,
        org=world.orgs[key],
        title=title,
        actor=_ledger_actor(world),
        deadline=timezone.localdate() + timedelta(days=10),
    )
    if item_list.status != item_list.Status.ISSUED:
        ledger.list_issue(item_list=item_list, actor=_ledger_actor(world))
        item.refresh_from_db()
    return item, [title]


def _item_group(world, key):
    from dangjian.ledger import services as ledger

    title = f"整改事项组·{key}"
    group = ledger.item_hand_down_many(
        item_list=world.get("item_list", key),
        orgs=[world.orgs[key]],
        title=title,
        actor=_ledger_actor(world),
        long_term=True,
    )
    return group, [title]


def _progress(world, key):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from dangjian.ledger import services as ledger

    item = world.get("item", key)
    ledger.item_acknowledge(item=item, actor=_ledger_actor(world))
    text = f"整改进展·{key}"
    entry = ledger.progress_add(
        item=item,
        actor=_ledger_actor(world),
        on=timezone.localdate(),
        text=text,
        percent=10,
        files=[SimpleUploadedFile(f"佐证材料-{key}.pdf", b"%PDF-leak")],
    )
    return entry, [text]


def _evidence(world, key):
    entry = world.get("progress", key)
    evidence = entry.files.get()
    return evidence, [evidence.name]


def _extension(world, key):
    from datetime import timedelta

    from dangjian.ledger import services as ledger

    item = world.get("item", key)
    reason = f"延期理由·{key}"
    ext = ledger.extension_request(
        item=item, actor=_ledger_actor(world), requested_to=item.deadline + timedelta(days=5), reason=reason
    )
    return ext, [reason]


def _recheck(world, key):
    from django.utils import timezone

    from dangjian.ledger import services as ledger

    admin = _ledger_actor(world)
    item, strings = _ledger_item(world, key, prefix="回头看事项")
    # Whoever rectifies an item never verifies it: the department rectifies, the administrator verifies.
    rectifier = world.personas["county_admin"]
    ledger.item_acknowledge(item=item, actor=rectifier)
    ledger.item_file_measures(item=item, actor=rectifier, measures="措施")
    ledger.item_request_closure(item=item, actor=rectifier)
    ledger.item_verify(item=item, actor=admin)
    return ledger.recheck_schedule(item=item, actor=admin, scheduled_on=timezone.localdate())[0], strings


def _talk(world, key):
    from django.utils import timezone

    from dangjian.talks import services as talks

    content = f"约谈内容·{key}"
    talk = talks.talk_record_interview(
        item=world.get("item", key),
        talker="督查组",
        talkee=f"被约谈人·{key}",
        held_on=timezone.localdate(),
        content=content,
        actor=_ledger_actor(world),
    )
    return talk, [content]


OBJECTS: dict[str, Callable] = {
    "org": _org,
    "person": _person,
    "post": _post,
    "account": _account,
    "assignment": _assignment,
    "item_list": _item_list,
    "item": _ledger_item,
    "group": _item_group,
    "progress": _progress,
    "evidence": _evidence,
    "extension": _extension,
    "recheck": _recheck,
    "talk": _talk,
}

# --- the table: every URL name → how to check it ---


def _pk(obj) -> dict:
    return {"pk": obj.pk}


@dataclass(frozen=True)
class Route:
    kind: str  # "page", "export", "detail", "write", "api_list", "api_detail"
    obj: str | None = None  # key in OBJECTS
    kwargs: Callable = _pk  # record → URL kwargs
    fixed: dict = field(default_factory=dict)  # kwargs that do not depend on a record
    query: dict = field(default_factory=dict)  # GET parameters for pages and exports


def page(obj=None, **kw) -> Route:
    return Route("page", obj, **kw)


def export(obj=None, **kw) -> Route:
    return Route("export", obj, **kw)


def detail(obj, **kw) -> Route:
    return Route("detail", obj, **kw)


def write(obj, **kw) -> Route:
    return Route("write", obj, **kw)


def api_list(obj=None, **kw) -> Route:
    return Route("api_list", obj, **kw)


def api_detail(obj, **kw) -> Route:
    return Route("api_detail", obj, **kw)


ROUTES: dict[str, Route] = {
    # core
    "home": page(),
    "orgs:focus": page("org"),
    "audit_log": page(),
    "parameters": page(),
    "password_change": page(),
    "password_change_done": page(),
    # orgs
    "orgs:tree": page("org"),
    "orgs:org_list": page("org"),
    "orgs:warnings": page(),
    "orgs:org_detail": detail("org"),
    "orgs:tree_children": detail("org"),
    "orgs:org_create": write("org"),
    "orgs:org_edit": write("org"),
    "orgs:org_move": write("org"),
    "orgs:org_dissolve": write("org"),
    "orgs:person_list": page("person"),
    "orgs:person_create": page(),
    "orgs:person_detail": detail("person"),
    "orgs:person_edit": write("person"),
    "orgs:person_unmask": write("person"),
    "orgs:person_transfer": write("person"),
    "orgs:person_leave": write("person"),
    "orgs:person_restore": write("person"),
    "orgs:post_create": write("org", kwargs=lambda o: {"org_pk": o.pk}),
    "orgs:post_end": write("post"),
    "orgs:import_upload": page(fixed={"kind": "members"}),
    "orgs:import_template": export(fixed={"kind": "members"}),
    "orgs:import_confirm": page(fixed={"kind": "members"}),
    "orgs:person_export": export("person"),
    "orgs:org_export": export("org"),
    "organisation-list": api_list("org"),
    "organisation-detail": api_detail("org"),
    "person-list": api_list("person"),
    "person-detail": api_detail("person"),
    # accounts
    "accounts:user_list": page("account"),
    "accounts:user_create": page(),
    "accounts:user_detail": detail("account"),
    "accounts:assignment_add": write("account"),
    "accounts:assignment_remove": write("assignment"),
    "accounts:user_set_active": write("account"),
    "accounts:user_reset_password": write("account"),
    # ledger (清单、整改、销号), notices, talks
    "ledger:list_index": page("item_list"),
    "ledger:list_create": page(),
    "ledger:list_detail": detail("item_list"),
    "ledger:list_transition": write("item_list"),
    "ledger:list_recheck": write("item_list"),
    "ledger:item_add": write("item_list"),
    "ledger:items_paste": write("item_list"),
    "ledger:import_upload": write("item_list"),
    "ledger:import_template": detail("item_list"),
    "ledger:import_confirm": write("item_list"),
    "ledger:group_detail": detail("group"),
    "ledger:item_detail": detail("item"),
    "ledger:item_transition": write("item"),
    "ledger:progress_add": write("item"),
    "ledger:extension_request": write("item"),
    "ledger:recheck_schedule": write("item"),
    "ledger:accountability_create": write("item"),
    "ledger:extension_decide": write("extension"),
    "ledger:recheck_record": write("recheck"),
    "ledger:evidence_download": detail("evidence"),
    "ledger:ledger": page("item"),
    "ledger:ledger_export": export("item"),
    "ledger:rollup": page(),
    "ledger:rollup_export": export(),
    "ledger:pressure": page(),
    "ledger:escalations": page(),
    "api-list-list": api_list("item_list"),
    "api-list-detail": api_detail("item_list"),
    "api-item-list": api_list("item"),
    "api-item-detail": api_detail("item"),
    "api-item-transition": api_detail("item"),
    "api-progress-list": api_list("progress"),
    "notices:list": page(),
    "notices:read": page(fixed={"pk": 1}),
    "notices:read_all": page(),
    "talks:interview_create": write("item", kwargs=lambda o: {"item_pk": o.pk}),
    "talks:talk_detail": detail("talk"),
    # indicators: the figures of an outside organisation are refused (404), names never listed
    "indicators:index": page("org", query={"key": "ledger.open_items"}),
}

# Global URLs that show no scoped record: signing in and out, language, API schema and docs, Django admin
# (superusers only), static files.
PUBLIC = {"login", "logout", "set_language", "api_token", "schema", "api_docs", "api-root"}
PUBLIC_NAMESPACES = {"admin"}
PUBLIC_PREFIXES = ("static/", "media/", "^static/", "^media/")


# --- walking the URL tree ---


def all_url_names() -> dict[str, str]:
    """Every URL pattern of the project: namespaced name → route text (unnamed ones keyed by route)."""
    found: dict[str, str] = {}

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if namespace and namespace.split(":")[0] in PUBLIC_NAMESPACES:
                    continue
                if p.name is None:
                    if not route.startswith(PUBLIC_PREFIXES):
                        found[f"<unnamed {route}>"] = route
                    continue
                found[f"{namespace}:{p.name}" if namespace else p.name] = route

    walk(get_resolver(), "", None)
    return found


def test_every_url_is_classified_for_the_leak_walk():
    names = all_url_names()
    unclassified = sorted(n for n in names if n not in ROUTES and n not in PUBLIC)
    assert not unclassified, (
        "URLs without a row in test_persona_leaks.ROUTES (add one line each, or to PUBLIC if it shows no "
        f"scoped record): {unclassified}"
    )
    stale = sorted(set(ROUTES) - set(names))
    assert not stale, f"ROUTES rows for URLs that no longer exist: {stale}"


def test_the_walk_finds_api_routes_and_app_pages():
    names = all_url_names()
    assert {"orgs:person_detail", "person-list", "person-detail", "home"} <= set(names)


# --- the world: one record of each kind in each organisation ---


class World:
    def __init__(self, county, personas):
        self.orgs = {key: getattr(county, key) for key in ORG_KEYS}
        self.personas = personas.all()
        self._made: dict[tuple[str, str], tuple[object, list[str]] | None] = {}

    def entry(self, kind: str, key: str):
        if (kind, key) not in self._made:
            self._made[(kind, key)] = OBJECTS[kind](self, key)
        return self._made[(kind, key)]

    def get(self, kind: str, key: str):
        made = self.entry(kind, key)
        return made[0] if made else None

    def build_all(self) -> None:
        for kind in OBJECTS:
            for key in ORG_KEYS:
                self.entry(kind, key)

    def strings(self, kind: str, key: str) -> list[str]:
        made = self.entry(kind, key)
        return list(made[1]) if made else []

    def forbidden(self, persona: str) -> list[tuple[str, str, str]]:
        """(string, kind, org key) of every record the persona must not see."""
        result = []
        for key in OUTSIDE[persona]:
            for kind in OBJECTS:
                if kind == "org" and key in ANCESTORS.get(persona, ()):
                    continue
                result.extend((s, kind, key) for s in self.strings(kind, key))
        return result


@pytest.fixture
def world(county, personas):
    return World(county, personas)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> str:
    """The response as text: HTML/JSON as is, spreadsheets cell by cell, other zip documents entry by entry."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if content[:2] == b"PK":
        if "spreadsheetml" in ctype or "excel" in ctype:
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            cells = [
                str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
            ]
            return "\n".join(cells)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist())
    if "json" in ctype:
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            pass
    return content.decode("utf-8", "ignore")


def _fingerprint(obj=None) -> str:
    """Row counts of every project model, plus the target record's values."""
    parts = []
    for model in apps.get_models():
        if model.__module__.startswith("dangjian.") or model._meta.label == "auditlog.LogEntry":
            parts.append(f"{model._meta.label}={model._default_manager.count()}")
    if obj is not None:
        parts.append(repr(list(type(obj)._default_manager.filter(pk=obj.pk).values())))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _url(name: str, route: Route, obj=None) -> str:
    kwargs = dict(route.fixed)
    if obj is not None:
        kwargs.update(route.kwargs(obj))
    return reverse(name, kwargs=kwargs or None)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _inside_refusal(client, name, route, world, persona, method="get") -> int | None:
    """The status the persona gets for a record of the same kind inside its own subtree (or None)."""
    obj = world.get(route.obj, HOME[persona])
    if obj is None:
        return None
    url = _url(name, route, obj)
    return (client.post(url, {}) if method == "post" else client.get(url)).status_code


# --- the walk ---

ROUTE_NAMES = sorted(ROUTES)


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_no_persona_sees_or_changes_records_outside_its_subtree(name, world):
    if name not in all_url_names():
        pytest.skip(
            f"{name} is not in the URL tree (test_every_url_is_classified_for_the_leak_walk reports it)"
        )
    route = ROUTES[name]
    problems: list[str] = []
    if route.kind in ("page", "export", "api_list"):
        world.build_all()
        _check_listing(name, route, world, problems)
    else:
        _check_record_route(name, route, world, problems)
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def _check_listing(name, route, world, problems) -> None:
    url = _url(name, route)
    is_api = route.kind == "api_list"
    anon = Client().get(url, route.query)
    if is_api:
        if anon.status_code not in (401, 403):
            problems.append(f"anonymous got {anon.status_code} from the API list")
    elif not _is_login_redirect(anon):
        problems.append(f"anonymous got {anon.status_code} instead of the login page")
    for persona in OUTSIDE:
        client = _client(world.personas[persona])
        headers = [{}] if route.kind != "page" else [{}, {"HTTP_HX_REQUEST": "true"}]
        for extra in headers:
            response = client.get(url, route.query, **extra)
            if response.status_code >= 500:
                problems.append(f"{persona}: server error {response.status_code}")
                continue
            body = _body(response)
            for text, kind, key in world.forbidden(persona):
                if text in body:
                    problems.append(
                        f"{persona} sees {kind} of {key} ({text!r}){' with htmx' if extra else ''}"
                    )
    if route.obj:
        # Sanity: the listing really lists this kind (some listings are paged or expand lazily: one is enough).
        response = _client(world.personas["county_admin"]).get(url, route.query)
        body = _body(response)
        expected = [s for key in ORG_KEYS for s in world.strings(route.obj, key)]
        if response.status_code == 200 and not any(s in body for s in expected):
            problems.append(f"county_admin sees none of {expected}: the row's object kind is wrong")
        elif response.status_code != 200:
            problems.append(f"county_admin got {response.status_code}: cannot prove the listing is checked")


def _check_record_route(name, route, world, problems) -> None:
    is_api = route.kind == "api_detail"
    # Sanity first: records inside the scope are found (the kwargs builder is right).
    for key in ORG_KEYS:
        obj = world.get(route.obj, key)
        if obj is None:
            continue
        status = _client(world.personas["county_admin"]).get(_url(name, route, obj)).status_code
        if status == 404 or status >= 500:
            problems.append(f"county_admin got {status} for the {route.obj} of {key} (inside the scope)")
    for key in ORG_KEYS:
        obj = world.get(route.obj, key)
        if obj is None:
            continue
        url = _url(name, route, obj)
        anon = Client().get(url)
        if is_api and anon.status_code not in (401, 403):
            problems.append(f"anonymous got {anon.status_code} for {key} from the API")
        if not is_api and not _is_login_redirect(anon):
            problems.append(f"anonymous got {anon.status_code} for {key} instead of the login page")
        if route.kind == "write":
            before = _fingerprint(obj)
            anon_post = Client().post(url, {})
            if not _is_login_redirect(anon_post):
                problems.append(f"anonymous POST got {anon_post.status_code} for {key}")
            if _fingerprint(obj) != before:
                problems.append(f"anonymous POST changed the database for {key}")
    for persona, outside in OUTSIDE.items():
        client = _client(world.personas[persona])
        for key in outside:
            obj = world.get(route.obj, key)
            if obj is None:
                continue
            url = _url(name, route, obj)
            if route.kind == "detail":
                _expect_hidden(
                    client.get(url),
                    (404,),
                    persona,
                    key,
                    "GET",
                    problems,
                    lambda c=client, p=persona: _inside_refusal(c, name, route, world, p),
                )
            elif route.kind == "write":
                _expect_hidden(
                    client.get(url),
                    (404, 405),
                    persona,
                    key,
                    "GET",
                    problems,
                    lambda c=client, p=persona: _inside_refusal(c, name, route, world, p),
                )
                before = _fingerprint(obj)
                response = client.post(url, {})
                if _fingerprint(obj) != before:
                    problems.append(f"{persona}: POST for the {route.obj} of {key} changed the database")
                _expect_hidden(
                    response,
                    (404,),
                    persona,
                    key,
                    "POST",
                    problems,
                    lambda c=client, p=persona: _inside_refusal(c, name, route, world, p, "post"),
                )
            else:  # api_detail
                _expect_hidden(client.get(url), (404,), persona, key, "GET", problems)
                before = _fingerprint(obj)
                for method in ("patch", "delete"):
                    response = getattr(client, method)(url, {}, content_type="application/json")
                    _expect_hidden(response, (404, 405), persona, key, method.upper(), problems)
                if _fingerprint(obj) != before:
                    problems.append(f"{persona}: API write for the {route.obj} of {key} changed the database")


def _expect_hidden(response, allowed, persona, key, method, problems, inside_status=None) -> None:
    status = response.status_code
    if status in allowed:
        return
    if status == 403 and inside_status is not None and inside_status() == 403:
        return  # refused whatever the record: reveals nothing
    problems.append(f"{persona}: {method} for the record of {key} answered {status}, expected {allowed}")
