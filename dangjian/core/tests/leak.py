"""Leak-walk rows of the shell (core): home, focus, audit log and rule parameters (see leakwalk.py)."""

from __future__ import annotations

from dangjian.core.middleware import FOCUS_SESSION_KEY
from dangjian.core.tests.leakwalk import create, page


def _focus(world, org, key) -> dict:
    return {"org": org.pk, "next": "/"}


def _focused(response, client) -> bool:
    """Focusing writes the session only: accepted when the session names the organisation."""
    return FOCUS_SESSION_KEY in client.session


def _parameter(world, obj, key) -> dict:
    """A whole-number rule parameter set to a new valid value (whichever module declared it)."""
    from dangjian.core import params

    spec = next(s for s in sorted(params.REGISTRY.values(), key=lambda s: s.key) if s.kind is int)
    return {"key": spec.key, "value": str(int(params.get(spec.key)) + 1)}


ROUTES = {
    "home": page(),
    "focus": create("org", _focus, accepted=_focused, obj="org"),
    "audit_log": page(),
    "parameters": create(None, _parameter, allowed=("admin",)),
}

# Signing in and out, the language, the API token, schema and docs, and one's own password:
# pages without any record of an organisation.
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "api_token",
    "schema",
    "api_docs",
    "api-root",
    "password_change",
    "password_change_done",
}
