from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = "组织与党员"

    def ready(self) -> None:
        from dangjian.core import audit

        from . import models, params  # noqa: F401 - declares rule parameters

        audit.register(models.Organisation, exclude_fields=["path", "depth", "numchild", "sort_key"])
        audit.register(
            models.Person,
            exclude_fields=["id_cipher", "id_digest", "name_pinyin", "name_initials", "version"],
        )
        audit.register(models.Post)
        audit.register(models.Transfer)
