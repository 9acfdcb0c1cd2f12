"""Heavy read-only reports on a PostgreSQL replica, when one is configured (``DATABASE_REPLICA_URL``).

A view or a job that only reads (a roll-up, a ranking, an export, a briefing) runs under
``on_replica()`` (or the view decorator ``reports_on_replica``). Inside it, reads go to the ``replica``
database alias; writes always go to the primary, and so does everything outside it: forms, workflow
moves and the pages a user checks right after a change never read a stale copy.

A replica that cannot be reached is not an error page: the router checks it (at most every
``REPLICA_RETRY_SECONDS``), logs a warning and reads from the primary until it answers again. The lag
each report accepts is stated in docs/operations.md.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
_reports = contextvars.ContextVar("dangjian_reports_on_replica", default=False)
_state: dict = {"ok": None, "checked": 0.0}


@contextmanager
def on_replica():
    token = _reports.set(True)
    try:
        yield
    finally:
        _reports.reset(token)


def reports_on_replica(view):
    """Run a read-only report view with its reads on the replica (see ``on_replica``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with on_replica():
            return view(request, *args, **kwargs)

    return wrapped


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_available() -> bool:
    """Whether the replica answers; checked again after ``REPLICA_RETRY_SECONDS`` when it did not."""
    if not replica_configured():
        return False
    now = time.monotonic()
    if _state["ok"] is not None and now - _state["checked"] < settings.REPLICA_RETRY_SECONDS:
        return _state["ok"]
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
        ok = True
    except Exception as exc:
        ok = False
        logger.warning("The database replica cannot be reached (%s); reports read from the primary.", exc)
        connections[REPLICA].close()
    if ok and _state["ok"] is False:
        logger.warning("The database replica answers again; reports read from it.")
    _state.update(ok=ok, checked=now)
    return ok


def forget_replica_state() -> None:
    """Check the replica again on the next report (tests; a changed configuration)."""
    _state.update(ok=None, checked=0.0)


class ReplicaRouter:
    """Reads inside ``on_replica()`` go to the replica when it answers; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _reports.get() and replica_available():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
