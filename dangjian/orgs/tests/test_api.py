"""The REST API of organisations and people: scoped like the pages, same filters, masked ID numbers,
token authentication, and an OpenAPI schema with docs served without any CDN."""

from __future__ import annotations

import re
from datetime import date

import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD
from dangjian.accounts.models import ApiToken, User
from dangjian.orgs import services
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_the_api_refuses_anonymous_callers(api, people):
    assert api.get("/api/people/").status_code in (401, 403)
    assert api.get("/api/organisations/").status_code in (401, 403)


def test_people_are_listed_only_within_the_callers_subtree(api, personas, people):
    api.force_authenticate(personas.township_a)
    assert _names(api.get("/api/people/")) == {"张三", "李四"}
    api.force_authenticate(personas.village_a1)
    assert _names(api.get("/api/people/")) == {"张三"}
    api.force_authenticate(personas.county_admin)
    assert _names(api.get("/api/people/")) == {"张三", "李四", "王五"}


def test_a_person_outside_the_scope_is_not_found(api, personas, people):
    api.force_authenticate(personas.township_a)
    assert api.get(f"/api/people/{people['b1'].pk}/").status_code == 404
    assert api.get(f"/api/people/{people['a1'].pk}/").status_code == 200
    assert api.get("/api/people/999999/").status_code == 404


def test_the_person_record_shows_the_id_number_masked_only(api, personas, people):
    person = people["a1"]
    api.force_authenticate(personas.county_admin)  # even a role that may unmask on the page
    response = api.get(f"/api/people/{person.pk}/")
    data = response.json()
    assert data["id_masked"] == person.id_masked
    assert data["org"] == person.org_id and data["org_name"] == "中共A1村支部委员会"
    # The birth year only: the full date is part of the ID number (docs/personal-data.md).
    assert data["birth_year"] == 1980 and "birth_date" not in data and data["status"] == "active"
    assert "1980-05-04" not in response.content.decode()
    body = response.content.decode()
    assert services.reveal_id_number(person, log=False) not in body
    assert not {"id_cipher", "id_digest", "id_suffix"} & set(data)


def test_the_people_list_uses_the_member_list_filters(api, personas, people, county):
    make_person(county.village_a1, "钱七", category="probationary", joined_on=date(2026, 1, 1))
    api.force_authenticate(personas.county_admin)
    assert _names(api.get("/api/people/", {"q": "zs"})) == {"张三"}
    assert _names(api.get("/api/people/", {"org": county.township_a.pk})) == {"张三", "李四", "钱七"}
    assert _names(api.get("/api/people/", {"category": "probationary"})) == {"钱七"}
    services.person_leave(
        person=people["a2"], actor=personas.county_admin, on=date(2026, 1, 1), reason="迁出"
    )
    assert "李四" not in _names(api.get("/api/people/"))
    assert _names(api.get("/api/people/", {"status": "left"})) == {"李四"}


def test_organisations_are_scoped_and_filtered(api, personas, county):
    api.force_authenticate(personas.township_a)
    assert _names(api.get("/api/organisations/")) == {
        "中共A镇委员会",
        "中共A1村支部委员会",
        "中共A2村支部委员会",
    }
    assert api.get(f"/api/organisations/{county.village_b1.pk}/").status_code == 404
    api.force_authenticate(personas.county_admin)
    assert _names(api.get("/api/organisations/", {"kind": "township"})) == {"中共A镇委员会", "中共B镇委员会"}
    assert _names(api.get("/api/organisations/", {"within": county.township_b.pk})) == {
        "中共B镇委员会",
        "中共B1村支部委员会",
    }


def test_an_organisation_record_names_its_parent(api, personas, county):
    api.force_authenticate(personas.county_admin)
    data = api.get(f"/api/organisations/{county.village_a1.pk}/").json()
    assert data["parent"] == county.township_a.pk
    assert data["kind"] == "branch" and data["depth"] == 3
    assert api.get(f"/api/organisations/{county.county.pk}/").json()["parent"] is None


def test_the_people_list_runs_a_fixed_number_of_queries(
    api, personas, people, county, django_assert_num_queries
):
    api.force_authenticate(User.objects.get(pk=personas.county_admin.pk))
    with django_assert_num_queries(3):  # grants, count, rows with their organisation
        assert len(api.get("/api/people/").json()["results"]) == 3
    for i in range(20):
        make_person(county.village_b1, f"成员{i:02d}")
    api.force_authenticate(User.objects.get(pk=personas.county_admin.pk))
    with django_assert_num_queries(3):
        assert len(api.get("/api/people/").json()["results"]) == 23


def test_a_token_is_issued_for_a_password_and_authenticates_calls(api, personas, people):
    response = api.post("/api/token/", {"username": "ta_sec", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=personas.township_a)
    assert stored.digest == ApiToken.digest_of(token) and token not in stored.digest  # only a digest is kept
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert _names(caller.get("/api/people/")) == {"张三", "李四"}
    caller.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert caller.get("/api/people/").status_code in (401, 403)


def test_a_wrong_password_gets_no_token(api, personas):
    response = api.post("/api/token/", {"username": "ta_sec", "password": "wrong"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_schema_describes_both_endpoints(client, personas):
    client.force_login(personas.township_a)  # the schema is for signed-in users only (issue 7, finding 15)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/people/" in schema["paths"] and "/api/organisations/{id}/" in schema["paths"]
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert "id_masked" in person and "id_cipher" not in person
    params = {p["name"] for p in schema["paths"]["/api/people/"]["get"]["parameters"]}
    assert {"q", "org", "category", "status", "page"} <= params


def test_the_api_docs_are_served_from_the_application_without_a_cdn(client, personas):
    client.force_login(personas.township_a)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    external = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", html)
    assert external == []
    assert not re.search(r"cdn|jsdelivr|unpkg", html, re.IGNORECASE)


# ------------------------------------------------------------------ the fixed cost of a request


def test_a_detail_request_is_found_by_id_in_scope_without_the_list_filters(
    api, personas, people, django_assert_num_queries
):
    api.force_authenticate(personas.township_a)
    # The list validates its filters (a bad one is refused)…
    assert api.get("/api/people/", {"org": "abc"}).status_code == 400
    # …a detail is found in the caller's scope by its id: no filter form, one query (the caller's grants
    # are already known from the first request of this client).
    with django_assert_num_queries(1):
        answer = api.get(f"/api/people/{people['a1'].pk}/", {"org": "abc"})
    assert answer.status_code == 200 and answer.json()["name"] == "张三"
    assert api.get(f"/api/people/{people['b1'].pk}/").status_code == 404


def test_serializer_fields_are_built_once_per_class_and_fresh_for_every_serializer(people):
    from dangjian.orgs.serializers import PersonSerializer

    first, second = PersonSerializer(people["a1"]), PersonSerializer(people["a2"])
    assert first.data["name"] == "张三" and second.data["name"] == "李四"
    assert "_dangjian_fields" in PersonSerializer.__dict__
    assert first.fields["name"] is not second.fields["name"]  # each bound to its own serializer
    assert first.fields["name"].parent is first and second.fields["name"].parent is second


def test_a_token_callers_scope_follows_their_roles_and_organisations_at_once(personas, people, county):
    """Every request reads the caller's grants afresh (compiled once, never cached): a role given, a role
    taken away, a moved organisation and a disabled account count from the next request."""
    from dangjian.accounts import services as account_services

    user = User.objects.get(pk=personas.township_a.pk)
    _token_row, key = account_services.token_issue(user=user)
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    outside = f"/api/people/{people['b1'].pk}/"
    inside = f"/api/people/{people['a1'].pk}/"
    assert caller.get(outside).status_code == 404 and caller.get(inside).status_code == 200

    given = account_services.assignment_add(
        actor=personas.county_admin, user=user, role="township", org=county.township_b
    )
    assert caller.get(outside).status_code == 200
    account_services.assignment_remove(actor=personas.county_admin, assignment=given)
    assert caller.get(outside).status_code == 404

    # The caller's own township moves under B镇: its grant now has another tree path, and is read with it.
    services.org_move(org=county.township_a, new_parent=county.township_b, actor=personas.county_admin)
    assert _names(caller.get("/api/people/")) == {"张三", "李四"}
    assert caller.get(outside).status_code == 404

    account_services.user_set_active(actor=personas.county_admin, user=user, active=False)
    assert caller.get(inside).status_code == 401


def test_copied_fields_holding_fields_get_their_own_children():
    """A many-related field's child must point to the copy, not to the field built once (the schema reads it)."""
    from rest_framework import serializers

    from dangjian.core.api import ModelSerializer
    from dangjian.orgs.models import Organisation

    class WithMany(ModelSerializer):
        tags = serializers.ListField(child=serializers.CharField(), read_only=True)

        class Meta:
            model = Organisation
            fields = ["id", "name", "tags"]

    first, second = WithMany(), WithMany()
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["name"] is not second.fields["name"]


def test_rows_are_serialised_exactly_as_drf_does(people, county):
    """core.api reads plain attribute sources directly; every field still comes out as DRF writes it."""
    from rest_framework import serializers

    from dangjian.orgs.api import _with_parent_id
    from dangjian.orgs.models import Organisation, Person
    from dangjian.orgs.serializers import OrganisationSerializer, PersonSerializer

    Person.objects.filter(pk=people["a1"].pk).update(phone="", converted_on=None)
    cases = [
        (PersonSerializer, list(Person.objects.select_related("org").order_by("pk"))),
        (OrganisationSerializer, list(_with_parent_id(Organisation.objects.order_by("path")))),
    ]
    for serializer_class, rows in cases:
        ours = serializer_class(rows, many=True).data
        child = serializer_class(rows, many=True).child
        drf = [serializers.Serializer.to_representation(child, row) for row in rows]
        assert [dict(row) for row in ours] == [dict(row) for row in drf]
    assert dict(PersonSerializer({"name": "字典", "birth_date": date(1990, 1, 1)}).data)["name"] == "字典"
