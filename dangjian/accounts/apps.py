from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import DemoStep, ModuleConfig, NavEntry
from dangjian.core.scoping import can


class AccountsConfig(ModuleConfig):
    """Users, roles and role assignments (role × organisation × subtree)."""

    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    url_prefix = "accounts/users/"
    audited = {
        # An account's entries belong to the topmost organisation where it holds a role.
        "User": {
            "scope_path": "assignments__org",
            "include_fields": [
                "username",
                "display_name",
                "is_active",
                "is_superuser",
                "email",
                "person",
                "password_changed_at",
            ],
        },
        "RoleAssignment": {},
        "ApiToken": {
            "scope_path": "user__assignments__org",
            "include_fields": ["user", "name", "prefix", "expires_at"],
        },
    }
    nav = (
        NavEntry(
            key="accounts",
            label=_("Accounts"),
            icon="users",
            url_name="accounts:user_list",
            order=900,
            visible=lambda user: can(user, Cap.MANAGE_USERS),
        ),
    )
    demo = (
        DemoStep(
            "accounts",
            order=20,
            build="dangjian.accounts.demo.build",
            county="dangjian.accounts.demo.county_users",
        ),
    )
    leak_rows = "dangjian.accounts.tests.leak"
