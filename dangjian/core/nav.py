"""The sidebar entries and header badges that modules declare (see ``core.modules``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .text import Text


@dataclass(frozen=True)
class NavEntry:
    """A sidebar entry; ``visible(user)`` hides it from those who cannot use it."""

    key: str
    label: Text
    icon: str  # Tabler icon name without the "ti-" prefix
    url_name: str
    order: int = 100
    visible: Callable | None = None  # visible(user) -> bool
    children: tuple[NavEntry, ...] = ()


@dataclass(frozen=True)
class Badge:
    """A number in the header (e.g. unread notifications), computed by ``count(user)``."""

    key: str
    label: Text
    icon: str
    url_name: str
    count: Callable | str


def entries_for(user) -> list[NavEntry]:
    """The sidebar entries this user may see, in order."""
    from . import registry

    return sorted(
        (e for e in registry.nav.values() if e.visible is None or e.visible(user)),
        key=lambda e: (e.order, e.key),
    )
