from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from dangjian.core import audit

        from . import models

        audit.register(models.User, include_fields=["username", "display_name", "is_active", "is_superuser", "email"])
        audit.register(models.RoleAssignment)
