"""The demo county: each module contributes its own realistic records to ``manage.py demo``.

A module declares its ``DemoStep``s on its AppConfig (``core.modules``); the steps run in
``order`` and share a ``DemoContext`` (the random generator, the scale, and what earlier
steps built).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    scale: str  # "county", "city" or "province"
    seed: int
    rng: random.Random
    out: Callable[[str], None] = print
    data: dict = field(default_factory=dict)  # shared between contributors, e.g. data["townships"]


def contributors() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(key, build) of every module's demo step, in order."""
    from . import registry
    from .modules import resolve

    return [(step.key, resolve(step.build)) for step in registry.ordered(registry.demo_steps)]


def present_step() -> str | None:
    """The key of a demo step whose records the database already holds (None for an empty database)."""
    from . import registry
    from .modules import resolve

    for step in registry.ordered(registry.demo_steps):
        if step.present is not None and resolve(step.present)():
            return step.key
    return None
