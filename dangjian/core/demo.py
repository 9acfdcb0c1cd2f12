"""The demo county: each module contributes its own realistic records to ``manage.py demo``.

A module declares its ``DemoStep``s on its AppConfig (``core.modules``); the steps run in
``order`` and share a ``DemoContext`` (the random generator, the scale, and what earlier
steps built). At city and province scale the other counties follow one by one: each gets a
fresh context of its own (``county_context``: its own seed, only its own records in ``data``)
and every step's ``county`` in order, in one transaction per county (``core.tasks.build_demo``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class DemoContext:
    scale: str  # "county", "city" or "province"
    seed: int
    rng: random.Random
    out: Callable[[str], None] = print
    data: dict = field(default_factory=dict)  # shared between contributors, e.g. data["townships"]


def refresh_planner_statistics(out: Callable[[str], None], *, vacuum: bool = False) -> None:
    """Refresh PostgreSQL's planner statistics after bulk inserts (nothing to do on SQLite).

    Autovacuum catches up only later, and never inside the build's open transaction; until then the
    planner believes a subtree holds a handful of rows and picks nested loops over hundreds of
    thousands (the member list of a province took 1.3 s of SQL before, 0.1 ms after; the first
    county's daily-job step took 559 s instead of ~15 s). ANALYZE inside a transaction counts the
    transaction's own rows.

    With ``vacuum`` (the finished build, outside any transaction) it is ``VACUUM (ANALYZE)``: the
    visibility map is then set as on a database autovacuum has caught up with, and counts are read from
    an index alone (a county's 15 767 members counted in 5 ms instead of a 19 ms scan of the table).
    """
    if connection.vendor != "postgresql":
        return
    vacuum = vacuum and not connection.in_atomic_block  # VACUUM cannot run inside a transaction
    t0 = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    what = "vacuumed and planner statistics refreshed" if vacuum else "planner statistics refreshed"
    out(f"  {what} in {time.monotonic() - t0:.1f} s")


def contributors() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(key, build) of every module's demo step, in order."""
    from . import registry
    from .modules import resolve

    return [
        (step.key, resolve(step.build))
        for step in registry.ordered(registry.demo_steps)
        if step.build is not None
    ]


def finishers() -> list[tuple[str, Callable[[], None]]]:
    """(key, finish) of every module's step with work to do once the whole build is done, in order."""
    from . import registry
    from .modules import resolve

    return [
        (step.key, resolve(step.finish))
        for step in registry.ordered(registry.demo_steps)
        if step.finish is not None
    ]


def county_contributors() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(key, county) of every module's step that adds records to each further county, in order."""
    from . import registry
    from .modules import resolve

    return [
        (step.key, resolve(step.county))
        for step in registry.ordered(registry.demo_steps)
        if step.county is not None
    ]


def county_context(*, scale: str, seed: int, number: int, out: Callable[[str], None]) -> DemoContext:
    """The context of county ``number``: a generator seeded by the build's seed and the number alone,
    so a county built again after an interruption is the same county."""
    return DemoContext(
        scale=scale,
        seed=seed,
        rng=random.Random(f"{seed}/county/{number}"),
        out=out,
        data={"county_number": number},
    )


PG_ONLY_SCALES = ("province",)


def refusal(scale: str, vendor: str) -> str | None:
    """Why ``scale`` cannot be built on this database (None when it can)."""
    from django.utils.translation import gettext as _

    if scale in PG_ONLY_SCALES and vendor != "postgresql":
        return _(
            "The province demo (about 4 million people in 260 counties) is built only on PostgreSQL: "
            "set DATABASE_URL to a PostgreSQL database. SQLite holds a county or a city."
        )
    return None


class Refused(Exception):
    """A demo build that cannot start or go on in this database; the message says why."""


class Filled(Refused):
    """The database already holds demo records (``demo --if-empty`` then does nothing)."""


def check_start(*, scale: str, seed: int, vendor: str) -> str:
    """ "resume" when an unfinished build of this scale and seed waits in the database, "new" when it
    is empty; otherwise ``Refused`` (or ``Filled``) with the reason."""
    from .models import DemoBuild

    refused = refusal(scale, vendor)
    if refused:
        raise Refused(refused)
    state = DemoBuild.objects.filter(finished_at__isnull=True).first()
    if state is not None:
        if (state.scale, state.seed) != (scale, seed):
            raise Refused(
                f"The database holds an unfinished {state.scale} demo build (seed {state.seed}): "
                f"resume it with --scale {state.scale} --seed {state.seed}, or flush the database."
            )
        return "resume"
    filled = present_step()
    if filled is not None:
        raise Filled(
            f"The database already has records ({filled}). The demo is built only into an empty database "
            "(run `manage.py flush` first, or pass --if-empty to skip)."
        )
    return "new"


def present_step() -> str | None:
    """The key of a demo step whose records the database already holds (None for an empty database)."""
    from . import registry
    from .modules import resolve

    for step in registry.ordered(registry.demo_steps):
        if step.present is not None and resolve(step.present)():
            return step.key
    return None
