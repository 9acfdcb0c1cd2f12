"""Sessions in the database, knowing when the stored row expires (the sliding idle timeout's write is
made only when the window has moved: ``core.middleware.SlidingSessionMiddleware``).

The session is read on every signed-in request: its query is compiled once (``core.prepared``), not
built by the ORM each time (about half of the Python time a request spends before its view).
"""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.utils import timezone

from .prepared import PreparedQuery


def _live_session(key: str, now: datetime):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=key, expire_date__gt=now)


# Django's own question (``Session.objects.get(session_key=…, expire_date__gt=now)``), compiled once.
_LIVE_SESSION = PreparedQuery(
    _live_session, "-" * 40, datetime(2000, 1, 1, tzinfo=dt_timezone.utc), plan_once=True
)


class SessionStore(DatabaseSessionStore):
    """Django's database store; ``stored_expiry`` is the loaded row's expiry (None before a load or for a
    session not in the database)."""

    stored_expiry = None

    def _get_session_from_db(self):
        found = _LIVE_SESSION.objects(self.session_key, timezone.now(), using=router.db_for_read(self.model))
        if not found:
            self._session_key = None  # as Django's store: a key not (or no longer) in the database
            self.stored_expiry = None
            return None
        self.stored_expiry = found[0].expire_date
        return found[0]
