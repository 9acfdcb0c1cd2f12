"""The demo's reference day and small date helpers shared by its parts."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

REFERENCE_DAY = date(2026, 11, 22)
BATCH = 2000


def reference_day() -> date:
    """The demo is dated to REFERENCE_DAY (so a seed always gives the same data), never in the future."""
    return min(REFERENCE_DAY, timezone.localdate())


def _between(rng, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
