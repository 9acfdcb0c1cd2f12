"""The module contract: an app declares on its ``AppConfig`` everything it brings.

A module subclasses ``ModuleConfig`` and fills in the attributes it needs; ``ready()``
registers them in ``core.registry``. Nothing central lists the apps: the root URLconf,
the API router, the sidebar, the home page, the roles' capabilities, the audit log, the
demo, the daily job, the item page's panels, the indicators and the persona leak test all
read the registry. Adding a module touches no central file except ``INSTALLED_APPS``.

Callables are named by dotted path (resolved when ``ready()`` runs), so ``apps.py``
imports nothing but ``core`` and the declarations stay readable in one place::

    class ReviewsConfig(ModuleConfig):
        name = "dangjian.reviews"
        label = "reviews"
        verbose_name = _("Duty-report evaluation")

        url_prefix = "reviews/"                          # mounts reviews/urls.py, namespace "reviews"
        api = "dangjian.reviews.api.register"           # register(router) adds the viewsets
        nav = (NavEntry(key="reviews", label=_("Evaluation"), icon="gavel",
                        url_name="reviews:session_list", order=40),)
        capabilities = {"host_review": _("Host duty-report evaluations")}
        role_capabilities = {"org_dept": {"host_review"}, "township": {"host_review"}}
        audited = {"Session": {}, "Ballot": {"exclude_fields": ["credential"]}}
        workflows = "dangjian.reviews.rules"            # rules.WORKFLOWS = {Model: table}
        parameters = "dangjian.reviews.params"          # declares rule parameters on import (one or a tuple)
        demo = (DemoStep("reviews", order=60, build="dangjian.reviews.demo.build"),)
        daily = (DailyJob("reviews", order=60, run="dangjian.reviews.services.daily_run"),)
        item_sources = (ItemSource("reviews.Reporter", label=_("Duty-report evaluation"),
                                   url_name="reviews:reporter_detail", source="review", cap="hand_down"),)
        panels = (Panel(on="orgs.organisation", key="reviews", order=50,
                        template="reviews/partials/org_panel.html",
                        context="dangjian.reviews.selectors.org_panel"),)
        indicators = "dangjian.reviews.indicators"      # calls core.indicators.register on import
        documents = (DocumentKind("reviews.result_notice", label=_("Evaluation result notice"),
                                  fields=(DocField("org", _("Organisation evaluated")), …)),)
        leak_rows = "dangjian.reviews.tests.leak"       # ROUTES/OBJECTS rows for the persona test
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from . import registry
from .documents import DocField, DocumentKind
from .nav import Badge, NavEntry
from .text import Text

__all__ = [
    "Badge",
    "DailyJob",
    "DemoStep",
    "DocField",
    "DocumentKind",
    "HomeBlock",
    "ItemAction",
    "ItemSource",
    "ModuleConfig",
    "NavEntry",
    "Panel",
    "SearchProvider",
    "resolve",
]


def resolve(target):
    """A callable given directly or by dotted path."""
    if target is None or callable(target):
        return target
    return import_string(target)


@dataclass(frozen=True)
class HomeBlock:
    """A block on the home page: ``context(request)`` returns the template's context, or None to hide it."""

    key: str
    order: int
    template: str
    context: Callable | str


@dataclass(frozen=True)
class DemoStep:
    """A contributor to ``manage.py demo``: ``build(ctx)`` adds the module's records (runs in ``order``).

    ``present()``, when given, answers whether the database already holds such records
    (``demo --if-empty`` then leaves it alone). ``county(ctx)``, when given, adds the module's
    records for one further county of a city or province: after ``build`` has filled the demo
    county, the build goes county by county, running every step's ``county`` in ``order``
    inside that county's one transaction (``ctx.data`` then holds only that county, see
    ``core.demo.county_context``), so a county is finished whole or not at all. ``finish()``, when
    given, runs once the last county is built (what the daily run would leave, such as a record reckoned
    over the whole tree).
    """

    key: str
    order: int
    build: Callable | str | None = None
    present: Callable | str | None = None
    county: Callable | str | None = None
    finish: Callable | str | None = None


@dataclass(frozen=True)
class DailyJob:
    """Work of ``manage.py daily``: ``run(today=…)`` returns counts; it must be safe to run twice a day."""

    key: str
    order: int
    run: Callable | str


@dataclass(frozen=True)
class ItemSource:
    """A kind of record that raises list items through the ledger's door (see ``ledger.door``).

    ``model``: "app_label.ModelName" of the record; ``url_name``: its page (one pk argument);
    ``source``: the ledger's source word for these items (a ``ledger.models.Source`` value), or a
    callable ``source(record)`` giving it when the record's own kind decides (a speech or minutes);
    ``cap``: the capability the actor needs at the issuing organisation to raise items from it.
    """

    model: str
    label: Text
    url_name: str
    source: str | Callable[[Any], str]
    cap: str


@dataclass(frozen=True)
class Panel:
    """A block that a module adds to another module's record page.

    ``on`` names the page's model ("ledger.item", "orgs.organisation"); ``context(request, obj)``
    returns the template's context or None to leave the panel out. The host page never
    imports the module that fills the panel.
    """

    on: str
    key: str
    order: int
    template: str
    context: Callable | str


@dataclass(frozen=True)
class ItemAction:
    """A button a module adds to another module's rows or pages (e.g. "record an interview" on the
    escalation list). ``url_name`` takes the host record's pk; shown to users holding ``cap`` there."""

    key: str
    label: Text
    icon: str
    url_name: str
    cap: str
    on: str  # where the host shows it: "escalation", "item" …


@dataclass(frozen=True)
class SearchProvider:
    """One kind of record in the header search: ``search(user, text, limit)`` → list of hits."""

    key: str
    label: Text
    order: int
    search: Callable | str


@dataclass
class Declarations:
    """What one module brought (kept for introspection, the docs page and tests)."""

    label: Text
    url_prefix: str | None = None
    api: str | None = None
    leak_rows: str | None = None
    extra: dict = field(default_factory=dict)


class ModuleConfig(AppConfig):
    """Base class of every dangjian app's config: declare, and ``ready()`` registers."""

    # Django picks the one AppConfig subclass of an apps.py marked default; this base class,
    # imported into every apps.py, must never be picked, and its subclasses always are.
    default = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = True

    url_prefix: str | None = None
    api: str | None = None
    nav: tuple[NavEntry, ...] = ()
    badges: tuple[Badge, ...] = ()
    home_blocks: tuple[HomeBlock, ...] = ()
    capabilities: Mapping[str, str] = {}
    role_capabilities: Mapping[str, set[str] | frozenset[str]] = {}
    audited: Mapping[str, dict] = {}
    workflows: str | None = None
    parameters: str | tuple[str, ...] | None = None
    demo: tuple[DemoStep, ...] = ()
    daily: tuple[DailyJob, ...] = ()
    item_sources: tuple[ItemSource, ...] = ()
    panels: tuple[Panel, ...] = ()
    item_actions: tuple[ItemAction, ...] = ()
    search: tuple[SearchProvider, ...] = ()
    indicators: str | None = None
    documents: tuple[DocumentKind, ...] = ()
    leak_rows: str | None = None

    def ready(self) -> None:
        register_module(self)


def register_module(config: ModuleConfig) -> None:
    """Put every declaration of ``config`` into the registry (idempotent)."""
    from . import audit, choices, documents, workflow

    if config.label in registry.modules:
        return
    registry.modules[config.label] = config
    for module in (config.parameters,) if isinstance(config.parameters, str) else config.parameters or ():
        import_module(module)
    if config.workflows:
        rules = import_module(config.workflows)
        tables = getattr(rules, "WORKFLOWS", None)
        if not isinstance(tables, Mapping):
            raise ImproperlyConfigured(f"{config.workflows} must define WORKFLOWS = {{Model: table}}.")
        for model, table in tables.items():
            workflow.register(model, table)
    for model_name, options in config.audited.items():
        audit.register(config.get_model(model_name), **options)
    for entry in config.nav:
        registry.nav[entry.key] = entry
    for badge in config.badges:
        registry.badges[badge.key] = badge
    for block in config.home_blocks:
        registry.home_blocks[block.key] = block
    for cap, label in config.capabilities.items():
        registry.capabilities[cap] = label
    for role, caps in config.role_capabilities.items():
        registry.role_capabilities.setdefault(str(role), set()).update(caps)
    for step in config.demo:
        registry.demo_steps[step.key] = step
    for job in config.daily:
        registry.daily_jobs[job.key] = job
    for source in config.item_sources:
        registry.item_sources[source.model.lower()] = source
    for panel in config.panels:
        registry.panels.setdefault(panel.on.lower(), {})[panel.key] = panel
    for action in config.item_actions:
        registry.actions.setdefault(action.on, {})[action.key] = action
    for provider in config.search:
        registry.search_providers[provider.key] = provider
    for kind in config.documents:
        documents.register(kind, app_label=config.label, app_path=config.path)
    if config.indicators:
        import_module(config.indicators)
    choices.install(config.get_models())
