"""Sustained load: the personas' daily mix against gunicorn in production settings, at a fixed rate.

    python bench/load.py [--pg] [--rate 50] [--minutes 10] [--workers 4] [--threads 4]

Uses its own database (bench/out/load.sqlite3, or the PostgreSQL database dangjian_load with --pg),
filled once with the county demo and reused. Starts gunicorn with deploy/gunicorn.conf.py in
production mode (DEBUG=0, its secrets set here; workers are not recycled during the run, so that
their memory is what the code does), logs the demo's county, township and village users in, then
sends requests at a fixed rate (open loop: a slow answer does not slow the arrivals) drawn from a
mix of what those users do all day: pages, searches, the API with a token, progress with an
evidence file, closure requests, returns and exports.

Every 15 s two writers post the same closure request for one item with the same version at the
same moment (two phones of one village): exactly one may succeed, the other must be refused by
the version check; the item is then returned by the township, ready for the next round.

Reports the throughput, p50/p95/p99 (from the moment each request was due: a queue in front of a busy
server counts), requests not sent because the server fell behind, and errors (5xx, unexpected
statuses, broken connections; must be 0) per action, lost or doubled updates (must be 0), and each
worker's memory over time (must be flat). Targets (issue 16): 50 requests/s for 10 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import math
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PG_URL = "postgres://postgres@127.0.0.1:5432/dangjian_load"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


# ------------------------------------------------------------------ setting up


def _database(pg: bool) -> str:
    OUT.mkdir(exist_ok=True)
    if not pg:
        return f"sqlite:///{OUT / 'load.sqlite3'}"
    import psycopg
    from psycopg import sql

    url = os.environ.get("BENCH_LOAD_PG_URL", PG_URL)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ["DEBUG"] = (
        "1"  # this process builds and reads the demo; the served app runs in production mode
    )
    sys.path[:0] = [str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    from dangjian.orgs.models import Organisation

    call_command("migrate", verbosity=0)
    if not Organisation.objects.exists():
        t0 = time.monotonic()
        call_command("demo", scale="county", seed=2026)
        print(f"County demo built in {time.monotonic() - t0:.0f} s.")


@dataclass
class Plan:
    """Who acts and on what, read from the demo once before the run."""

    county: str
    township: str
    villages: list[str]
    password: str
    token: str
    township_items: list[int]
    village_items: dict[str, list[int]]  # username → items their village rectifies
    race_item: int
    race_user: str
    people: list[int]
    urls: dict[str, str] = field(default_factory=dict)


def _plan() -> Plan:
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from dangjian.accounts.demo import DEMO_PASSWORD
    from dangjian.accounts.models import ApiToken, User
    from dangjian.accounts.roles import Role
    from dangjian.ledger.models import Item
    from dangjian.orgs.models import Person

    county = User.objects.get(username="zzb")
    township = User.objects.get(username="gaokeng")
    town_org = township.assignments.get().org
    villages = {}
    for user in User.objects.filter(
        is_active=True,
        assignments__role=Role.BRANCH_SECRETARY,
        assignments__org__path__startswith=town_org.path,
        assignments__org__depth=town_org.depth + 1,
    ).distinct()[:40]:
        org_ids = list(user.assignments.filter(role=Role.BRANCH_SECRETARY).values_list("org_id", flat=True))
        items = list(
            Item.objects.filter(org_id__in=org_ids, supervisor_org=town_org)
            .exclude(status__in=[Item.Status.DRAFT, Item.Status.CLOSED])
            .values_list("pk", flat=True)[:20]
        )
        if len(items) >= 2:
            villages[user.username] = items
        if len(villages) == 6:
            break
    if not villages:
        raise SystemExit("The demo has no open items in the township's villages: rebuild the load database.")
    # Village secretaries without a demo sign-in get the demo password here (this database is the script's own).
    for user in User.objects.filter(username__in=villages):
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    race_user, race_items = next(iter(villages.items()))
    race_item = Item.objects.get(pk=race_items[0])
    # The race item starts where a closure can be requested (moved directly: this is the test's own setup).
    if race_item.status not in (Item.Status.RECTIFYING, Item.Status.RETURNED):
        Item.objects.filter(pk=race_item.pk).update(
            status=Item.Status.RECTIFYING, measures=race_item.measures or "立行立改，逐项落实。"
        )
    # Progress goes on items being rectified (the service refuses it on others, with a redirect like a success).
    from dangjian.ledger.services.items import PROGRESS_STATES

    open_for_progress = set(
        Item.objects.filter(
            pk__in=[i for items in villages.values() for i in items[1:]], status__in=PROGRESS_STATES
        ).values_list("pk", flat=True)
    )
    village_items = {
        user: [i for i in items[1:] if i in open_for_progress] for user, items in villages.items()
    }
    village_items = {user: items for user, items in village_items.items() if items}
    if not village_items:
        raise SystemExit(
            "The demo has no items being rectified in the township's villages: rebuild the load database."
        )
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=county,
        name="load",
        digest=ApiToken.digest_of(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(hours=6),
    )
    return Plan(
        county=county.username,
        township=township.username,
        villages=list(villages),
        password=DEMO_PASSWORD,
        token=key,
        township_items=list(
            Item.objects.filter(supervisor_org=town_org)
            .exclude(status=Item.Status.DRAFT)
            .values_list("pk", flat=True)[:200]
        ),
        village_items=village_items,
        race_item=race_item.pk,
        race_user=race_user,
        people=list(
            Person.objects.filter(org__path__startswith=town_org.path).values_list("pk", flat=True)[:200]
        ),
        urls={
            "login": reverse("login"),
            "home": reverse("home"),
            "ledger": reverse("ledger:ledger"),
            "rollup": reverse("ledger:rollup"),
            "tree": reverse("orgs:tree"),
            "people": reverse("orgs:person_list"),
            "search": reverse("search"),
            "export": reverse("ledger:ledger_export"),
            "notices": reverse("notices:list") if _has_url("notices:list") else reverse("home"),
            # Pages of one record: the id goes where the 0 is.
            "item": reverse("ledger:item_detail", args=[0]),
            "progress": reverse("ledger:progress_add", args=[0]),
            "transition": reverse("ledger:item_transition", args=[0]),
            "person": reverse("orgs:person_detail", args=[0]),
        },
    )


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _dev_field_key() -> str:
    """The ID-number key the demo was written with (derived from the development secret)."""
    from django.conf import settings

    if settings.FIELD_ENCRYPTION_KEY:
        return settings.FIELD_ENCRYPTION_KEY
    derived = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
    return base64.urlsafe_b64encode(derived).decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(port: int, workers: int, threads: int, url: str) -> subprocess.Popen:
    env = _production_env(port, workers, threads, url)
    # Production serves hashed static files (a manifest), as a deployment does after collectstatic.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    log = open(OUT / "load-gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "dangjian.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _n in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {OUT / 'load-gunicorn.log'}")


def _production_env(port: int, workers: int, threads: int, url: str) -> dict:
    env = os.environ.copy()
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=_dev_field_key(),
        ALLOWED_HOSTS="127.0.0.1",
        SESSION_COOKIE_SECURE="0",  # a plain-HTTP intranet, as the settings document
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_THREADS=str(threads),
        GUNICORN_MAX_REQUESTS="0",  # no recycling during the run: the memory shown is the code's own
        LOG_LEVEL="WARNING",
    )
    return env


# ------------------------------------------------------------------ a browser without a browser


# Progress posts the server refused with a message (list.append is atomic across the client threads).
REFUSED_POSTS: list[int] = []


class Session:
    """One signed-in user: cookies, the CSRF token, one keep-alive connection per thread."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return conn

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, without=()
    ):
        headers = dict(headers or {})
        sent = {k: v for k, v in list(self.cookies.items()) if k not in without}
        if sent:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sent.items())
        for attempt in (1, 2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                self.local.conn = None  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
        self.local.set_cookies = {}  # this response's own cookies (the thread's last answer)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = self.local.set_cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def refused(self) -> bool:
        """Whether the thread's last answer carried an error message (a post refused and sent back to the
        page, e.g. by the version check): Django's message cookie, read without its signature."""
        value = getattr(self.local, "set_cookies", {}).get("messages", "").strip('"')
        if not value:
            return False
        payload = value.split(":", 1)[0]
        compressed = payload.startswith(".")
        raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
        text = (zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace")
        return ",40," in text.replace(" ", "")  # messages.ERROR

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def post_form(self, path: str, fields: dict, files: dict | None = None, without=()):
        fields = {"csrfmiddlewaretoken": self.csrf(), **fields}
        if not files:
            body = urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, (filename, content, mime) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {mime}\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        return self.request(
            "POST",
            path,
            body,
            {"Content-Type": content_type, "Referer": f"http://127.0.0.1:{self.port}{path}"},
            without=without,
        )

    def login(self, path: str, password: str) -> None:
        status, _page = self.request("GET", path)
        status, _page = self.post_form(path, {"username": self.username, "password": password})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(
                f"{self.username} could not sign in (HTTP {status}; cookies {sorted(self.cookies)}): "
                + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page.decode(errors="replace")))[:600]
            )


# ------------------------------------------------------------------ the day's mix


def _of(template: str, pk: int) -> str:
    return template.replace("/0/", f"/{pk}/")


def _version(item_id: int) -> int:
    from dangjian.ledger.models import Item

    return Item.objects.values_list("version", flat=True).get(pk=item_id)


def _percent(item_id: int) -> int:
    """The item's progress now, a little further (progress never goes down; the service refuses that)."""
    from dangjian.ledger.models import Item

    return min(100, Item.objects.values_list("percent", flat=True).get(pk=item_id) + 1)


def _mix(plan: Plan, sessions: dict[str, list[Session]]):
    """(weight, action name, callable returning the HTTP status and the statuses that count as success)."""
    rnd = random.Random(2026)
    lock = threading.Lock()

    def pick(seq):
        with lock:
            return rnd.choice(seq)

    def session(username):
        return pick(sessions[username])

    u = plan.urls

    def get(username, path, ok=(200,)):
        return lambda: (session(username).request("GET", path)[0], ok)

    def item_page(username, items):
        return lambda: (session(username).request("GET", _of(u["item"], pick(items)))[0], (200,))

    def progress(with_file: bool):
        def act():
            user = pick(list(plan.village_items))
            item = pick(plan.village_items[user])
            files = {"files": (f"整改照片{item}.png", PNG, "image/png")} if with_file else None
            poster = session(user)
            status, _body = poster.post_form(
                _of(u["progress"], item),
                {
                    "on": time.strftime("%Y-%m-%d"),
                    "text": "按计划推进整改，已召开支委会研究落实。",
                    "percent": str(_percent(item)),
                    "version": str(_version(item)),
                },
                files,
                without=("messages",),  # this answer's message alone (earlier ones are the pages' to show)
            )
            if status == 302 and poster.refused():
                REFUSED_POSTS.append(item)
            return status, (302,)

        return act

    def village_item_page():
        user = pick(list(plan.village_items))
        return item_page(user, plan.village_items[user])()

    def api(path):
        headers = {"Authorization": f"Token {plan.token}"}
        return lambda: (session(plan.county).request("GET", path, headers=headers)[0], (200,))

    def person_page():
        return lambda: (session(plan.township).request("GET", _of(u["person"], pick(plan.people)))[0], (200,))

    return [
        (14, "home (village)", lambda: get(pick(plan.villages), u["home"])()),
        (10, "item page (village)", village_item_page),
        (8, "home (township)", get(plan.township, u["home"])),
        (8, "item page (township)", item_page(plan.township, plan.township_items)),
        (6, "ledger (township)", get(plan.township, u["ledger"])),
        (5, "ledger (county)", get(plan.county, u["ledger"])),
        (4, "roll-up (county)", get(plan.county, u["rollup"])),
        (4, "org tree (county)", get(plan.county, u["tree"])),
        (5, "member list (township)", get(plan.township, u["people"])),
        (4, "person page (township)", person_page()),
        (3, "search (county)", get(plan.county, u["search"] + "?" + urlencode({"q": "党建"}))),
        (3, "notifications (village)", lambda: get(pick(plan.villages), u["notices"])()),
        (6, "API items (county)", api("/api/items/?page_size=50")),
        (4, "API people (county)", api("/api/people/?page_size=50")),
        (6, "progress post (village)", progress(False)),
        (3, "progress + evidence upload (village)", progress(True)),
        (1, "ledger export .xlsx (township)", get(plan.township, u["export"], ok=(200, 302))),
    ]


# ------------------------------------------------------------------ two writers, one item


def _race_round(plan: Plan, sessions: dict[str, list[Session]], township: Session) -> tuple[int, list[int]]:
    """Two closure requests with one version at once; how many moves the database recorded, the statuses."""
    from django.contrib.contenttypes.models import ContentType

    from dangjian.core.models import StatusChange
    from dangjian.ledger.models import Item

    ct = ContentType.objects.get_for_model(Item)
    before = StatusChange.objects.filter(
        content_type=ct, object_id=plan.race_item, new=Item.Status.CLOSURE_REQUESTED
    ).count()
    version = _version(plan.race_item)
    writers = sessions[plan.race_user][:2]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def write(writer: Session) -> None:
        barrier.wait()
        status, _body = writer.post_form(
            _of(plan.urls["transition"], plan.race_item),
            {
                "to": Item.Status.CLOSURE_REQUESTED,
                "version": str(version),
                "note": "申请销号",
                "measures": "已完成整改，相关制度已建立。",
            },
            {"files": ("销号佐证.png", PNG, "image/png")},
        )
        statuses.append(status)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    moves = (
        StatusChange.objects.filter(
            content_type=ct, object_id=plan.race_item, new=Item.Status.CLOSURE_REQUESTED
        ).count()
        - before
    )
    if Item.objects.values_list("status", flat=True).get(pk=plan.race_item) == Item.Status.CLOSURE_REQUESTED:
        township.post_form(
            _of(plan.urls["transition"], plan.race_item),
            {
                "to": Item.Status.RETURNED,
                "version": str(_version(plan.race_item)),
                "note": "佐证材料不全，请补充。",
            },
        )
    return moves, statuses


# ------------------------------------------------------------------ memory


def _worker_rss(master: int) -> dict[int, int]:
    """RSS in MiB of each gunicorn worker (the master's children)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return {}
    rss = {}
    for pid in map(int, children):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if m := re.search(r"VmRSS:\s+(\d+) kB", status):
            rss[pid] = int(m[1]) // 1024
    return rss


# ------------------------------------------------------------------ the run


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (dangjian_load) instead of SQLite")
    parser.add_argument("--rate", type=float, default=50, help="requests per second")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--grace",
        type=float,
        default=30,
        help="seconds after the last arrival before queued requests are dropped",
    )
    parser.add_argument("--race-every", type=float, default=15, help="seconds between two-writer rounds")
    args = parser.parse_args()

    url = _database(args.pg)
    _django(url)
    plan = _plan()
    port = _free_port()
    server = _start_gunicorn(port, args.workers, args.threads, url)
    results: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    failures: dict[str, list[str]] = defaultdict(list)
    unsent: dict[str, int] = defaultdict(int)
    memory: list[tuple[float, dict[int, int]]] = []
    races: list[tuple[int, list[int]]] = []
    try:
        sessions = {
            name: [Session(port, name) for _n in range(3)]
            for name in [plan.county, plan.township, *plan.villages]
        }
        for group in sessions.values():
            for s in group:
                s.login(plan.urls["login"], plan.password)
        township = sessions[plan.township][0]
        mix = _mix(plan, sessions)
        weights = [w for w, _name, _act in mix]
        rnd = random.Random(7)
        # Warm every worker: its first requests load the URLconf, the catalogues and the registry.
        with ThreadPoolExecutor(args.workers * args.threads) as warm:
            list(warm.map(lambda _n: township.request("GET", plan.urls["home"]), range(args.workers * 6)))
        stop = threading.Event()

        def sample_memory(began: float) -> None:
            while not stop.is_set():
                memory.append((time.monotonic() - began, _worker_rss(server.pid)))
                stop.wait(5)

        def race_loop() -> None:
            from django.db import close_old_connections

            while not stop.wait(args.race_every):
                races.append(_race_round(plan, sessions, township))
                close_old_connections()

        def run(name: str, act, due: float) -> None:
            # Timed from the moment the request was due, not from when a client thread was free: when the server
            # falls behind, the wait in the queue is part of what a user sees (no coordinated omission).
            if time.monotonic() > began + window + args.grace:
                unsent[name] += 1  # still queued when the run ended: the server could not keep up
                return
            try:
                status, ok = act()
                good = status in ok
                if not good:
                    failures[name].append(f"HTTP {status}")
            except Exception as exc:  # every failure is counted and shown
                good = False
                failures[name].append(type(exc).__name__)
            results[name].append((time.monotonic() - due, good))

        from dangjian.ledger.models import Progress

        progress_before = Progress.objects.count()
        window = args.minutes * 60
        total = int(args.rate * window)
        began = time.monotonic()
        helpers = [
            threading.Thread(target=sample_memory, args=(began,), daemon=True),
            threading.Thread(target=race_loop, daemon=True),
        ]
        for t in helpers:
            t.start()
        late = 0
        with ThreadPoolExecutor(max(32, int(args.rate))) as pool:
            for n in range(total):
                due = began + n / args.rate
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                elif wait < -1:
                    late += 1
                _w, name, act = mix[rnd.choices(range(len(mix)), weights)[0]]
                pool.submit(run, name, act, due)
            # Requests still waiting after the grace period are counted as not sent, so a saturated server
            # ends the run on time and shows as such instead of draining a backlog for as long again.
            pool.shutdown(wait=True)
        elapsed = time.monotonic() - began
        stop.set()
        for t in helpers:
            t.join(30)
        memory.append((elapsed, _worker_rss(server.pid)))
    finally:
        server.terminate()
        server.wait(30)

    posted = sum(len(rows) for name, rows in results.items() if name.startswith("progress"))
    written = Progress.objects.count() - progress_before
    done = sum(len(v) for v in results.values())
    errors = sum(1 for v in results.values() for _t, good in v if not good)
    dropped = sum(unsent.values())
    print(
        f"Database: {'PostgreSQL' if args.pg else 'SQLite'}; gunicorn {args.workers} workers × {args.threads} threads "
        f"(deploy/gunicorn.conf.py, DEBUG=0); target {args.rate:g} requests/s for {args.minutes:g} min"
    )
    print(
        f"Answered {done} requests in {elapsed:.0f} s: {done / elapsed:.1f} requests/s; errors {errors}; "
        f"not sent (still queued {args.grace:g} s after the last arrival: the server could not keep up) {dropped}; "
        f"arrivals more than 1 s late {late}\n"
        "Times are from the moment each request was due, so a queue in front of a busy server counts.\n"
    )
    width = max(len(name) for name in [*results, *unsent, "all"])
    print(f"{'action':<{width}}  {'count':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}  not sent  errors")
    for name in sorted({*results, *unsent}, key=lambda n: -len(results.get(n, []))):
        rows = results.get(name, [])
        times = [t * 1000 for t, _good in rows] or [float("nan")]
        bad = sum(1 for _t, good in rows if not good)
        why = f"  ({', '.join(sorted(set(failures[name]))[:3])})" if bad else ""
        print(
            f"{name:<{width}}  {len(rows):>6}  {statistics.median(times):>7.0f}  {_percentile(times, 0.95):>7.0f}  "
            f"{_percentile(times, 0.99):>7.0f}  {unsent[name]:>8}  {bad}{why}"
        )
    all_times = [t * 1000 for rows in results.values() for t, _good in rows]
    print(
        f"{'all':<{width}}  {len(all_times):>6}  {statistics.median(all_times):>7.0f}  "
        f"{_percentile(all_times, 0.95):>7.0f}  {_percentile(all_times, 0.99):>7.0f}  {dropped:>8}  {errors}"
    )
    refused = len(REFUSED_POSTS)
    print(
        f"\nProgress posts: {posted} answered, {refused} refused with a message (a stale version: two posts "
        f"on one item at once), {written} written (each accepted post writes one entry)"
    )
    lost = sum(1 for moves, _s in races if moves != 1) + abs(posted - refused - written)
    print(
        f"\nTwo writers, one item: {len(races)} rounds; exactly one closure request recorded in "
        f"{len(races) - lost}; lost or doubled {lost}"
    )
    print("\nWorker memory (RSS MiB) over the run:")
    pids = sorted({pid for _t, rss in memory for pid in rss})
    marks = (
        [memory[min(len(memory) - 1, round(i * (len(memory) - 1) / 4))] for i in range(5)] if memory else []
    )
    print("  pid     " + "  ".join(f"{t:>6.0f}s" for t, _rss in marks) + "   growth after the first minute")
    flat = True
    for pid in pids:
        series = [(t, rss[pid]) for t, rss in memory if pid in rss]
        after = [m for t, m in series if t >= 60] or [m for _t, m in series]
        growth = after[-1] - after[0]
        flat &= growth <= 20
        print(
            f"  {pid:<7} " + "  ".join(f"{rss.get(pid, 0):>7}" for _t, rss in marks) + f"   {growth:+d} MiB"
        )
    ok = errors == 0 and lost == 0 and flat and dropped == 0
    print(
        f"\n{'PASS' if ok else 'FAIL'}: errors {errors}, not sent {dropped}, lost updates {lost}, "
        f"memory {'flat' if flat else 'growing'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
