"""The sidebar and the header badges: each app registers its own entries in ``ready()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    icon: str  # Tabler icon name without the "ti-" prefix
    url_name: str
    order: int = 100
    visible: Callable | None = None  # visible(user) -> bool
    children: tuple[NavEntry, ...] = ()


@dataclass(frozen=True)
class Badge:
    """A number in the header (e.g. unread notifications), computed by ``count(user)``."""

    key: str
    label: str
    icon: str
    url_name: str
    count: Callable


MODULES: dict[str, NavEntry] = {}
BADGES: dict[str, Badge] = {}
HOME_BLOCKS: dict[str, tuple[int, str, Callable]] = {}


def register(entry: NavEntry) -> None:
    MODULES[entry.key] = entry


def register_badge(badge: Badge) -> None:
    BADGES[badge.key] = badge


def register_home_block(key: str, *, order: int, template: str, context: Callable) -> None:
    """A block on the home page: ``context(request)`` returns the template's context or None to hide it."""
    HOME_BLOCKS[key] = (order, template, context)


def entries_for(user) -> list[NavEntry]:
    return sorted(
        (e for e in MODULES.values() if e.visible is None or e.visible(user)), key=lambda e: (e.order, e.key)
    )
