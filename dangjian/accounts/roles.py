"""Roles and what each may do. Capabilities are checked through core.scoping at an organisation."""

from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import BASE_CAPABILITIES, Cap


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    ORG_DEPT = "org_dept", _("Organisation department")
    TOWNSHIP = "township", _("Township committee")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    INSPECTOR = "inspector", _("Inspector")
    MEMBER = "member", _("Party member")


# What each role may do before modules add their own capabilities (see ``role_caps``).
BASE_ROLE_CAPS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(BASE_CAPABILITIES),
    Role.ORG_DEPT: frozenset(
        {
            Cap.VIEW,
            Cap.MANAGE_ORGS,
            Cap.MANAGE_PEOPLE,
            Cap.UNMASK_ID,
            Cap.IMPORT,
            Cap.EXPORT,
            Cap.HAND_DOWN,
            Cap.RECTIFY,
            Cap.VERIFY,
            Cap.INSPECT,
            Cap.VIEW_AUDIT,
            Cap.MANAGE_USERS,
        }
    ),
    Role.TOWNSHIP: frozenset(
        {
            Cap.VIEW,
            Cap.MANAGE_ORGS,
            Cap.MANAGE_PEOPLE,
            Cap.IMPORT,
            Cap.EXPORT,
            Cap.HAND_DOWN,
            Cap.RECTIFY,
            Cap.VERIFY,
            Cap.INSPECT,
            Cap.MANAGE_USERS,
        }
    ),
    Role.BRANCH_SECRETARY: frozenset({Cap.VIEW, Cap.MANAGE_PEOPLE, Cap.EXPORT, Cap.RECTIFY}),
    Role.INSPECTOR: frozenset({Cap.VIEW, Cap.EXPORT, Cap.VERIFY, Cap.INSPECT}),
    Role.MEMBER: frozenset({Cap.VIEW}),
}


@cache
def all_caps() -> frozenset[str]:
    """Every capability of the platform (the administrator's and the superuser's set)."""
    from dangjian.core.caps import all_capabilities

    return frozenset(all_capabilities())


@cache
def role_caps() -> dict[str, frozenset[str]]:
    """Each role's capabilities: the base set plus what the installed modules grant it."""
    from dangjian.core import registry

    result = {}
    for role, base in BASE_ROLE_CAPS.items():
        extra = registry.role_capabilities.get(str(role), set())
        result[str(role)] = all_caps() if role == Role.ADMIN else frozenset(base | extra)
    return result


# Whether an assignment of this role covers the organisation's subtree by default.
ROLE_DEFAULT_SUBTREE = {
    Role.ADMIN: True,
    Role.ORG_DEPT: True,
    Role.TOWNSHIP: True,
    Role.BRANCH_SECRETARY: True,
    Role.INSPECTOR: True,
    Role.MEMBER: False,
}
