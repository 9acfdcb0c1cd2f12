"""Leak-walk rows of the shell (core): home, audit log and rule parameters (see leakwalk.py)."""

from __future__ import annotations

from dangjian.core.tests.leakwalk import create, page


def _parameter(world, obj, key) -> dict:
    """A whole-number rule parameter set to a new valid value (whichever module declared it)."""
    from dangjian.core import params

    spec = next(s for s in sorted(params.REGISTRY.values(), key=lambda s: s.key) if s.kind is int)
    return {"key": spec.key, "value": str(int(params.get(spec.key)) + 1)}


ROUTES = {
    "home": page(),
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
