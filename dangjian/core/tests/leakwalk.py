"""The persona leak walk: nobody sees, exports or changes a record outside their subtree, on EVERY URL.

The rows live with the modules. Each ``ModuleConfig`` names its rows module in ``leak_rows``
(``dangjian.<app>.tests.leak``), which may define:

- ``OBJECTS``: kind → builder. ``builder(world, key)`` creates one record of that kind in
  organisation ``world.orgs[key]`` (through the services, as ``world.admin``) and returns
  ``(record, [distinctive strings])``, a ``Built`` (records shared across subtrees: ``reach``;
  personal records such as notices: ``owner``), or None where that kind cannot exist there.
  ``world.get(kind, key)`` reuses another kind's record. Everything is built once per test
  module, before the first route is walked; every write of the walk is rolled back.
- ``ROUTES``: URL name → one row (``page``, ``export``, ``detail``, ``write``, ``create``,
  ``api_list``, ``api_detail``, ``api_action`` below). A URL without a row fails the walk,
  which names the app whose leak.py should get it.
- ``PUBLIC``: URL names that show no scoped record (sign-in, language, API schema…).
- ``NUMBERS``: URL name → checks ``check(world, persona, client) -> [problems]`` comparing the
  figures a page shows with counts computed from the oracle below (never from ``visible_to``).

A module's rows, for example::

    OBJECTS = {"session": _session}  # _session(world, key) → (record, [f"评议会·{key}"])
    ROUTES = {
        "reviews:session_list": page("session"),
        "reviews:session_detail": detail("session"),
        "reviews:session_close": write("session", lambda world, s, key: {"note": "闭会", "version": s.version}),
        # a create form names an organisation: posted naming each organisation the persona must not see
        "reviews:session_create": create("org", lambda world, org, key: {"org": org.pk, "title": "评议"}),
        # a form naming a second record: township A posts for its own record naming a record outside
        "reviews:ballot_add": write(
            "session", lambda world, s, key: {"person": world.get("person", key).pk},
            second=("township_a", "village_a1"),
        ),
        "api-session-close": api_action("session", lambda world, s, key: {"version": s.version}),
    }
    NUMBERS = {"reviews:summary": [_summary_counts]}  # check(world, persona, client) → [problems]

The kind of each route is read from the route itself and a row that contradicts it is refused:
a route with a record argument (``<int:pk>``) is never a plain page; a route that answers GET
with 405 (probed as the superuser) is never a page or a detail; a page or detail that accepts
POST must be filed as a write with real form data (or refuse POST with ``require_GET``); an API
route whose viewset answers POST must give the JSON it posts.

What is checked, for every persona and every record the persona must not see (``OUTSIDE``):

- page, export, API list: no distinctive string of an unseen record in the body (also with
  ``HX-Request``; .xlsx cell by cell; zip documents entry by entry);
- detail: GET → 404; and the pages of the records the persona DOES see (records shared across
  subtrees included) show no string of the records it must not see (related sets are scoped);
- write: GET → 404 (405 for POST-only routes), POST of VALID form data → 404 and the database
  unchanged; the county admin posting the same data to a record inside the scope really writes
  (so the data is proven real); forms that take a second record (``second=``) are posted by
  township A for its own record naming another township's record → refused, nothing written;
- create (no record argument): the data names a record the persona must not see (its
  organisation, an item…) → nothing written; the county admin naming one inside → written;
- API: GET/PATCH/DELETE → 404 (405 where read-only); actions and creates POST real JSON;
- anonymous: the login page (401/403 for the API), and no write.

A 403 counts as "not leaking" only when the persona gets the same 403 for a record of the same
kind inside its own subtree (a refusal that does not depend on the record).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from dangjian.core import registry

# --- the oracle: the organisations each persona must NOT see (independent of core.scoping) ---

ORG_KEYS = ("county", "township_a", "township_b", "village_a1", "village_a2", "village_b1")
OUTSIDE: dict[str, tuple[str, ...]] = {
    "admin": (),
    "county_admin": (),
    "inspector": (),
    "township_a": ("county", "township_b", "village_b1"),
    "township_b": ("county", "township_a", "village_a1", "village_a2"),
    "village_a1": ("county", "township_a", "township_b", "village_a2", "village_b1"),
    "member": ("county", "township_a", "township_b", "village_a2", "village_b1"),
    # A township role granted without the subtree: the township itself, none of its villages.
    "township_a_own": ("county", "township_b", "village_a1", "village_a2", "village_b1"),
}
# Organisations whose own page the persona sees but none of whose other records: a plain member sees
# their branch's page, their own person and their own items only (docs/personal-data.md).
OWN_ONLY: dict[str, tuple[str, ...]] = {"member": ("village_a1",)}
# An organisation's own name may appear where its ancestors are shown (breadcrumbs, "belongs to").
ANCESTORS: dict[str, tuple[str, ...]] = {
    "township_a": ("county",),
    "township_b": ("county",),
    "village_a1": ("county", "township_a"),
    "member": ("county", "township_a"),
    "township_a_own": ("county",),
}
HOME: dict[str, str] = {
    "admin": "county",
    "county_admin": "county",
    "inspector": "county",
    "township_a": "township_a",
    "township_b": "township_b",
    "village_a1": "village_a1",
    "member": "village_a1",
    "township_a_own": "township_a",
}
PERSONAS = tuple(OUTSIDE)
# The county admin writes to the first of these organisations that holds a record of the row's kind.
INSIDE_ORDER = ("village_a1", "township_a", "village_a2", "county", "township_b", "village_b1")

# Global URLs outside every module (the Django admin, static and media files).
PUBLIC_NAMESPACES = {"admin"}
PUBLIC_PREFIXES = ("static/", "media/", "^static/", "^media/")


# --- records ---


@dataclass(frozen=True)
class Built:
    """One record of the world and the strings that betray it.

    ``reach``: other organisation keys from which the record is visible too (a county list
    holding an item of a village is seen from that village). ``owner``: a personal record
    (a notice) that only this user may see, whatever their organisation. ``discloses``:
    (kind, key) of records this record's own pages may name by right (a member transferred in
    shows the organisation they came from).
    """

    obj: object
    strings: tuple[str, ...] = ()
    reach: tuple[str, ...] = ()
    owner: object | None = None
    discloses: tuple[tuple[str, str], ...] = ()


Data = Callable[..., dict | None]  # (world, record, key) → form data (None: nothing to post for this key)


def _pk(obj) -> dict:
    return {"pk": obj.pk}


@dataclass(frozen=True)
class Route:
    """How one URL is walked (see the module docstring); build rows with the helpers below."""

    kind: str
    obj: str | tuple[str, ...] | None = None  # kind(s) of record in OBJECTS the route shows or takes
    kwargs: Callable = _pk  # record → URL kwargs
    fixed: dict = field(default_factory=dict)  # URL kwargs that are not record ids (e.g. kind="members")
    query: dict = field(default_factory=dict)  # GET parameters for pages and exports
    data: Data | None = None  # (world, record, key) → VALID form data (JSON for the API)
    target: str | None = None  # create and API create: the kind whose records the data names
    second: tuple[str, str] | None = None  # (record key, inside other key): the form takes a second record
    inside: str | None = None  # key of the record (or of the data) the county admin writes
    # The personas who may make the write: the first makes the inside write (default: the county admin);
    # for a global write (create() without target) every other persona must be refused.
    allowed: tuple[str, ...] | None = None
    accepted: Callable | None = None  # (response, client) → did the write happen? default: database changed
    prepare: Callable | None = None  # (client, world, record, key) before the POST (an upload before confirm)
    outside_query: dict = field(
        default_factory=dict
    )  # query parameter → kind: GET with an unseen record's id

    @property
    def kinds(self) -> tuple[str, ...]:
        if self.obj is None:
            return ()
        return (self.obj,) if isinstance(self.obj, str) else tuple(self.obj)


def page(obj=None, **kw) -> Route:
    """A GET page without record argument: no string of an unseen record in it."""
    return Route("page", obj, **kw)


def export(obj=None, **kw) -> Route:
    """A GET download without record argument: no string of an unseen record in the file."""
    return Route("export", obj, **kw)


def detail(obj, **kw) -> Route:
    """A GET page of one record: 404 outside; seen records' pages show nothing unseen."""
    return Route("detail", obj, **kw)


def write(obj, data: Data, **kw) -> Route:
    """A POST (with or without a GET form) on one record, with VALID form data."""
    return Route("write", obj, data=data, **kw)


def create(target, data: Data, **kw) -> Route:
    """A POST without record argument whose data names a ``target`` record (an organisation…)."""
    return Route("create", kw.pop("obj", None), data=data, target=target, **kw)


def api_list(obj=None, **kw) -> Route:
    """An API list; give ``target`` and ``data`` when the route also creates (POST)."""
    return Route("api_list", obj, **kw)


def api_detail(obj, **kw) -> Route:
    """An API record: GET/PATCH/DELETE → 404 outside."""
    return Route("api_detail", obj, **kw)


def api_action(obj, data: Data, **kw) -> Route:
    """An API action on one record (GET and POST), POSTed with real JSON."""
    return Route("api_action", obj, data=data, **kw)


GET_KINDS = ("page", "export", "detail", "api_list", "api_detail")
WRITE_KINDS = ("write", "create", "api_action")
RECORD_KINDS = ("detail", "write", "api_detail", "api_action")
API_KINDS = ("api_list", "api_detail", "api_action")


# --- collecting every module's rows ---


@dataclass
class Rows:
    """The rows of every module, merged; ``origin`` names the app each row came from."""

    objects: dict[str, Callable] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    public: set[str] = field(default_factory=set)
    numbers: dict[str, list[Callable]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def collect_rows(configs: Iterable | None = None) -> Rows:
    """The rows named by ``leak_rows`` of every registered module (or of ``configs``)."""
    rows = Rows()
    for config in configs if configs is not None else registry.modules.values():
        if not config.leak_rows:
            continue
        module = import_module(config.leak_rows)
        for attr, store in (("OBJECTS", rows.objects), ("ROUTES", rows.routes)):
            for name, value in getattr(module, attr, {}).items():
                if name in store:
                    rows.problems.append(
                        f"{attr}[{name!r}] is declared by both {rows.origin[name]} and {config.label}"
                    )
                store[name] = value
                rows.origin[name] = config.label
        for name in getattr(module, "PUBLIC", ()):
            rows.public.add(name)
            rows.origin.setdefault(name, config.label)
        for name, checks in getattr(module, "NUMBERS", {}).items():
            rows.numbers.setdefault(name, []).extend(checks)
    return rows


# --- the routes as the URL tree declares them ---


@dataclass(frozen=True)
class UrlInfo:
    """One named URL: its route text, its arguments, its view and the module it belongs to."""

    name: str
    route: str
    params: frozenset[str]
    callback: Callable
    app: str
    api_methods: frozenset[str] | None  # DRF routes: the methods the viewset maps; None for plain views


def _params(pattern) -> set[str]:
    names = set(pattern.converters) if isinstance(pattern, RoutePattern) else set(pattern.regex.groupindex)
    return names - {"format"}  # the API's format suffix is not a record


def _module_of(dotted: str | None) -> str | None:
    """The registered module whose package holds ``dotted`` (the longest match)."""
    if not dotted:
        return None
    owners = [
        (len(config.name), label)
        for label, config in registry.modules.items()
        if dotted == config.name or dotted.startswith(config.name + ".")
    ]
    return max(owners)[1] if owners else None


def _callback_module(callback) -> str:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return (cls or callback).__module__


def url_routes(urlconf=None) -> dict[str, UrlInfo]:
    """Every named URL of the project (unnamed ones keyed ``<unnamed route>``), the admin left out."""
    found: dict[str, UrlInfo] = {}

    def walk(resolver, prefix: str, namespace: str | None, conf: str | None, outer: set[str]) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                module = getattr(p.urlconf_module, "__name__", None)
                walk(p, prefix + str(p.pattern), ns, module or conf, outer | _params(p.pattern))
                continue
            if not isinstance(p, URLPattern):
                continue
            route = prefix + str(p.pattern)
            if namespace and namespace.split(":")[0] in PUBLIC_NAMESPACES:
                continue
            if p.name is None and route.startswith(PUBLIC_PREFIXES):
                continue
            name = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else f"<unnamed {route}>"
            top = namespace.split(":")[0] if namespace else None
            app = (
                (top if top in registry.modules else None)
                or _module_of(_callback_module(p.callback))
                or _module_of(conf)
                or "core"
            )
            actions = getattr(p.callback, "actions", None)
            params = _params(p.pattern) | outer
            if name in found:  # the API's format-suffix twin of a route: same view, same arguments
                params |= found[name].params
            found[name] = UrlInfo(
                name=name,
                route=route,
                params=frozenset(params),
                callback=p.callback,
                app=app,
                api_methods=frozenset(m.lower() for m in actions) if actions else None,
            )

    walk(get_resolver(urlconf), "", None, None, set())
    return found


def unclassified(rows: Rows, urls: dict[str, UrlInfo]) -> list[str]:
    """One line per URL without a row, naming the leak.py that should get it."""
    return [
        f"{name} ({info.route}): add a row to {_rows_module(info.app)}"
        for name, info in sorted(urls.items())
        if name not in rows.routes and name not in rows.public
    ]


def _rows_module(label: str) -> str:
    config = registry.modules.get(label)
    named = getattr(config, "leak_rows", None)
    return f"{named} (ROUTES, or PUBLIC if it shows no scoped record)" if named else f"{label} (no leak_rows)"


# --- the world: records of every kind in every organisation, built once ---


class World:
    """The county, the personas and one record of each kind per organisation (and shared ones)."""

    def __init__(self, rows: Rows, county, personas: dict):
        self.rows = rows
        self.county = county
        self.orgs = {key: getattr(county, key) for key in ORG_KEYS}
        self.personas = dict(personas)
        self.admin = self.personas["admin"]
        self._made: dict[tuple[str, str], Built | None] = {}
        self._forbidden: dict[str, list[tuple[str, str, str]]] = {}
        self.scratch: dict = {}  # builders keep shared scenarios here

    def entry(self, kind: str, key: str) -> Built | None:
        if (kind, key) not in self._made:
            made = self.rows.objects[kind](self, key)
            if made is not None and not isinstance(made, Built):
                obj, strings = made
                made = Built(obj, tuple(strings))
            self._made[(kind, key)] = made
        return self._made[(kind, key)]

    def get(self, kind: str, key: str):
        made = self.entry(kind, key)
        return made.obj if made else None

    def build_all(self) -> None:
        for kind in self.rows.objects:
            for key in ORG_KEYS:
                self.entry(kind, key)

    def records(self, kinds: Iterable[str]) -> list[tuple[str, str, Built]]:
        """(kind, key, record) of every built record of these kinds."""
        return [
            (kind, key, made)
            for kind in kinds
            for key in ORG_KEYS
            if (made := self.entry(kind, key)) is not None
        ]

    def sees(self, persona: str, made: Built, key: str, kind: str | None = None) -> bool:
        """The oracle: may the persona see this record? (OUTSIDE, OWN_ONLY, reach and owner; never core.scoping)"""
        if made.owner is not None:
            return self.personas.get(persona) == made.owner
        hidden = set(OUTSIDE[persona])
        if kind != "org":
            hidden |= set(OWN_ONLY.get(persona, ()))
        return any(k not in hidden for k in (key, *made.reach))

    def forbidden(self, persona: str) -> list[tuple[str, str, str]]:
        """(string, kind, key) of every record the persona must not see."""
        if persona not in self._forbidden:
            result = []
            for kind, key, made in self.records(self.rows.objects):
                if self.sees(persona, made, key, kind):
                    continue
                if kind == "org" and key in ANCESTORS.get(persona, ()):
                    continue
                result.extend((s, kind, key) for s in made.strings)
            self._forbidden[persona] = result
        return self._forbidden[persona]

    def allowed_orgs(self, persona: str) -> list:
        """The organisations the persona may see, by the oracle."""
        return [self.orgs[k] for k in ORG_KEYS if k not in OUTSIDE[persona]]

    def record_orgs(self, persona: str) -> list:
        """The organisations whose records (people, items…) the persona may see and count, by the oracle."""
        own_only = OWN_ONLY.get(persona, ())
        return [org for org in self.allowed_orgs(persona) if not any(self.orgs[k] == org for k in own_only)]


def build_world(rows: Rows, county, personas: dict) -> World:
    """The world of the walk: the personas (plus a township role without its subtree) and every record."""
    from dangjian.accounts.models import RoleAssignment, User
    from dangjian.accounts.roles import Role

    own = User.objects.create_user(username="ta_own", password="x-Leak-2026", display_name="A镇本级干事")
    RoleAssignment.objects.create(user=own, role=Role.TOWNSHIP, org=county.township_a, include_subtree=False)
    world = World(rows, county, {**personas, "township_a_own": own})
    world.build_all()
    return world


# --- requests ---


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run a block in a savepoint that is always rolled back (the world stays as built)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass
    finally:
        cache.clear()


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def body(response) -> str:
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


_COUNT_SQL: str | None = None


def _count_sql() -> str:
    global _COUNT_SQL
    if _COUNT_SQL is None:
        qn = connection.ops.quote_name
        tables = sorted(
            model._meta.db_table
            for model in apps.get_models()
            if model.__module__.startswith("dangjian.") or model._meta.label == "auditlog.LogEntry"
        )
        _COUNT_SQL = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)
    return _COUNT_SQL


def fingerprint(*watched) -> str:
    """Row counts of every project table and the audit log (one query), plus the watched records' values."""
    with connection.cursor() as cursor:
        cursor.execute(_count_sql())
        parts = [repr(cursor.fetchone())]
    for obj in watched:
        if obj is not None:
            parts.append(repr(list(type(obj)._default_manager.filter(pk=obj.pk).values())))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def fresh(obj):
    """The record as the database holds it now (builders may have moved it on after building)."""
    if obj is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first() or obj


def why(response) -> str:
    """Status, flashed messages and form errors of a response, for a problem's text."""
    parts = [str(response.status_code)]
    request = getattr(response, "wsgi_request", None)
    if request is not None:
        parts += [str(m) for m in get_messages(request)]
    context = getattr(response, "context", None)
    if context is not None:
        try:
            form = context.get("form")
        except AttributeError:
            form = None
        if form is not None and getattr(form, "errors", None):
            parts.append(json.dumps(form.errors, ensure_ascii=False))
    if response.get("Content-Type", "").startswith("application/json"):
        parts.append(response.content.decode("utf-8", "ignore")[:300])
    exc = getattr(response, "exc_info", None)
    if exc:
        parts.append(repr(exc[1]))
    return "; ".join(parts)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def url_of(name: str, route: Route, obj=None) -> str:
    kwargs = dict(route.fixed)
    if obj is not None:
        kwargs.update(route.kwargs(obj))
    return reverse(name, kwargs=kwargs or None)


def send(client, route: Route, method: str, url: str, data=None):
    """One request; the API's writes get JSON, pages get form data (multipart when it holds a file)."""
    call = getattr(client, method)
    if route.kind in API_KINDS and method != "get":
        return call(url, json.dumps(data or {}), content_type="application/json")
    return call(url, data or {})


# --- the walk of one route ---


class RouteWalk:
    """Every check of one row; ``problems`` collects what leaked or what the row got wrong."""

    def __init__(self, name: str, route: Route, info: UrlInfo, world: World):
        self.name, self.route, self.info, self.world = name, route, info, world
        self.problems: list[str] = []
        self.clients: dict[str, Client] = {}
        self.get_ok = self.post_ok = False

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            self.clients[persona] = client_for(self.world.personas[persona])
        return self.clients[persona]

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def run(self) -> list[str]:
        self.classify()
        if self.problems:
            return self.problems
        kind = self.route.kind
        if kind in ("page", "export", "api_list") or (kind == "create" and self.get_ok):
            self.check_listing()
        if kind in RECORD_KINDS:
            self.check_records()
        if kind in ("write", "api_action"):
            self.check_record_writes()
        if kind == "api_detail" and self.route.data is not None:
            self.check_api_detail_writes()
        if self.route.data is not None and kind in ("create", "api_list"):
            self.check_creates()
        for check in self.world.rows.numbers.get(self.name, []):
            for persona in PERSONAS:
                self.problems += [f"{persona}: {p}" for p in check(self.world, persona, self.client(persona))]
        return self.problems

    # -- the kind, read from the route --

    def classify(self) -> None:
        route, info = self.route, self.info
        free = info.params - set(route.fixed)
        if route.kind not in RECORD_KINDS and free:
            self.problem(
                f"the route takes the record argument(s) {sorted(free)} but is filed as {route.kind}(): "
                "file it as detail()/write()/api_detail()/api_action() with the record's kind"
            )
        if route.kind in RECORD_KINDS and not free:
            self.problem(f"the route takes no record argument but is filed as {route.kind}()")
        if route.kind in WRITE_KINDS and route.data is None:
            self.problem(f"{route.kind}() without form data: give data=lambda world, record, key: {{...}}")
        if route.kind in RECORD_KINDS and not route.kinds:
            self.problem(f"{route.kind}() without a record kind")
        if self.problems:
            return
        for arg, value in route.fixed.items():
            if str(value).isdigit():
                self.problem(
                    f"the row fixes {arg}={value!r}, a record id: file the route as a record route "
                    "(detail/write) with a record kind in OBJECTS"
                )
        methods = info.api_methods if info.api_methods is not None else self.probe_methods()
        self.get_ok, self.post_ok = "get" in methods, "post" in methods
        if route.kind == "api_detail" and methods & {"put", "patch"} and route.data is None:
            self.problem(
                "the API route changes the record (PUT/PATCH) but the row gives no JSON: "
                "give data=lambda world, record, key: {...} (VALID fields)"
            )
        if route.kind in GET_KINDS:
            if not self.get_ok:
                self.problem(
                    f"the route answers GET with 405 (POST only) but is filed as {route.kind}(): "
                    "a GET proves nothing; file it as write()/create() with real form data"
                )
            if self.post_ok and not (route.kind == "api_list" and route.data is not None):
                self.problem(
                    f"the route accepts POST but is filed as {route.kind}(): refuse POST (require_GET) "
                    "or file it as write()/create()/api_action() with real form data"
                )
        if route.kind in WRITE_KINDS and not self.post_ok:
            self.problem(f"the route refuses POST (405) but is filed as {route.kind}()")

    def probe_methods(self) -> set[str]:
        """GET and POST as the superuser (rolled back): which does the view answer with something but 405?"""
        obj = None
        if self.route.kind in RECORD_KINDS:
            records = self.world.records(self.route.kinds)
            if not records:
                self.problem(f"no record of {self.route.kinds} was built: cannot walk the route")
                return set()
            obj = records[0][2].obj
        url = url_of(self.name, self.route, obj)
        client = self.client("admin")
        methods = set()
        for method in ("get", "post"):
            with rolled_back():
                if getattr(client, method)(url).status_code != 405:
                    methods.add(method)
        return methods

    # -- pages, exports, API lists, create forms' GET --

    def check_listing(self) -> None:
        route, world = self.route, self.world
        url = url_of(self.name, route)
        self.check_anonymous(url, "get")
        headers = [{}, {"HTTP_HX_REQUEST": "true"}] if route.kind == "page" else [{}]
        for persona in PERSONAS:
            client = self.client(persona)
            for extra in headers:
                self.check_body(persona, client.get(url, route.query, **extra), " with htmx" if extra else "")
            for param, kind in route.outside_query.items():
                for kind_, key, made in world.records([kind]):
                    if world.sees(persona, made, key, kind_):
                        continue
                    response = client.get(url, {**route.query, param: made.obj.pk})
                    self.check_body(persona, response, f" with ?{param}= the {kind_} of {key}")
        if route.kinds:
            # The listing really lists these kinds (paged or lazily expanded listings: one string is enough).
            response = self.client("county_admin").get(url, route.query)
            expected = [s for _k, _key, made in world.records(route.kinds) for s in made.strings]
            if response.status_code != 200:
                self.problem(f"county_admin got {response.status_code}: cannot prove the listing is checked")
            elif not any(s in body(response) for s in expected):
                self.problem(f"county_admin sees none of {expected[:6]}…: the row's record kind is wrong")

    def check_body(self, persona: str, response, how: str = "", allow=()) -> None:
        if response.status_code >= 500:
            self.problem(f"{persona}: server error {why(response)}{how}")
            return
        if response.status_code != 200:
            return
        text = body(response)
        for string, kind, key in self.world.forbidden(persona):
            if string in text and (kind, key) not in allow:
                self.problem(f"{persona} sees the {kind} of {key} ({string!r}){how}")

    def check_anonymous(self, url: str, method: str, data=None, watched=()) -> None:
        before = fingerprint(*watched) if method != "get" else None
        with rolled_back():
            response = send(Client(raise_request_exception=False), self.route, method, url, data)
            changed = before is not None and fingerprint(*watched) != before
        if self.route.kind in API_KINDS:
            if response.status_code not in (401, 403):
                self.problem(f"anonymous {method.upper()} got {response.status_code} from the API")
        elif not is_login_redirect(response):
            self.problem(f"anonymous {method.upper()} got {response.status_code} instead of the login page")
        if changed:
            self.problem(f"anonymous {method.upper()} changed the database")

    # -- record routes --

    def check_records(self) -> None:
        route, world = self.route, self.world
        records = world.records(route.kinds)
        if not records:
            self.problem(f"no record of {route.kinds} was built")
            return
        if self.get_ok:
            # Records inside the scope are found (the kwargs builder is right).
            for kind, key, made in records:
                if made.owner is not None:
                    continue
                status = self.client("county_admin").get(url_of(self.name, route, made.obj)).status_code
                if status == 404 or status >= 500:
                    self.problem(f"county_admin got {status} for the {kind} of {key} (inside the scope)")
        self.check_anonymous(url_of(self.name, route, records[0][2].obj), "get")
        for persona in PERSONAS:
            client = self.client(persona)
            for kind, key, made in records:
                url = url_of(self.name, route, made.obj)
                if world.sees(persona, made, key, kind):
                    if self.get_ok:
                        how = f" on the page of the {kind} of {key}"
                        self.check_body(persona, client.get(url), how, allow=made.discloses)
                    continue
                if self.get_ok or route.kind in ("detail", "api_detail"):
                    self.expect_hidden(persona, client.get(url), "GET", kind, key, (404,))
                elif (status := client.get(url).status_code) not in (404, 405):
                    self.problem(
                        f"{persona}: GET for the {kind} of {key} answered {status}, expected 404/405"
                    )
                if route.kind == "api_detail":
                    self.check_api_writes(persona, client, url, kind, key, made)

    def check_api_writes(self, persona, client, url, kind, key, made) -> None:
        before = fingerprint(made.obj)
        data = self.route.data(self.world, fresh(made.obj), key) if self.route.data else {}
        for method in ("patch", "delete", "put"):
            with rolled_back():
                response = getattr(client, method)(url, json.dumps(data), content_type="application/json")
                changed = fingerprint(made.obj) != before
            if response.status_code not in (404, 405):
                self.problem(
                    f"{persona}: {method.upper()} for the {kind} of {key} answered {response.status_code}"
                )
            if changed:
                self.problem(f"{persona}: {method.upper()} for the {kind} of {key} changed the database")

    def check_api_detail_writes(self) -> None:
        """An API record that takes PATCH: the county admin's PATCH of the row's JSON really writes."""
        key, kind, made = self.inside_record()
        response, _changed, accepted = self.post_record("county_admin", made, key, key, method="patch")
        if not accepted or response.status_code >= 400:
            self.problem(f"county_admin's PATCH of the {kind} of {key} did not write ({why(response)})")

    def expect_hidden(self, persona, response, method, kind, key, allowed, inside=None) -> None:
        status = response.status_code
        if status in allowed:
            return
        if status == 403 and inside is not None and inside() == 403:
            return  # refused whatever the record: reveals nothing
        if status == 403 and inside is None and method == "GET":
            inside = lambda: self.inside_status(persona, "get")  # noqa: E731
            if inside() == 403:
                return
        self.problem(
            f"{persona}: {method} for the {kind} of {key} answered {why(response)}, expected {allowed}"
        )

    def inside_status(self, persona: str, method: str) -> int | None:
        """The status the persona gets for a record of the same kind in its own organisation (or None)."""
        for kind in self.route.kinds:
            made = self.world.entry(kind, HOME[persona])
            if made is None:
                continue
            url = url_of(self.name, self.route, made.obj)
            with rolled_back():
                if method == "get":
                    return self.client(persona).get(url).status_code
                data = self.route.data(self.world, fresh(made.obj), HOME[persona])
                return send(self.client(persona), self.route, "post", url, data).status_code
        return None

    # -- writes on a record --

    def post_record(self, persona, made, key, data_key, *, method="post"):
        """POST the row's data (naming ``data_key``'s records) to a record, rolled back.

        Returns (response, database changed, write accepted).
        """
        client = self.client(persona)
        obj = fresh(made.obj)
        url = url_of(self.name, self.route, obj)
        with rolled_back():
            if self.route.prepare is not None:
                self.route.prepare(client, self.world, obj, data_key)
            data = self.route.data(self.world, obj, data_key)
            before = fingerprint(obj)
            response = send(client, self.route, method, url, data)
            changed = fingerprint(obj) != before
            accepted = self.route.accepted(response, client) if self.route.accepted else changed
        return response, changed, accepted

    def inside_record(self):
        records = {key: (kind, made) for kind, key, made in reversed(self.world.records(self.route.kinds))}
        chosen = self.route.inside or (self.route.second[0] if self.route.second else None)
        for key in (chosen,) if chosen else INSIDE_ORDER:
            if key in records:
                return key, *records[key]
        return None, None, None

    def check_record_writes(self) -> None:
        route, world = self.route, self.world
        key, kind, made = self.inside_record()
        if made is None:
            self.problem(f"no record of {route.kinds} to write to")
            return
        actor = self.actor_for(made)
        data_key = route.second[1] if route.second else key
        response, _changed, accepted = self.post_record(actor, made, key, data_key)
        if not accepted or response.status_code >= 400:
            self.problem(
                f"{actor}'s POST of the row's data to the {kind} of {key} did not write ({why(response)}): "
                "the data is not real form data, so the walk would prove nothing"
            )
        url = url_of(self.name, route, made.obj)
        self.check_anonymous(url, "post", route.data(world, fresh(made.obj), data_key), (made.obj,))
        for persona in PERSONAS:
            for kind_, okey, omade in world.records(route.kinds):
                if world.sees(persona, omade, okey, kind_):
                    continue
                response, changed, _accepted = self.post_record(
                    persona, omade, okey, route.second[1] if route.second else okey
                )
                if changed:
                    self.problem(f"{persona}: POST for the {kind_} of {okey} changed the database")
                self.expect_hidden(
                    persona,
                    response,
                    "POST",
                    kind_,
                    okey,
                    (404,),
                    lambda p=persona: self.inside_status(p, "post"),
                )
        if route.second:
            self.check_second_record()

    def actor_for(self, made: Built) -> str:
        if made.owner is not None:
            for persona, user in self.world.personas.items():
                if user == made.owner:
                    return persona
            self.world.personas[f"owner {made.owner.pk}"] = made.owner
            return f"owner {made.owner.pk}"
        if self.route.allowed:
            return self.route.allowed[0]
        return "county_admin"

    def check_second_record(self) -> None:
        """Township A posts for its own record naming another township's record: refused, nothing written."""
        route, world = self.route, self.world
        record_key, inside_key = route.second
        made = next((m for k, key, m in world.records(route.kinds) if key == record_key), None)
        if made is None:
            self.problem(f"second=: no record at {record_key}")
            return
        response, _changed, accepted = self.post_record("township_a", made, record_key, inside_key)
        if not accepted:
            self.problem(
                f"township_a's POST for the record of {record_key} naming the records of {inside_key} "
                f"(inside its scope) did not write ({why(response)}): the second-record check would prove nothing"
            )
        for other in OUTSIDE["township_a"]:
            response, changed, accepted = self.post_record("township_a", made, record_key, other)
            if changed or accepted:
                self.problem(
                    f"township_a wrote through the record of {record_key} naming the records of {other}"
                )
            if response.status_code >= 500:
                self.problem(f"township_a naming the records of {other}: server error {why(response)}")

    # -- creates: no record argument; the data names a record --

    def post_create(self, persona: str, key: str | None):
        client = self.client(persona)
        made = self.world.entry(self.route.target, key) if self.route.target else None
        obj = fresh(made.obj) if made else None
        url = url_of(self.name, self.route)
        with rolled_back():
            if self.route.prepare is not None:
                self.route.prepare(client, self.world, obj, key)
            data = self.route.data(self.world, obj, key)
            if data is None:
                return None, False, False
            before = fingerprint(obj)
            response = send(client, self.route, "post", url, data)
            changed = fingerprint(obj) != before
            accepted = self.route.accepted(response, client) if self.route.accepted else changed
        return response, changed, accepted

    def check_creates(self) -> None:
        route, world = self.route, self.world
        if route.target is None:
            if route.allowed is None:
                self.problem("create() names no target kind: give target= (or allowed= for a global write)")
                return
            by_key, key, actor = {}, None, route.allowed[0]
        else:
            by_key = {key: made for _kind, key, made in world.records([route.target])}
            if not by_key:
                self.problem(f"no record of {route.target} was built")
                return
            key = route.inside or next(k for k in INSIDE_ORDER if k in by_key)
            actor = route.allowed[0] if route.allowed else self.actor_for(by_key[key])
        response, _changed, accepted = self.post_create(actor, key)
        if not accepted or response.status_code >= 400:
            self.problem(
                f"{actor}'s POST of the row's data naming the {route.target} of {key} did not write "
                f"({why(response)}): the data is not real form data, so the walk would prove nothing"
            )
        url = url_of(self.name, route)
        inside_obj = by_key[key].obj if key in by_key else None
        self.check_anonymous(url, "post", route.data(world, fresh(inside_obj), key), (inside_obj,))
        for persona in PERSONAS:
            if route.allowed is not None:
                keys = [] if persona in route.allowed else [key]
            else:
                keys = [k for k, made in by_key.items() if not world.sees(persona, made, k, route.target)]
            for okey in keys:
                response, changed, accepted = self.post_create(persona, okey)
                if response is None:
                    continue
                if changed or accepted:
                    self.problem(
                        f"{persona}: POST naming the {route.target} of {okey} was accepted ({why(response)})"
                    )
                if response.status_code >= 500:
                    self.problem(f"{persona}: POST naming the {route.target} of {okey}: {why(response)}")


def walk_route(name: str, route: Route, info: UrlInfo, world: World) -> list[str]:
    return RouteWalk(name, route, info, world).run()


# --- helpers for the modules' rows ---


def form_data(form, **overrides) -> dict:
    """POST data for an unbound form: every field's initial value as a browser sends it, then ``overrides``."""
    from datetime import date

    from django import forms

    data: dict = {}
    for name, form_field in form.fields.items():
        value = form[name].value()
        if isinstance(form_field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if isinstance(form_field, forms.FileField):
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
            continue
        if value is None:
            value = ""
        elif hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, date):
            value = value.isoformat()
        data[name] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def session_holds(key: str) -> Callable:
    """``accepted=`` for steps that only write the session (an upload waiting for its confirmation)."""

    def accepted(response, client) -> bool:
        return key in client.session

    return accepted
