"""Reads for the notification centre and for choosing who is notified."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count

from dangjian.core.nav import BADGE_MAX
from dangjian.core.prepared import PreparedQuery

from .models import Notice


def roles_with(cap: str) -> list[str]:
    """The roles whose capabilities include ``cap``."""
    from dangjian.accounts.roles import role_caps

    return [str(role) for role, caps in role_caps().items() if cap in caps]


def recipients_for_org(org, cap: str, *, about=None) -> list:
    """Active users holding a role with ``cap`` at exactly ``org``.

    When nobody does (a branch without an account yet), the users with such a role at the
    nearest ancestor committee (乡镇党委, 县委 …) receive it instead, so no notice is lost.
    With ``about`` (the organisation of the record the notice names), only users whose scope
    covers it are kept: a notice never names a record its reader cannot open.
    """
    users = _holders(org, cap)
    if about is None:
        return users
    from dangjian.core.scoping import get_scope

    return [u for u in users if get_scope(u).covers(about.pk, about.path)]


def _holders(org, cap: str) -> list:
    from dangjian.orgs.models import COMMITTEE_KINDS, Organisation

    User = get_user_model()
    roles = roles_with(cap)
    users = list(
        User.objects.filter(is_active=True, assignments__org=org, assignments__role__in=roles)
        .distinct()
        .order_by("pk")
    )
    if users:
        return users
    ancestors = Organisation.objects.filter(
        path__in=org.ancestor_paths(), kind__in=[str(k) for k in COMMITTEE_KINDS]
    ).values_list("pk", "depth")
    if not ancestors:
        return []
    rows = (
        User.objects.filter(
            is_active=True, assignments__org_id__in=[pk for pk, _ in ancestors], assignments__role__in=roles
        )
        .values_list("pk", "assignments__org__depth")
        .distinct()
    )
    rows = list(rows)
    if not rows:
        return []
    nearest = max(depth for _, depth in rows)
    ids = sorted({pk for pk, depth in rows if depth == nearest})
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def notices_for(user):
    """The user's own notifications, newest first."""
    return Notice.objects.for_user(user)


# The bell's number, asked on every page: compiled once, counted fresh each time (one row, or none for 0).
_UNREAD = PreparedQuery(
    lambda user_id: (
        Notice.objects.filter(recipient_id=user_id)
        .unread()
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    ),
    -1,
    plan_once=True,  # one recipient's, by the (recipient, read_at) index
)


def unread_count(user) -> int:
    """The number of the user's unread notices (the notices page; one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    rows = _UNREAD.rows(user.pk, model=Notice)
    return rows[0][0] if rows else 0


# The bell counts no further than the header shows ("99+"): the first unread ids, by the (recipient, read_at)
# index, however many thousands a user has left unread. Planned for each user, not once: PostgreSQL's one plan
# for every recipient reckons an average recipient's thousands of notices and reads the table in order until
# it has found a hundred, so a user with none read all of it on every page (a city user: 6 ms of a 9 ms page).
_UNREAD_FIRST = PreparedQuery(
    lambda user_id: (
        Notice.objects.filter(recipient_id=user_id).unread().order_by().values_list("pk")[: BADGE_MAX + 1]
    ),
    -1,
)


def unread_badge(user) -> int:
    """The bell's number in the header: the unread notices, counted up to ``BADGE_MAX + 1`` (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return len(_UNREAD_FIRST.rows(user.pk, model=Notice))
