"""The scope provider named in settings: turns a user's role assignments into grants."""

from dangjian.core.scoping import Grant, Scope

from .roles import all_caps, role_caps


def scope_for_user(user) -> Scope:
    """Grants from the user's active role assignments (one query)."""
    if not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True, all_caps=all_caps(), user_id=user.pk)
    grants = []
    rows = user.assignments.filter(org__dissolved_on__isnull=True).values_list(
        "role", "org_id", "org__path", "include_subtree"
    )
    for role, org_id, path, subtree in rows:
        grants.append(
            Grant(
                org_id=org_id, path=path, subtree=subtree, role=role, caps=role_caps().get(role, frozenset())
            )
        )
    return Scope(grants=tuple(grants), user_id=user.pk)
