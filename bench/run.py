"""`make bench`: time the main pages and the roster import on the city-scale demo (or the province).

    python bench/run.py [--pg] [--runs N] [--scale city] [--only TEXT[|TEXT…]] [--cpu] [--development]

The demo is built once into bench/out/bench.sqlite3 (or the PostgreSQL database
dangjian_bench with --pg, created when missing) and reused by later runs. Each page is
timed as a county-level user and as a township user — on a province, also as a province and a city
organisation-department user; the median of N requests is shown next to the median of replaying the
same SELECTs directly on a cursor. Requests run in the deployed settings (DEBUG=0, one connection kept
across requests; --development times them as `make run` serves them). A province database may be only
partly built (the build goes county by county): the first line says how many counties and people it holds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PG_URL = "postgres://postgres@127.0.0.1:5432/dangjian_bench"


def _create_pg_database(url: str) -> None:
    """Create the benchmark database on the server when it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def _setup(args) -> None:
    OUT.mkdir(exist_ok=True)
    if args.pg:
        url = os.environ.get("BENCH_PG_URL", PG_URL)
        _create_pg_database(url)
    else:
        url = f"sqlite:///{OUT / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ.setdefault("DEBUG", "1")  # a development run, like `make run` (the app defaults to production)
    sys.path[:0] = [str(ROOT), str(BENCH)]
    import django

    django.setup()
    print(f"Database: {url}")


def _ensure_demo(scale: str) -> None:
    from django.core.management import call_command

    from dangjian.accounts.models import User
    from dangjian.orgs.models import Organisation

    call_command("migrate", verbosity=0)
    if Organisation.objects.exists():
        if not User.objects.filter(username="zzb").exists():
            sys.exit(
                "The benchmark database has organisations but no demo users (an interrupted build?): "
                "delete bench/out/bench.sqlite3 (or drop dangjian_bench) and run again."
            )
        print("Reusing the demo already in the benchmark database.")
        # An earlier run's writes (the roster import, progress posts, history) leave rows autovacuum has not
        # caught up with: counts then read the table beside the index (a city county's member count 6 → 38
        # ms). Every run starts as a database autovacuum has caught up with, as the build leaves it.
        from dangjian.core.demo import refresh_planner_statistics

        refresh_planner_statistics(print, vacuum=True)
        return
    t0 = time.monotonic()
    call_command("demo", scale=scale, seed=2026)
    print(f"Demo built in {time.monotonic() - t0:.0f} s.")


def _wider_users() -> dict:
    """A province and a city organisation-department user, where the demo has a province or a city above its
    counties (the city scale has a city persona too)."""
    from dangjian.accounts.models import RoleAssignment, User
    from dangjian.accounts.roles import Role
    from dangjian.orgs.models import Organisation, OrgKind

    users = {}
    province = Organisation.objects.filter(kind=OrgKind.PROVINCE_COMMITTEE).first()
    city = Organisation.objects.filter(kind=OrgKind.CITY_COMMITTEE).order_by("path").first()
    for key, username, org in (("province", "bench_province", province), ("city", "bench_city", city)):
        if org is None:
            continue
        user, made = User.objects.get_or_create(
            username=username, defaults={"display_name": f"{org.name}组织部"}
        )
        if made:
            RoleAssignment.objects.create(user=user, role=Role.ORG_DEPT, org=org, include_subtree=True)
        users[key] = user
    return users


def _built() -> str:
    """How much of the demo the database holds (a province build may still be going on)."""
    from dangjian.core.models import DemoBuild, DemoCounty
    from dangjian.orgs.models import Person

    state = DemoBuild.objects.first()
    if state is None:
        return "Demo built before builds were recorded county by county."
    people = Person.objects.current().count()
    return (
        f"Demo {state.scale}: {DemoCounty.objects.count()} of {state.counties} counties built"
        f"{'' if state.finished_at else ' (unfinished)'}, {people} current people."
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg", action="store_true", help=f"use PostgreSQL ({PG_URL})")
    parser.add_argument("--runs", type=int, default=5, help="requests per page (median reported)")
    parser.add_argument("--scale", default="city", help="demo scale to build when the database is empty")
    parser.add_argument(
        "--only", help="run only the cases whose name contains this text (alternatives separated by |)"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with this process's CPU time, not wall time (a busy shared machine; SQLite only)",
    )
    parser.add_argument(
        "--development",
        action="store_true",
        help="time the pages as `make run` serves them (DEBUG=1) instead of as deployed (DEBUG=0)",
    )
    args = parser.parse_args()
    if args.cpu and args.pg:
        parser.error("--cpu measures SQLite only: PostgreSQL's work is done in another process")
    _setup(args)
    _ensure_demo(args.scale)
    ctx = bench_context(args)

    from harness import CASES, run_all

    from dangjian.orgs.models import Organisation

    print(_built())
    print(
        f"{Organisation.objects.count()} organisations; {len(CASES)} cases; {args.runs} runs each; "
        + ("development settings (DEBUG=1).\n" if args.development else "production settings (DEBUG=0).\n")
    )
    run_all(ctx, only=args.only)


def bench_context(args):
    """The personas and settings every case is measured with (also used by bench/profile_case.py): the
    served app's production settings unless ``args.development``."""
    import cases  # noqa: F401 - registers the cases
    from harness import BenchContext, as_served

    from dangjian.accounts.models import User

    county_user = User.objects.get(username="zzb")
    township_user = User.objects.get(username="gaokeng")
    # A village branch's secretary: only the cases that name the persona run as it (the home page).
    village_user = User.objects.filter(username="gkcun").first()
    village = {"village": village_user} if village_user else {}
    ctx = BenchContext(
        users={"county": county_user, "township": township_user, **village, **_wider_users()},
        county=county_user.assignments.get().org,
        township=township_user.assignments.get().org,
        runs=args.runs,
        out_dir=OUT,
        clock=time.process_time if args.cpu else time.perf_counter,
    )
    ctx.tops = {key: user.assignments.get().org for key, user in ctx.users.items()}
    if not getattr(args, "development", False):
        as_served()
    return ctx


if __name__ == "__main__":
    main()
