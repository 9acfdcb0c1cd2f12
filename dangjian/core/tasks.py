"""Core work run in the background (``core.jobs``): building the demo data, the daily run."""

from __future__ import annotations

import logging
import random
import resource
import time
from collections import deque
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.utils import timezone, translation

from . import demo, jobs, registry
from .modules import resolve

logger = logging.getLogger(__name__)


def peak_rss_mb() -> float:
    """The most memory this process has held so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


ANALYZE_EVERY = 10  # counties between two refreshes of PostgreSQL's planner statistics


def build_demo(
    *, scale: str, seed: int, out: Callable[[str], None], progress=None, counties: int | None = None
) -> float:
    """Build the demo, or go on with the one a killed build left; returns the seconds it took.

    First every app's contributor in order, in one transaction: the demo county (and the province
    and cities above it). Then county after county, each in its own transaction that also records
    it in ``DemoCounty``: a build cut off anywhere resumes after the last county committed, and a
    county is never built twice (its number is the key). ``counties`` stops once that many are
    finished (``demo --counties N``; a later run goes on).
    """
    from .models import DemoBuild, DemoCounty

    started = time.monotonic()
    state = DemoBuild.objects.filter(finished_at__isnull=True).first()
    if state is None:
        ctx = demo.DemoContext(scale=scale, seed=seed, rng=random.Random(seed), out=out)
        contributors = list(demo.contributors())
        if progress is not None:
            progress.total = len(contributors)
        with transaction.atomic():
            for key, build in contributors:
                if progress is not None:
                    progress.message = key
                t0 = time.monotonic()
                build(ctx)
                out(f"  {key}: done in {time.monotonic() - t0:.1f} s")
                if progress is not None:
                    progress.advance()
            state = DemoBuild.objects.create(scale=scale, seed=seed, counties=ctx.data.get("county_count", 1))
            DemoCounty.objects.create(
                number=0,
                name=ctx.data["county"].name,
                people=ctx.data.get("people", 0),
                seconds=time.monotonic() - started,
            )
        del ctx
        if state.counties > 1:  # for the counties still to build (a one-county build is vacuumed below)
            demo.refresh_planner_statistics(out)
    elif (state.scale, state.seed) != (scale, seed):
        raise ValueError(
            f"The database holds an unfinished {state.scale} build (seed {state.seed}); "
            f"resume it with --scale {state.scale} --seed {state.seed}."
        )
    done = DemoCounty.objects.count()
    steps = demo.county_contributors()
    if progress is not None:
        # One step per app for the first county (above), then one per further county.
        first = len(list(demo.contributors()))
        progress.total = first + state.counties - 1
        progress.done = first + done - 1
        progress.flush()
    for number in range(done, state.counties):
        if counties is not None and number >= counties:
            break
        t0, cpu0 = time.monotonic(), time.process_time()
        if progress is not None:
            progress.message = f"county {number + 1}"
        ctx = demo.county_context(scale=scale, seed=seed, number=number, out=out)
        took = []
        with transaction.atomic():
            for key, build in steps:
                t1 = time.monotonic()
                build(ctx)
                took.append(f"{key} {time.monotonic() - t1:.1f}")
            DemoCounty.objects.create(
                number=number,
                name=ctx.data["county"].name,
                people=ctx.data.get("people", 0),
                seconds=time.monotonic() - t0,
            )
        reset_queries()
        out(
            f"county {number + 1}/{state.counties} {ctx.data['county'].name}: {ctx.data.get('people', 0)} people "
            f"in {time.monotonic() - t0:.1f} s ({time.process_time() - cpu0:.1f} s of this process's CPU; "
            f"{', '.join(took)}); peak memory {peak_rss_mb():.0f} MB"
        )
        if progress is not None:
            progress.advance()
        if (number + 1) % ANALYZE_EVERY == 0:
            demo.refresh_planner_statistics(out)
    if DemoCounty.objects.count() == state.counties:
        for key, finish in demo.finishers():
            t0 = time.monotonic()
            finish()
            out(f"  {key}: finished in {time.monotonic() - t0:.1f} s")
        demo.refresh_planner_statistics(out, vacuum=True)
        DemoBuild.objects.filter(pk=state.pk).update(finished_at=timezone.now())
    out(f"Peak memory {peak_rss_mb():.0f} MB.")
    return time.monotonic() - started


@jobs.job_task
def demo_job(job, progress, *, scale: str, seed: int) -> jobs.Outcome:
    """``manage.py demo --background``: the demo built by a worker, its log kept as the job's message."""
    try:
        demo.check_start(scale=scale, seed=seed, vendor=connection.vendor)
    except demo.Refused as exc:
        raise jobs.JobFailed(str(exc)) from None
    lines: deque[str] = deque(maxlen=20)  # a province logs thousands of lines: the job keeps the last ones

    def out(line: str) -> None:
        lines.append(line)
        logger.info("demo: %s", line.strip())  # the worker's log follows the build county by county

    seconds = build_demo(scale=scale, seed=seed, out=out, progress=progress)
    return jobs.Outcome(message=f"Demo ({scale}, seed {seed}) built in {seconds:.1f} s: " + "; ".join(lines))


def run_daily(*, today: date) -> dict[str, int]:
    """Run every module's daily jobs for ``today`` in the site language; their counts, keyed by job."""
    result: dict[str, int] = {}
    with translation.override(settings.LANGUAGE_CODE):  # notices and records are in the site language
        for daily_job in registry.ordered(registry.daily_jobs):
            for name, count in resolve(daily_job.run)(today=today).items():
                result[f"{daily_job.key}.{name}"] = count
    return result


def sweep_jobs(*, today: date) -> dict[str, int]:
    """The core's own daily job: running jobs whose worker died are marked failed."""
    return {"stale_jobs": jobs.sweep_stale()}


@jobs.job_task
def daily_job(job, progress, *, today: str = "") -> jobs.Outcome:
    """``manage.py daily --background``: every module's daily work run by a worker."""
    result = run_daily(today=date.fromisoformat(today) if today else timezone.localdate())
    return jobs.Outcome(message=", ".join(f"{k}={v}" for k, v in result.items()))
