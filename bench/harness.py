"""Benchmark machinery: page cases timed next to the raw SQL they run, and timed tasks.

A ``PageCase`` names a URL (built from the bench context; None when the page does not exist
yet) and the users it is measured as. The harness captures the page's queries once, then
times N requests and N raw replays of the captured SELECTs, and reports the medians and their
ratio. A ``TaskCase`` is any timed function (e.g. an import) that returns a result line.
Apps add cases in ``bench/cases.py``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch


class Skip(Exception):
    """A case that cannot run yet (its page or module is not built); the message says why."""


@dataclass
class BenchContext:
    """What cases need: the users to log in as and organisations to filter on."""

    users: dict  # persona ("province", "city", "county", "township", "village") → User
    county: object
    township: object
    runs: int = 5
    out_dir: object = None
    # The clock pages and their SQL are timed with: wall time, or with --cpu this process's CPU time,
    # which other work on a shared machine does not inflate (SQLite only: its SQL runs in-process).
    clock: Callable[[], float] = time.perf_counter
    extra: dict = field(default_factory=dict)
    tops: dict = field(default_factory=dict)  # persona → the organisation its role is held at

    @property
    def personas(self) -> tuple[str, ...]:
        """Every persona of the run, widest first (a province run adds the province and a city)."""
        return tuple(key for key in ("province", "city", "county", "township") if key in self.users)

    def top(self, persona: str):
        return self.tops.get(persona) or (self.township if persona == "township" else self.county)


@dataclass
class PageCase:
    name: str
    url: Callable[[BenchContext, str], str]  # (context, user key) → URL; raise Skip or NoReverseMatch
    users: tuple[str, ...] | None = None  # None: every persona of the run (``BenchContext.personas``)
    note: Callable[[BenchContext, str], str] | None = None  # e.g. how many rows the page shows
    # Request headers (e.g. an API token) instead of a signed-in session: (context, user key) → headers.
    headers: Callable[[BenchContext, str], dict] | None = None
    # The page/SQL ratio the page is held to (every list page: 3×), shown against the measured one.
    target: float | None = None


@dataclass
class TaskCase:
    name: str
    run: Callable[[BenchContext], str]  # returns the result line; raise Skip to skip


CASES: list[PageCase | TaskCase] = []


def register(case: PageCase | TaskCase) -> PageCase | TaskCase:
    CASES.append(case)
    return case


def as_served() -> None:
    """From here on, requests run as the served app runs them: production settings (DEBUG=0) on one
    connection kept across requests.

    The bench process starts in development mode (it builds the demo, whose ID numbers are encrypted with
    the development key, which the process keeps). Under DEBUG=1 every query is also formatted and kept in
    ``connection.queries`` and every signal receiver's signature is inspected as it connects: work a served
    request does not do, and which would be counted in the page's time and in its SQL's. Queries are still
    captured where the harness asks for them (``CaptureQueriesContext`` records them whatever DEBUG says).
    """
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    connection.settings_dict["CONN_MAX_AGE"] = 60  # as in production (deploy/): no new connection per request


def _consume(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _replayable(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


@dataclass
class PageResult:
    case: str
    user: str
    status: int
    queries: int
    replayed: int
    page_ms: float
    sql_ms: float
    note: str = ""
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.page_ms / self.sql_ms if self.sql_ms else float("nan")

    @property
    def verdict(self) -> str:
        """Against the target ratio: "ok ≤3×" or "over 3× (+4.2 ms)" (the time beyond target × SQL)."""
        if self.target is None:
            return ""
        if self.ratio <= self.target:
            return f"ok ≤{self.target:g}×"
        return f"over {self.target:g}× (+{self.page_ms - self.target * self.sql_ms:.1f} ms)"


def replay(selects: list[str], clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds to run the captured SELECTs once more, straight on a cursor.

    Each is sent as text with its values in it, as the query log shows it: on PostgreSQL the page's
    lookups planned once (``PreparedQuery(plan_once=True)``, prepared statements) are planned again here,
    so their raw SQL time is a little above what the page paid for them."""
    t0 = clock()
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute(sql)
            cursor.fetchall()
    return clock() - t0


def time_task(ctx: BenchContext, work: Callable[[], object]) -> tuple[float, float, int, object]:
    """A task timed next to its raw SQL: the medians of ``work()`` and of replaying its SELECTs (seconds),
    its query count and its result."""
    with CaptureQueriesContext(connection) as captured:
        result = work()
    selects = [q["sql"] for q in captured.captured_queries if _replayable(q["sql"])]
    runs, sql_runs = [], []
    for _ in range(ctx.runs):
        t0 = time.perf_counter()
        work()
        runs.append(time.perf_counter() - t0)
        sql_runs.append(replay(selects))
    return statistics.median(runs), statistics.median(sql_runs), len(captured.captured_queries), result


def measure_page(case: PageCase, ctx: BenchContext, user_key: str) -> PageResult:
    try:
        url = case.url(ctx, user_key)
    except NoReverseMatch as exc:
        raise Skip(f"URL not available yet ({exc})") from exc
    if case.headers is not None:
        client = Client(headers=case.headers(ctx, user_key))
    else:
        client = Client()
        client.force_login(ctx.users[user_key])
    _consume(client.get(url))  # warm caches (templates, translations, session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        _consume(response)
    if response.status_code != 200:
        raise Skip(f"{url} answered {response.status_code}")
    statements = [q["sql"] for q in captured.captured_queries]
    selects = [sql for sql in statements if _replayable(sql)]
    # The page and its SQL in turn, so that whatever else the machine is doing weighs on both alike.
    page_times, sql_times = [], []
    for _ in range(ctx.runs):
        t0 = ctx.clock()
        _consume(client.get(url))
        page_times.append(ctx.clock() - t0)
        sql_times.append(replay(selects, ctx.clock))
    note = case.note(ctx, user_key) if case.note else ""
    return PageResult(
        case.name,
        user_key,
        response.status_code,
        len(statements),
        len(selects),
        statistics.median(page_times) * 1000,
        statistics.median(sql_times) * 1000,
        note,
        case.target,
    )


def run_all(ctx: BenchContext, out: Callable[[str], None] = print, only: str | None = None) -> None:
    rows: list[PageResult] = []
    for case in CASES:
        if only and not any(part in case.name for part in only.split("|")):
            continue
        if isinstance(case, TaskCase):
            t0 = time.perf_counter()
            try:
                line = case.run(ctx)
            except Skip as exc:
                out(f"SKIP  {case.name}: {exc}")
                continue
            out(f"TASK  {case.name}: {line} ({time.perf_counter() - t0:.1f} s in all)")
            continue
        for user_key in [key for key in case.users or ctx.personas if key in ctx.users]:
            try:
                result = measure_page(case, ctx, user_key)
            except Skip as exc:
                out(f"SKIP  {case.name} as {user_key}: {exc}")
                continue
            rows.append(result)
            out(
                f"page  {result.case} as {user_key}: {result.page_ms:.1f} ms, raw SQL {result.sql_ms:.1f} ms "
                f"({result.queries} queries), ratio {result.ratio:.1f}×"
            )
    if rows:
        out("")
        out(table(rows, ctx.runs, "cpu" if ctx.clock is time.process_time else "wall"))


def table(rows: list[PageResult], runs: int, clock_name: str = "wall") -> str:
    header = (
        "case",
        "user",
        "rows",
        "queries",
        f"page ms (median of {runs}{', CPU' if clock_name == 'cpu' else ''})",
        "raw SQL ms",
        "page/SQL",
        "page − SQL ms",
        "target",
    )
    body = [
        (
            r.case,
            r.user,
            r.note,
            f"{r.queries} ({r.replayed} SELECT)",
            f"{r.page_ms:.1f}",
            f"{r.sql_ms:.1f}",
            f"{r.ratio:.1f}×",
            f"{r.page_ms - r.sql_ms:.1f}",
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(_width(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    lines = [" | ".join(_pad(str(c), w) for c, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
