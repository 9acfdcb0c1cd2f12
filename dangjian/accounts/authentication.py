"""REST API authentication with expiring tokens (``Authorization: Token <key>``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.db import router
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from dangjian.core.prepared import PreparedQuery, instance_maker

from .models import ApiToken, User
from .scoping import grant_columns, with_grant_rows

# Remember the last use at most this often: one write per minute and token, not one per request.
TOUCH_EVERY = timedelta(minutes=1)


_TOKEN_FIELDS = [f.attname for f in ApiToken._meta.concrete_fields]
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
_ROW_USER = len(_TOKEN_FIELDS)
_ROW_GRANTS = _ROW_USER + len(_USER_FIELDS)
# Asked on every API request: compiled once, run fresh each time (a revoked token is refused at once).
# The token, its user and, joined, each of the user's role assignments (one row per assignment).
_LIVE_TOKEN = PreparedQuery(
    lambda digest, now: (
        ApiToken.objects.live(now)
        .filter(digest=digest)
        .order_by("user__assignments__pk")
        .values_list(
            *_TOKEN_FIELDS,
            *(f"user__{name}" for name in _USER_FIELDS),
            *grant_columns("user__assignments__"),
        )
    ),
    "0" * 64,
    datetime(2000, 1, 1, tzinfo=dt_timezone.utc),
    plan_once=True,  # by the token's digest (unique)
)


def _live_token(digest: str, now) -> ApiToken | None:
    """The live token with this digest and its user (``ApiToken.objects.live()``, user joined, with the
    user's grants), or None."""
    alias = router.db_for_read(ApiToken)
    rows = _LIVE_TOKEN.rows(digest, now, using=alias)
    if not rows:
        return None
    values = rows[0]
    token = instance_maker(ApiToken)(alias, _TOKEN_FIELDS, values[:_ROW_USER])
    token.user = instance_maker(User)(alias, _USER_FIELDS, values[_ROW_USER:_ROW_GRANTS])
    with_grant_rows(token.user, [row[_ROW_GRANTS:] for row in rows])
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """A live ``accounts.ApiToken`` authenticates its user; expired or revoked ones are refused (401)."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid token header."))
        key = parts[1].decode("ascii", "replace")
        token = _live_token(ApiToken.digest_of(key), timezone.now())
        if token is None:
            raise AuthenticationFailed(_("The token is invalid, expired or revoked."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
