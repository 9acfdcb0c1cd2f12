from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import DailyJob, DemoStep, HomeBlock, ModuleConfig, NavEntry
from dangjian.core.scoping import can


class LedgerConfig(ModuleConfig):
    """Problem, task and responsibility lists followed to verified closure (清单、整改、销号、回头看)."""

    name = "dangjian.ledger"
    label = "ledger"
    verbose_name = _("Lists and closure")

    url_prefix = "ledger/"
    api = "dangjian.ledger.api.register"
    parameters = "dangjian.ledger.params"
    workflows = "dangjian.ledger.rules"
    audited = {
        name: {"exclude_fields": ["version", "status_changed_at"]}
        for name in (
            "Category",
            "ItemList",
            "ItemGroup",
            "Item",
            "Progress",
            "Evidence",
            "ExtensionRequest",
            "Recheck",
            "Escalation",
            "Accountability",
            "ItemLink",
        )
    }
    nav = (
        NavEntry(
            key="ledger",
            label=_("Lists and closure"),
            icon="list-check",
            url_name="ledger:list_index",
            order=30,
        ),
        NavEntry(key="ledger_table", label=_("Ledger"), icon="table", url_name="ledger:ledger", order=31),
        NavEntry(
            key="ledger_stats", label=_("Statistics"), icon="chart-bar", url_name="ledger:rollup", order=32
        ),
        NavEntry(
            key="ledger_escalations",
            label=_("Escalation"),
            icon="alarm",
            order=33,
            url_name="ledger:escalations",
            visible=lambda user: can(user, Cap.VERIFY) or can(user, Cap.INSPECT),
        ),
    )
    home_blocks = (
        HomeBlock(
            key="ledger_my_work",
            order=10,
            template="ledger/partials/home_block.html",
            context="dangjian.ledger.views.work.my_work_block",
        ),
    )
    demo = (DemoStep("ledger", order=50, build="dangjian.ledger.demo.build"),)
    daily = (DailyJob("ledger", order=50, run="dangjian.ledger.services.daily_run"),)
    indicators = "dangjian.ledger.indicators"
    leak_rows = "dangjian.ledger.tests.leak"
