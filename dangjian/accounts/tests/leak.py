"""Leak-walk rows of the accounts module: users and role assignments (see core/tests/leakwalk.py)."""

from __future__ import annotations

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.tests.leakwalk import Built, create, detail, page, write
from dangjian.orgs.tests.leak import PERSON_NAMES

PASSWORD = "Leak-Walk-2026x"


def _account(world, key):
    label = f"账户{PERSON_NAMES[key]}"
    user = User.objects.create_user(username=f"leak_{key}", password=PASSWORD, display_name=label)
    RoleAssignment.objects.create(user=user, role=Role.BRANCH_SECRETARY, org=world.orgs[key])
    return user, [label, f"leak_{key}"]


def _assignment(world, key):
    return world.get("account", key).assignments.get(), []


def _shared_account(world, key):
    """An account holding a role in A1 and one in B1: each side sees it, never the other side's role."""
    if key != "village_a1":
        return None
    user = User.objects.create_user(username="leak_shared", password=PASSWORD, display_name="两地账户")
    for other in ("village_a1", "village_b1"):
        RoleAssignment.objects.create(user=user, role=Role.BRANCH_SECRETARY, org=world.orgs[other])
    return Built(user, ("两地账户", "leak_shared"), reach=("village_b1",))


OBJECTS = {"account": _account, "assignment": _assignment, "shared_account": _shared_account}


def _new_user(world, org, key) -> dict:
    return {
        "username": f"leak_new_{key}",
        "display_name": f"走查新账户{PERSON_NAMES[key]}",
        "password": PASSWORD,
        "org": org.pk,
        "role": Role.BRANCH_SECRETARY,
        "include_subtree": "on",
    }


ROUTES = {
    "accounts:user_list": page(("account", "shared_account")),
    "accounts:user_create": create("org", _new_user, obj="org"),
    "accounts:user_detail": detail(("account", "shared_account")),
    # Granting names an organisation: A镇 granting a role at A2 works, anywhere outside must not.
    "accounts:assignment_add": write(
        "account",
        lambda w, user, key: {"org": w.orgs[key].pk, "role": Role.BRANCH_SECRETARY, "include_subtree": "on"},
        second=("village_a1", "village_a2"),
    ),
    "accounts:assignment_remove": write("assignment", lambda w, a, key: {}),
    "accounts:user_set_active": write("account", lambda w, user, key: {"active": "0"}),
    "accounts:user_reset_password": write("account", lambda w, user, key: {"password": "Walk-Reset-2026x"}),
    # Linking an account to its holder's roster record names a person: only one of the account's organisation.
    "accounts:user_link_person": write("account", lambda w, user, key: {"person": w.get("person", key).pk}),
}

# One's own API tokens: personal, no organisation's record (another user's token is not found).
PUBLIC = {"accounts:token_list", "accounts:token_revoke"}
