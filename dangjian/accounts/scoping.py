"""The scope provider named in settings: turns a user's role assignments into grants.

The grants are read afresh on every request. The two lookups that make a request's user (the session's
``backends.ModelBackend.get_user`` and the API's ``authentication.ApiTokenAuthentication``) read them in
the same query as the user (``grant_columns`` of its role assignments, joined) and leave them on the user they make
(``with_grant_rows``), so a signed-in request asks one query fewer; any other user (one loaded by a job,
a form, a test) has them read here by their own query.
"""

from dangjian.core.prepared import PreparedQuery
from dangjian.core.scoping import Grant, Scope

from .models import RoleAssignment
from .roles import ROLE_SELF_ONLY, all_caps, role_caps

# What a grant is made of, and whether it still holds (an assignment at a dissolved organisation gives
# nothing), as columns of a role assignment; ``grant_columns(via)`` reaches them from another model.
_GRANT_FIELDS = ("role", "org_id", "org__path", "include_subtree", "org__dissolved_on")


def grant_columns(via: str = "") -> tuple[str, ...]:
    """The grant columns of a role assignment reached through ``via`` (e.g. ``"assignments__"``)."""
    return tuple(f"{via}{name}" for name in _GRANT_FIELDS)


_READ_ATTR = "_dangjian_grant_rows"

# Asked for users made elsewhere: compiled once, run fresh each time (a role change shows on the next request).
_GRANT_ROWS = PreparedQuery(
    lambda user_id: (
        RoleAssignment.objects.filter(user_id=user_id).order_by("pk").values_list(*grant_columns())
    ),
    -1,
    plan_once=True,  # by the user's id
)


def with_grant_rows(user, rows) -> None:
    """Keep on ``user`` the grant columns read with it: one tuple per row of its query, in assignment order
    (a user without an assignment has one row of Nones, as a LEFT JOIN gives it)."""
    setattr(user, _READ_ATTR, [row for row in rows if row[0] is not None])


def scope_for_user(user) -> Scope:
    """Grants from the user's active role assignments (read with the user, or by one query); self-only
    grants for plain members."""
    if not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True, all_caps=all_caps(), user_id=user.pk)
    rows = getattr(user, _READ_ATTR, None)  # through request.user's lazy wrapper too
    if rows is None:
        rows = _GRANT_ROWS.rows(user.pk, model=RoleAssignment)
    caps = role_caps()
    grants = tuple(
        Grant(
            org_id=org_id,
            path=path,
            subtree=subtree,
            role=role,
            caps=caps.get(role, frozenset()),
            self_only=role in ROLE_SELF_ONLY,
        )
        for role, org_id, path, subtree, dissolved_on in rows
        if dissolved_on is None
    )
    return Scope(grants=grants, user_id=user.pk, person_id=user.person_id)
