import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from dangjian.accounts import services
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.scoping import get_scope, reset_scope
from dangjian.orgs.models import Organisation, Person

pytestmark = pytest.mark.django_db


def test_a_user_with_two_assignments_sees_the_union(county, personas, people):
    from dangjian.orgs.tests.factories import make_person

    user = personas.village_a1
    make_person(county.village_b1, "赵六")  # a fellow member in B1: a member role there does not show them
    user.person = people["b1"]
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, org=county.village_b1, include_subtree=False)
    reset_scope(user)
    names = set(Person.objects.visible_to(user).values_list("name", flat=True))
    assert names == {"张三", "王五"}


def test_a_member_sees_only_their_own_organisation(county, personas, people):
    visible = set(Organisation.objects.visible_to(personas.member).values_list("pk", flat=True))
    assert visible == {county.village_a1.pk}


def test_a_dissolved_organisation_grants_nothing(county, personas, people):
    Organisation.objects.filter(pk=county.village_a1.pk).update(dissolved_on="2026-01-01")
    assert get_scope(personas.village_a1).is_empty


def test_a_township_secretary_creates_a_branch_account_in_their_township(county, personas):
    user = services.user_create(
        actor=personas.township_a,
        username="a2_sec",
        display_name="A2村书记",
        password="Long-enough-2026",
        role=Role.BRANCH_SECRETARY,
        org=county.village_a2,
    )
    assert user.check_password("Long-enough-2026")
    assert user.assignments.get().org == county.village_a2


def test_nobody_grants_more_rights_than_they_hold(county, personas):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=personas.township_a,
            username="boss",
            display_name="越权",
            password="Long-enough-2026",
            role=Role.ORG_DEPT,
            org=county.village_a2,
        )
    assert "不能授予" in str(exc.value)
    assert not User.objects.filter(username="boss").exists()


def test_granting_outside_the_subtree_is_refused(county, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=personas.township_a,
            username="b_sec",
            display_name="B",
            password="Long-enough-2026",
            role=Role.BRANCH_SECRETARY,
            org=county.village_b1,
        )
    assert not User.objects.filter(username="b_sec").exists()


def test_a_weak_password_is_refused_with_a_message(county, personas):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=personas.county_admin,
            username="weak",
            display_name="弱",
            password="123",
            role=Role.MEMBER,
            org=county.village_a2,
        )
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="weak").exists()


def test_the_account_list_shows_only_accounts_in_my_subtree(client, personas):
    client.force_login(personas.township_a)
    body = client.get(reverse("accounts:user_list")).content.decode()
    assert "a1_sec" in body
    assert "tb_sec" not in body
    assert "sysadmin" not in body


def test_the_account_list_shows_each_account_s_roles_i_may_see_and_a_role_given_since(
    client, county, personas
):
    """An account shared across subtrees shows, to a township, only its roles in the township's subtree."""
    from dangjian.accounts.models import RoleAssignment

    shared = personas.village_a1
    RoleAssignment.objects.create(user=shared, role=Role.TOWNSHIP, org=county.township_b)
    client.force_login(personas.township_a)
    body = client.get(reverse("accounts:user_list")).content.decode()
    row = body.split("a1_sec", 1)[1].split("</tr>", 1)[0]
    assert "A1村党支部" in row and "B镇党委" not in row
    RoleAssignment.objects.create(user=shared, role=Role.MEMBER, org=county.village_a2)
    row = (
        client.get(reverse("accounts:user_list")).content.decode().split("a1_sec", 1)[1].split("</tr>", 1)[0]
    )
    assert "A2村党支部" in row and "B镇党委" not in row
    client.force_login(personas.county_admin)
    row = (
        client.get(reverse("accounts:user_list")).content.decode().split("a1_sec", 1)[1].split("</tr>", 1)[0]
    )
    assert "B镇党委" in row


def test_an_account_outside_my_subtree_is_not_found(client, personas):
    client.force_login(personas.township_a)
    assert client.get(reverse("accounts:user_detail", args=[personas.township_b.pk])).status_code == 404
    response = client.post(
        reverse("accounts:user_set_active", args=[personas.township_b.pk]), {"active": "0"}
    )
    assert response.status_code == 404
    personas.township_b.refresh_from_db()
    assert personas.township_b.is_active


def test_a_branch_secretary_cannot_manage_accounts(client, personas):
    client.force_login(personas.village_a1)
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_adding_and_removing_a_role_through_the_page(client, county, personas):
    client.force_login(personas.county_admin)
    url = reverse("accounts:assignment_add", args=[personas.member.pk])
    client.post(url, {"org": county.village_a2.pk, "role": Role.MEMBER})
    assignment = personas.member.assignments.get(org=county.village_a2)
    page = client.get(reverse("accounts:user_detail", args=[personas.member.pk])).content.decode()
    assert "中共A2村支部委员会" in page
    client.post(reverse("accounts:assignment_remove", args=[assignment.pk]))
    assert not personas.member.assignments.filter(org=county.village_a2).exists()


def test_a_disabled_account_cannot_log_in(client, personas):
    services.user_set_active(actor=personas.county_admin, user=personas.member, active=False)
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_township_secretary_cannot_reset_a_county_account(county, personas):
    with pytest.raises(ValidationError):
        services.user_reset_password(
            actor=personas.township_a, user=personas.county_admin, password="Another-2026-x"
        )
