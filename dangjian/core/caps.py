"""Capability names: the one set of constants every app checks rights with.

A capability is what a role may do at an organisation (and below it, for subtree grants);
``core.scoping.can(user, cap, obj)`` checks it. Modules add their own capabilities through
``ModuleConfig.capabilities`` and grant them to roles with ``role_capabilities``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .text import Text


class Cap:
    """The base capabilities (strings, so that checking one needs no import of accounts)."""

    VIEW = "view"
    MANAGE_ORGS = "manage_orgs"
    MANAGE_PEOPLE = "manage_people"
    UNMASK_ID = "unmask_id"
    IMPORT = "import"
    EXPORT = "export"
    HAND_DOWN = "hand_down"
    RECTIFY = "rectify"
    VERIFY = "verify"
    INSPECT = "inspect"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    ADMINISTER = "administer"


BASE_CAPABILITIES: dict[str, Text] = {
    Cap.VIEW: _("See the organisations and their records"),
    Cap.MANAGE_ORGS: _("Create, rename, move and dissolve organisations"),
    Cap.MANAGE_PEOPLE: _("Add, edit and transfer members and posts"),
    Cap.UNMASK_ID: _("See full citizen ID numbers (each view is logged)"),
    Cap.IMPORT: _("Import spreadsheets"),
    Cap.EXPORT: _("Export spreadsheets"),
    Cap.HAND_DOWN: _("Hand down lists and items to the organisations below"),
    Cap.RECTIFY: _("Acknowledge items, file measures and progress, request closure"),
    Cap.VERIFY: _("Verify or return closures, decide extensions, look back"),
    Cap.INSPECT: _("Record inspections, interviews and accountability"),
    Cap.VIEW_AUDIT: _("Read the audit log"),
    Cap.MANAGE_USERS: _("Manage accounts and roles within one's own subtree"),
    Cap.ADMINISTER: _("Rule parameters and the whole platform"),
}


def all_capabilities() -> dict[str, Text]:
    """Every capability: the base ones and those the installed modules declared."""
    from . import registry

    return {**BASE_CAPABILITIES, **registry.capabilities}
