"""The demo county: each app contributes its own realistic records to ``manage.py demo``.

An app registers a contributor in ``ready()``; contributors run in ``order`` and share a
``DemoContext`` (the random generator, the scale, and what earlier contributors built).
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


CONTRIBUTORS: dict[str, tuple[int, Callable[[DemoContext], None]]] = {}


def register(key: str, *, order: int, build: Callable[[DemoContext], None]) -> None:
    CONTRIBUTORS[key] = (order, build)


def contributors() -> list[tuple[str, Callable[[DemoContext], None]]]:
    return [(k, fn) for k, (o, fn) in sorted(CONTRIBUTORS.items(), key=lambda kv: kv[1][0])]
