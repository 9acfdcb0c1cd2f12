"""Roles and what each may do. Capabilities are checked through core.scoping at an organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    ORG_DEPT = "org_dept", _("Organisation department")
    TOWNSHIP = "township", _("Township committee")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    INSPECTOR = "inspector", _("Inspector")
    MEMBER = "member", _("Party member")


class Cap:
    """Capability names (strings, so core.scoping needs no import of this module)."""

    VIEW = "view"
    MANAGE_ORGS = "manage_orgs"  # create, rename, move, dissolve organisations
    MANAGE_PEOPLE = "manage_people"  # add, edit, transfer people and posts
    UNMASK_ID = "unmask_id"  # see a full citizen ID number (each view is logged)
    IMPORT = "import"
    EXPORT = "export"
    HAND_DOWN = "hand_down"  # issue lists and items to organisations below
    RECTIFY = "rectify"  # acknowledge items, file measures and progress, request closure
    VERIFY = "verify"  # verify or return closures, decide extensions, re-check
    INSPECT = "inspect"  # record inspections, interviews and accountability
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"  # accounts and role assignments within one's own subtree
    ADMINISTER = "administer"  # rule parameters, the whole platform


ALL_CAPS = frozenset(v for k, v in vars(Cap).items() if k.isupper())

ROLE_CAPS: dict[str, frozenset[str]] = {
    Role.ADMIN: ALL_CAPS,
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

# Roles whose grants show only records about the user's own roster record (core.scoping "self only"):
# a plain member sees their own person, their own items and their branch's page, not the roster.
ROLE_SELF_ONLY = frozenset({Role.MEMBER})

# Whether an assignment of this role covers the organisation's subtree by default.
ROLE_DEFAULT_SUBTREE = {
    Role.ADMIN: True,
    Role.ORG_DEPT: True,
    Role.TOWNSHIP: True,
    Role.BRANCH_SECRETARY: True,
    Role.INSPECTOR: True,
    Role.MEMBER: False,
}
