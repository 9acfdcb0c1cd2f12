"""Leak-walk rows of the notices module: notices are personal, whatever the organisation (see leakwalk.py)."""

from __future__ import annotations

from dangjian.core.tests.leakwalk import Built, create, page, write
from dangjian.notices.models import Notice


def _notice(world, key):
    """A notice to the account of ``key``'s branch secretary: only that user may see or mark it."""
    user = world.get("account", key)
    text = f"通知·{key}"
    return Built(Notice.objects.create(recipient=user, kind="leak", text=text), (text,), owner=user)


OBJECTS = {"notice": _notice}


def _nothing(world, notice, key) -> dict:
    return {}


ROUTES = {
    "notices:list": page(),
    "notices:read": write("notice", _nothing),
    # Marking all read names nobody: every other user's notices stay unread.
    "notices:read_all": create("notice", _nothing),
}
