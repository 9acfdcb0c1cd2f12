"""The one registry: what every installed module declared (filled by ``core.modules``).

Central code reads these stores and never names an app: the URLconf mounts every
module's URLs, the sidebar shows every module's entries, ``manage.py demo`` and
``manage.py daily`` run every module's steps, and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .indicators import Indicator
    from .modules import (
        DailyJob,
        DemoStep,
        HomeBlock,
        ItemAction,
        ItemSource,
        ModuleConfig,
        Panel,
        SearchProvider,
    )
    from .nav import Badge, NavEntry

modules: dict[str, ModuleConfig] = {}
nav: dict[str, NavEntry] = {}
badges: dict[str, Badge] = {}
home_blocks: dict[str, HomeBlock] = {}
capabilities: dict[str, str] = {}  # capability → what it allows (base capabilities and modules' own)
role_capabilities: dict[str, set[str]] = {}  # role → capabilities modules add to it
demo_steps: dict[str, DemoStep] = {}
daily_jobs: dict[str, DailyJob] = {}
item_sources: dict[str, ItemSource] = {}  # "app_label.model" (lower case) → source
panels: dict[str, dict[str, Panel]] = {}  # "app_label.model" of the host page → key → panel
actions: dict[str, dict[str, ItemAction]] = {}  # where the host shows them → key → action
search_providers: dict[str, SearchProvider] = {}
indicators: dict[str, Indicator] = {}  # key → indicator (``core.indicators.register``)


def ordered(store: dict, key=lambda v: (v.order, v.key)) -> list:
    """The values of a store in their declared order."""
    return sorted(store.values(), key=key)


def panels_for(model_label: str) -> list[Panel]:
    """Panels other modules add to the page of ``model_label`` ("ledger.item"), in order."""
    return ordered(panels.get(model_label.lower(), {}))


def actions_for(where: str) -> list[ItemAction]:
    """Buttons other modules add at ``where`` ("escalation" …), in declaration order."""
    return list(actions.get(where, {}).values())
