"""What each action of the load mix costs in CPU: the app's time and PostgreSQL's, request by request.

    python bench/load_costs.py [--pg] [--runs 20] [--only TEXT[|TEXT…]]

Runs the mix of ``bench/load.py`` (the same actions, users, weights and database) in this process, through
Django's test client instead of gunicorn, in production settings (DEBUG=0, as the load test serves). For each
action it measures the CPU time this process spent on the request and, with --pg, the CPU time of the
PostgreSQL backend that answered its queries (read from /proc, so the machine's other work does not count),
and prints the median of N requests per action, its weight, weight × cost and the mix's weighted average:
on 2 cores, 50 requests/s needs that average under about 40 ms (the load generator and gunicorn take the
rest). Without --pg, SQLite's work is part of this process's time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import types
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH)]

import load  # noqa: E402 - the mix, its plan and its database
from harness import as_served  # noqa: E402


def _backend_cpu(pid: int | None) -> float:
    """Seconds of CPU the PostgreSQL backend ``pid`` has used (0 without one)."""
    if pid is None:
        return 0.0
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


class ClientSession:
    """load.Session's interface on Django's test client; records the CPU time of each request."""

    def __init__(self, user, costs: list):
        from django.test import Client

        self.client = Client()
        self.client.force_login(user)
        self.username = user.username
        self.port = 0  # load.Session's Referer names it
        self.cookies: dict[str, str] = {}
        self.costs = costs
        # The last answer's cookies, kept as load.Session keeps them (its ``refused`` reads them).
        self.local = types.SimpleNamespace(set_cookies={})

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, without=()
    ):
        from django.test import Client

        headers = dict(headers or {})
        content_type = headers.pop("Content-Type", "application/octet-stream")
        headers.pop("Referer", None)
        # The API's token signs the request in, not the session.
        client = Client() if "Authorization" in headers else self.client
        for name in without:  # as load.Session sends it: without these cookies
            client.cookies.pop(name, None)
        from django.db import connection

        queries: list[str] = []

        def count(execute, sql, *rest):
            queries.append(sql)
            return execute(sql, *rest)

        pid = _pg_pid()
        t0, b0 = time.process_time(), _backend_cpu(pid)
        with connection.execute_wrapper(count):
            response = client.generic(
                method, path, data=body or b"", content_type=content_type, headers=headers
            )
            streaming = getattr(response, "streaming", False)
            data = b"".join(response.streaming_content) if streaming else response.content
        app, db = time.process_time() - t0, _backend_cpu(pid) - b0
        if _pg_pid() == pid:  # the same connection answered the whole request
            self.costs.append((app, db, len(queries)))
        self.local.set_cookies = {name: morsel.value for name, morsel in response.cookies.items()}
        return response.status_code, data

    def csrf(self) -> str:
        return ""

    post_form = load.Session.post_form
    refused = load.Session.refused


def _pg_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    if connection.connection is None or connection.connection.closed:
        connection.ensure_connection()
    return connection.connection.info.backend_pid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (BENCH_LOAD_PG_URL or dangjian_load)")
    parser.add_argument("--runs", type=int, default=20, help="requests per action (after one to warm up)")
    parser.add_argument("--only", help="actions whose name contains one of these pieces (|-separated)")
    parser.add_argument("--profile", help="profile the first action whose name contains this (cProfile)")
    parser.add_argument("--sort", default="cumtime", help="pstats sort key for --profile")
    parser.add_argument("--limit", type=int, default=60, help="lines of statistics printed with --profile")
    args = parser.parse_args()

    url = load._database(args.pg)
    load._django(url)  # builds the demo when the database is empty (in development mode)
    plan = load._plan()
    as_served()  # from here on the requests run as the served app does: production settings

    from dangjian.accounts.models import User

    costs: dict[str, list] = {}
    current: list = []
    users = {
        u.username: u for u in User.objects.filter(username__in=[plan.county, plan.township, *plan.villages])
    }
    sessions = {name: [ClientSession(users[name], current) for _n in range(3)] for name in users}
    rows = []
    if args.profile:
        import cProfile
        import pstats

        name, act = next((n, a) for _w, n, a in load._mix(plan, sessions) if args.profile in n)
        act()
        profiler = cProfile.Profile()
        profiler.enable()
        for _n in range(args.runs):
            act()
        profiler.disable()
        print(f"{name}: {args.runs} requests profiled")
        pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.limit)
        return 0
    for weight, name, act in load._mix(plan, sessions):
        if args.only and not any(part in name for part in args.only.split("|")):
            continue
        status, ok = act()  # warm: templates, catalogues, the registry, prepared queries
        if status not in ok:
            print(f"{name}: HTTP {status} (expected {ok})")
        current.clear()
        for _n in range(args.runs):
            status, ok = act()
            if status not in ok:
                print(f"{name}: HTTP {status} (expected {ok})")
        samples = list(current)
        costs[name] = samples
        app = statistics.median(a for a, _d, _q in samples) * 1000
        db = statistics.median(d for _a, d, _q in samples) * 1000
        total = statistics.median(a + d for a, d, _q in samples) * 1000
        queries = statistics.median(q for _a, _d, q in samples)
        rows.append((name, weight, app, db, total, queries))
        print(
            f"{name}: app {app:.1f} ms, PostgreSQL {db:.1f} ms, total {total:.1f} ms, {queries:g} queries",
            flush=True,
        )
    weights = sum(r[1] for r in rows)
    print()
    width = max(len(r[0]) for r in rows)
    print(f"{'action':<{width}}  weight  queries  app ms  db ms  total ms  weight×ms  share")
    grand = sum(w * t for _n, w, _a, _d, t, _q in rows)
    for name, weight, app, db, total, queries in sorted(rows, key=lambda r: -r[1] * r[4]):
        print(
            f"{name:<{width}}  {weight:>6}  {queries:>7g}  {app:>6.1f}  {db:>5.1f}  {total:>8.1f}  "
            f"{weight * total:>9.0f}  {100 * weight * total / grand:>4.0f}%"
        )
    average = grand / weights
    print(
        f"\nWeighted average: {average:.1f} ms of CPU per request "
        f"(app {sum(w * a for _n, w, a, _d, _t, _q in rows) / weights:.1f}, "
        f"PostgreSQL {sum(w * d for _n, w, _a, d, _t, _q in rows) / weights:.1f}); "
        f"2 cores give at most {2000 / average:.0f} requests/s before gunicorn and the load generator."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
