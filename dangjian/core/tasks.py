"""Core work run in the background (``core.jobs``): building the demo data."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from . import demo, jobs


def build_demo(*, scale: str, seed: int, out: Callable[[str], object], progress=None) -> float:
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
    from dangjian.orgs.models import Organisation

    if Organisation.objects.exists():
        raise jobs.JobFailed(
            "The database already has organisations; the demo is built only into an empty one."
        )
    lines: list[str] = []
    seconds = build_demo(scale=scale, seed=seed, out=lines.append, progress=progress)
    return jobs.Outcome(message=f"Demo ({scale}, seed {seed}) built in {seconds:.1f} s: " + "; ".join(lines))
