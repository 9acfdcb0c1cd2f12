"""Sessions in the database, knowing when the stored row expires (the sliding idle timeout's write is
made only when the window has moved: ``core.middleware.SlidingSessionMiddleware``)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    """Django's database store; ``stored_expiry`` is the loaded row's expiry (None before a load or for a
    session not in the database)."""

    stored_expiry = None

    def _get_session_from_db(self):
        found = super()._get_session_from_db()
        self.stored_expiry = found.expire_date if found is not None else None
        return found
