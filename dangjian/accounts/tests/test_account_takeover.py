"""Finding 2 of issue 7: nobody manages an account stronger than their own.

A township secretary could reset the password of, disable, or add roles to a user holding a
stronger role (组织部, with the unmask and audit rights) inside the township, then sign in as
them. Every action on an account now needs the target's rights to be no greater than the
actor's at every organisation (and subtree) where the target holds them.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from conftest import PASSWORD
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Taken-over-2026"


@pytest.fixture
def strong(county):
    """An organisation-department account assigned inside township A (unmask and audit rights)."""
    user = User.objects.create_user(username="zzb_a", password=PASSWORD, display_name="组织部驻A镇")
    RoleAssignment.objects.create(user=user, role=Role.ORG_DEPT, org=county.township_a)
    return user


@pytest.fixture
def weak(county):
    user = User.objects.create_user(username="a2_sec", password=PASSWORD, display_name="A2村书记")
    RoleAssignment.objects.create(user=user, role=Role.BRANCH_SECRETARY, org=county.village_a2)
    return user


def _state(user: User):
    user.refresh_from_db()
    roles = sorted(user.assignments.values_list("role", "org_id", "include_subtree"))
    return user.password, user.is_active, roles


def _actions(user: User, county) -> dict[str, tuple[str, dict]]:
    assignment = user.assignments.get()
    return {
        "reset password": (
            reverse("accounts:user_reset_password", args=[user.pk]),
            {"password": NEW_PASSWORD},
        ),
        "disable": (reverse("accounts:user_set_active", args=[user.pk]), {"active": "0"}),
        "add role": (
            reverse("accounts:assignment_add", args=[user.pk]),
            {"org": county.village_a1.pk, "role": Role.MEMBER},
        ),
        "remove role": (reverse("accounts:assignment_remove", args=[assignment.pk]), {}),
    }


@pytest.mark.parametrize("action", ["reset password", "disable", "add role", "remove role"])
def test_a_township_secretary_cannot_act_on_a_stronger_account_in_the_township(
    client, personas, county, strong, action
):
    url, data = _actions(strong, county)[action]
    before = _state(strong)
    client.force_login(personas.township_a)
    response = client.post(url, data, follow=True)
    assert "该账户的权限大于您的权限，只能由上级修改。" in response.content.decode()
    assert _state(strong) == before


@pytest.mark.parametrize("action", ["reset password", "disable", "add role", "remove role"])
def test_a_township_secretary_acts_on_a_weaker_account_in_the_township(
    client, personas, county, weak, action
):
    url, data = _actions(weak, county)[action]
    before = _state(weak)
    client.force_login(personas.township_a)
    client.post(url, data)
    assert _state(weak) != before


def test_an_equal_account_may_be_managed(client, personas, county):
    equal = User.objects.create_user(username="ta_dep", password=PASSWORD, display_name="A镇副书记")
    RoleAssignment.objects.create(user=equal, role=Role.TOWNSHIP, org=county.township_a)
    client.force_login(personas.township_a)
    client.post(reverse("accounts:user_reset_password", args=[equal.pk]), {"password": NEW_PASSWORD})
    equal.refresh_from_db()
    assert check_password(NEW_PASSWORD, equal.password)


def test_the_taken_over_password_does_not_sign_in(client, personas, county, strong):
    client.force_login(personas.township_a)
    client.post(reverse("accounts:user_reset_password", args=[strong.pk]), {"password": NEW_PASSWORD})
    client.logout()
    client.post(reverse("login"), {"username": "zzb_a", "password": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_role_held_over_a_subtree_is_stronger_than_the_same_role_held_at_one_organisation(
    client, personas, county
):
    """A township role "and below" goes further than the actor's own township role held without subtree."""
    actor = User.objects.create_user(username="narrow", password=PASSWORD, display_name="仅本级")
    RoleAssignment.objects.create(
        user=actor, role=Role.TOWNSHIP, org=county.township_a, include_subtree=False
    )
    target = User.objects.create_user(username="wide", password=PASSWORD, display_name="含下级")
    RoleAssignment.objects.create(user=target, role=Role.TOWNSHIP, org=county.township_a)
    before = _state(target)
    client.force_login(actor)
    client.post(reverse("accounts:user_reset_password", args=[target.pk]), {"password": NEW_PASSWORD})
    assert _state(target) == before


def test_the_page_of_a_stronger_account_offers_no_action(client, personas, strong):
    client.force_login(personas.township_a)
    page = client.get(reverse("accounts:user_detail", args=[strong.pk])).content.decode()
    assert 'data-testid="manage-refusal"' in page
    for form in ("password-form", "active-form", "assignment-form", "accounts/roles/"):
        assert form not in page
    client.force_login(personas.county_admin)
    page = client.get(reverse("accounts:user_detail", args=[strong.pk])).content.decode()
    assert 'data-testid="password-form"' in page and 'data-testid="manage-refusal"' not in page


def test_a_superuser_is_managed_by_superusers_only(client, personas, county):
    from django.core.exceptions import ValidationError

    from dangjian.accounts import services

    admin = personas.admin
    RoleAssignment.objects.create(user=admin, role=Role.BRANCH_SECRETARY, org=county.village_a1)
    before = _state(admin)
    client.force_login(personas.county_admin)
    url = reverse("accounts:user_reset_password", args=[admin.pk])
    assert client.post(url, {"password": NEW_PASSWORD}).status_code == 404  # not even listed
    with pytest.raises(ValidationError) as exc:
        services.user_reset_password(actor=personas.county_admin, user=admin, password=NEW_PASSWORD)
    assert exc.value.messages == ["只有系统管理员可以修改这个账号。"]
    assert _state(admin) == before
    other = User.objects.create_superuser(username="root2", password=PASSWORD)
    client.force_login(other)
    client.post(url, {"password": NEW_PASSWORD})
    admin.refresh_from_db()
    assert check_password(NEW_PASSWORD, admin.password)
