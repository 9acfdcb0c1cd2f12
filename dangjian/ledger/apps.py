from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "dangjian.ledger"
    label = "ledger"
    verbose_name = "清单与销号"

    def ready(self) -> None:
        from dangjian.core import audit
        from dangjian.core import demo as core_demo

        from . import demo, models, params, services  # noqa: F401 - params declare rules, services fill ALLOWED

        for model in (
            models.Category, models.ItemList, models.ItemGroup, models.Item, models.Progress, models.Evidence,
            models.ExtensionRequest, models.Recheck, models.Escalation, models.Accountability,
        ):
            audit.register(model, exclude_fields=["version", "status_changed_at"])
        core_demo.register("ledger", order=50, build=demo.build)
