"""Load test of live scoring: ballots submitted to gunicorn while the host opens and closes scoring.

    python bench/reviews_ballots.py [--pg] [--ballots 500] [--reporters 19] [--seconds 50] [--threads 16]

Builds a fresh database (bench/out/reviews.sqlite3, or the PostgreSQL database dangjian_reviews_bench
with --pg, recreated), a county with N townships and one live session, starts gunicorn on it, then for
each reporter in turn: opens scoring, posts that reporter's share of the ballots through the ballot API
from many threads at once, and polls the big screen's live part until it shows the last ballot.
Reports the submit latency (p50, p99), ballots lost (accepted by the server but not in the database;
must be 0), ballots refused, and how long the big screen took to reflect each reporter's last ballot.
Targets (issue 9): p99 < 300 ms, 0 lost, reflected < 2 s, 500 ballots within 60 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PG_URL = "postgres://postgres@127.0.0.1:5432/dangjian_reviews_bench"


def _database(pg: bool) -> str:
    OUT.mkdir(exist_ok=True)
    if not pg:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'reviews.sqlite3'}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{OUT / 'reviews.sqlite3'}"
    import psycopg
    from psycopg import sql

    url = os.environ.get("BENCH_REVIEWS_PG_URL", PG_URL)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path[:0] = [str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _session(reporters: int, ballots: int):
    from datetime import date

    from dangjian.accounts.models import User
    from dangjian.orgs.models import OrgKind, Sector
    from dangjian.orgs.tests.factories import make_org
    from dangjian.reviews import services
    from dangjian.reviews.services import GroupSpec

    admin = User.objects.create_superuser("bench", password="Bench-pass-2026")
    county = make_org(None, "压测县委", kind=OrgKind.COUNTY_COMMITTEE, sector=Sector.MIXED)
    towns = [
        make_org(county, f"压测{n:02d}镇党委", kind=OrgKind.TOWNSHIP_COMMITTEE, sector=Sector.MIXED)
        for n in range(1, reporters + 1)
    ]
    seats = math.ceil(ballots / reporters)
    session = services.session_create(
        org=county, actor=admin, year=2026, title="压测述职评议会", held_on=date(2027, 1, 16)
    )
    services.sheet_update(
        session=session,
        actor=admin,
        groups=[GroupSpec("代表", 100, seats, 1)],
        indicators=[],
        grade_points={"good": 100, "fairly_good": 80, "average": 60, "poor": 40},
        thresholds={"good": 90, "fairly_good": 80, "average": 60},
    )
    for town in towns:
        services.reporter_add(session=session, org=town, secretary=f"{town.name}书记", actor=admin)
    services.credentials_issue(session=session, actor=admin)
    services.session_open(session=session, actor=admin)
    return session, admin


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "dangjian.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    for _n in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _post_ballot(port: int, code: str, reporter_id: int, grade: str) -> tuple[float, int]:
    body = json.dumps({"code": code, "reporter": reporter_id, "grade": grade})
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/review-ballots/", body=body, headers={"Content-Type": "application/json"})
    status = conn.getresponse().status
    conn.close()
    return time.perf_counter() - start, status


def _screen_shows(port: int, token: str, count: int, timeout: float = 10) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", f"/reviews/screen/{token}/live/")
    page = conn.getresponse().read().decode()
    conn.close()
    return f'data-received="{count}"' in page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--ballots", type=int, default=500)
    parser.add_argument("--reporters", type=int, default=19)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--seconds", type=float, default=50, help="spread the ballots over this long (0: as fast as possible)"
    )
    args = parser.parse_args()

    url = _database(args.pg)
    _setup(url)
    from dangjian.reviews import services
    from dangjian.reviews.models import Ballot

    session, admin = _session(args.reporters, args.ballots)
    reporters = list(session.reporters.order_by("position"))
    codes = list(session.credentials.values_list("code", flat=True))
    grades = ["good", "fairly_good", "average", "poor"]
    port = _free_port()
    server = _start_gunicorn(port, args.workers)
    latencies, statuses, reflect = [], [], []
    accepted = 0
    try:
        # Warm every worker (its first request loads the URLconf, the catalogues, the registry).
        with ThreadPoolExecutor(args.workers * 2) as warm:
            list(
                warm.map(
                    lambda _n: _screen_shows(port, session.screen_token, 0, 120), range(args.workers * 8)
                )
            )
        began = time.perf_counter()
        left = args.ballots
        with ThreadPoolExecutor(args.threads) as pool:
            for n, reporter in enumerate(reporters):
                share = math.ceil(left / (len(reporters) - n))
                left -= share
                services.scoring_open(reporter=reporter, actor=admin)
                jobs = []
                for i in range(share):
                    if args.seconds:  # phones arrive at a steady rate, as in a meeting hall
                        sent = args.ballots - left - share + i
                        time.sleep(max(0.0, began + sent * args.seconds / args.ballots - time.perf_counter()))
                    jobs.append(pool.submit(_post_ballot, port, codes[i], reporter.pk, grades[(i + n) % 4]))
                results = [job.result() for job in jobs]
                last = time.perf_counter()
                latencies += [r[0] for r in results]
                statuses += [r[1] for r in results]
                here = sum(1 for r in results if r[1] == 201)
                accepted += here
                while not _screen_shows(port, session.screen_token, here):
                    if time.perf_counter() - last > 10:
                        break
                    time.sleep(0.05)
                reflect.append(time.perf_counter() - last)
                services.scoring_close(reporter=reporter, actor=admin)
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(10)
    stored = Ballot.objects.count()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    print(
        f"Database: {'PostgreSQL' if args.pg else 'SQLite'}; gunicorn {args.workers} workers; "
        f"{args.threads} client threads"
    )
    print(
        f"Ballots: {len(latencies)} sent, {accepted} accepted, {stored} stored, lost {accepted - stored}, "
        f"refused {sum(1 for s in statuses if s != 201)} in {elapsed:.1f} s (scoring opened and closed 19 times)"
    )
    print(
        f"Submit latency: p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )
    print(
        f"Big screen reflected each reporter's last ballot within {max(reflect) * 1000:.0f} ms "
        f"(worst of {len(reflect)})"
    )
    return 0 if accepted == stored else 1


if __name__ == "__main__":
    sys.exit(main())
