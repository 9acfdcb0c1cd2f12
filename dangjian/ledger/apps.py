from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "dangjian.ledger"
    label = "ledger"
    verbose_name = _("Lists and closure")

    def ready(self) -> None:
        from dangjian.core import audit, workflow
        from dangjian.core import demo as core_demo

        from . import demo, models, params, rules  # noqa: F401 - params declare rule parameters

        for model, table in rules.WORKFLOWS.items():
            workflow.register(model, table)

        for model in (
            models.Category,
            models.ItemList,
            models.ItemGroup,
            models.Item,
            models.Progress,
            models.Evidence,
            models.ExtensionRequest,
            models.Recheck,
            models.Escalation,
            models.Accountability,
        ):
            audit.register(model, exclude_fields=["version", "status_changed_at"])
        core_demo.register("ledger", order=50, build=demo.build)
        self._register_pages()

    def _register_pages(self) -> None:
        """Sidebar entries and the "my work" block of the ledger pages."""
        from dangjian.core import nav
        from dangjian.core.scoping import can

        from .views.work import my_work_block

        nav.register(
            nav.NavEntry(
                key="ledger",
                label=_("Lists and closure"),
                icon="list-check",
                url_name="ledger:list_index",
                order=30,
            )
        )
        nav.register(
            nav.NavEntry(
                key="ledger_table", label=_("Ledger"), icon="table", url_name="ledger:ledger", order=31
            )
        )
        nav.register(
            nav.NavEntry(
                key="ledger_stats",
                label=_("Statistics"),
                icon="chart-bar",
                url_name="ledger:rollup",
                order=32,
            )
        )
        nav.register(
            nav.NavEntry(
                key="ledger_escalations",
                label=_("Escalation"),
                icon="alarm",
                order=33,
                url_name="ledger:escalations",
                visible=lambda user: can(user, "verify") or can(user, "inspect"),
            )
        )
        nav.register_home_block(
            "ledger_my_work", order=10, template="ledger/partials/home_block.html", context=my_work_block
        )
