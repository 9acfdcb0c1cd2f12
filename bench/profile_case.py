"""Profile one bench page case with cProfile: where a request's time goes beyond its SQL.

    python bench/profile_case.py "API: one member" [--user county] [--requests 200] [--pg] [--scale county]
                                 [--sort tottime|cumtime] [--limit 40] [--out bench/out/case.prof]

The case is chosen by a piece of its name, as ``bench/run.py --only`` does (the first match),
and requested exactly as the bench requests it (same database, persona, URL and headers):
once to warm the caches, then N times under the profiler. The statistics are printed sorted
by ``--sort``; ``--out`` keeps them for snakeviz or ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # the bench's own setup (database, demo, personas)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("case", help="a piece of the case's name (the first case that contains it)")
    parser.add_argument("--user", default="county", help="persona: county, township (province, city)")
    parser.add_argument("--requests", type=int, default=200, help="requests made under the profiler")
    parser.add_argument("--pg", action="store_true", help="use PostgreSQL, as bench/run.py --pg")
    parser.add_argument("--scale", default="city", help="the demo's scale, as bench/run.py --scale")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumtime, ncalls…)")
    parser.add_argument("--limit", type=int, default=40, help="lines of statistics printed")
    parser.add_argument("--out", help="also write the raw statistics to this file")
    args = parser.parse_args()
    args.runs, args.cpu = 1, False
    run._setup(args)
    run._ensure_demo(args.scale)
    ctx = run.bench_context(args)

    from django.test import Client
    from harness import CASES, PageCase, _consume

    case = next((c for c in CASES if isinstance(c, PageCase) and args.case in c.name), None)
    if case is None:
        sys.exit(f"No page case contains {args.case!r}.")
    url = case.url(ctx, args.user)
    if case.headers is not None:
        client = Client(headers=case.headers(ctx, args.user))
    else:
        client = Client()
        client.force_login(ctx.users[args.user])
    response = client.get(url)
    _consume(response)
    print(
        f"{case.name} as {args.user}: GET {url} → {response.status_code}; {args.requests} requests profiled."
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        _consume(client.get(url))
    profiler.disable()
    if args.out:
        profiler.dump_stats(args.out)
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()
