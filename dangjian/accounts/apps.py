from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from dangjian.core import audit

        from . import models

        # An account's entries belong to the topmost organisation where it holds a role.
        audit.register(
            models.User,
            scope_path="assignments__org",
            include_fields=[
                "username",
                "display_name",
                "is_active",
                "is_superuser",
                "email",
                "password_changed_at",
            ],
        )
        audit.register(models.RoleAssignment)
        audit.register(
            models.ApiToken,
            scope_path="user__assignments__org",
            include_fields=["user", "name", "prefix", "expires_at"],
        )

        from dangjian.core import nav
        from dangjian.core.scoping import can

        nav.register(
            nav.NavEntry(
                key="accounts",
                label=_("Accounts"),
                icon="users",
                url_name="accounts:user_list",
                order=900,
                visible=lambda user: can(user, "manage_users"),
            )
        )
        nav.register(
            nav.NavEntry(
                key="audit",
                label=_("Audit log"),
                icon="history",
                url_name="audit_log",
                order=910,
                visible=lambda user: can(user, "view_audit"),
            )
        )
        nav.register(
            nav.NavEntry(
                key="parameters",
                label=_("Rule parameters"),
                icon="adjustments",
                url_name="parameters",
                order=920,
                visible=lambda user: can(user, "administer"),
            )
        )

        from dangjian.core import demo as core_demo

        from . import demo

        core_demo.register("accounts", order=20, build=demo.build)
