"""The scope provider named in settings: turns a user's role assignments into grants."""

from dangjian.core.prepared import PreparedQuery
from dangjian.core.scoping import Grant, Scope

from .models import RoleAssignment
from .roles import ROLE_SELF_ONLY, all_caps, role_caps

# Asked on every request: compiled once, run fresh each time (a role change shows on the next request).
_GRANT_ROWS = PreparedQuery(
    lambda user_id: RoleAssignment.objects.filter(
        user_id=user_id, org__dissolved_on__isnull=True
    ).values_list("role", "org_id", "org__path", "include_subtree"),
    -1,
)


def scope_for_user(user) -> Scope:
    """Grants from the user's active role assignments (one query); self-only grants for plain members."""
    if not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True, all_caps=all_caps(), user_id=user.pk)
    grants = []
    for role, org_id, path, subtree in _GRANT_ROWS.rows(user.pk, model=RoleAssignment):
        grants.append(
            Grant(
                org_id=org_id,
                path=path,
                subtree=subtree,
                role=role,
                caps=role_caps().get(role, frozenset()),
                self_only=role in ROLE_SELF_ONLY,
            )
        )
    return Scope(grants=tuple(grants), user_id=user.pk, person_id=user.person_id)
