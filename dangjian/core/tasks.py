"""Core work run in the background (``core.jobs``): building the demo data, the daily run."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.utils import timezone, translation

from . import demo, jobs, registry
from .modules import resolve


def build_demo(*, scale: str, seed: int, out: Callable[[str], None], progress=None) -> float:
    """Run every app's demo contributor in order; returns the seconds it took."""
    started = time.monotonic()
    ctx = demo.DemoContext(scale=scale, seed=seed, rng=random.Random(seed), out=out)
    contributors = list(demo.contributors())
    if progress is not None:
        progress.total = len(contributors)
    for key, build in contributors:
        if progress is not None:
            progress.message = key
        t0 = time.monotonic()
        build(ctx)
        out(f"  {key}: done in {time.monotonic() - t0:.1f} s")
        if progress is not None:
            progress.advance()
    return time.monotonic() - started


@jobs.job_task
def demo_job(job, progress, *, scale: str, seed: int) -> jobs.Outcome:
    """``manage.py demo --background``: the demo built by a worker, its log kept as the job's message."""
    filled = demo.present_step()
    if filled is not None:
        raise jobs.JobFailed(
            f"The database already has demo records ({filled}); the demo is built only into an empty one."
        )
    lines: list[str] = []
    seconds = build_demo(scale=scale, seed=seed, out=lines.append, progress=progress)
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
