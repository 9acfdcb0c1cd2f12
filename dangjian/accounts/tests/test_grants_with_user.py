"""A request's grants are read in the query that reads its user (the session's user or the API token's),
still afresh on every request: a role given, taken away, or left at an organisation that was dissolved
takes effect at the next request, through the pages and through the API alike."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import PASSWORD
from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core.scoping import get_scope

pytestmark = pytest.mark.django_db


def _browser(username: str):
    from django.test import Client

    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _api(username: str) -> APIClient:
    response = APIClient().post("/api/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return caller


def _page(client, org) -> int:
    return client.get(reverse("orgs:org_detail", args=[org.pk])).status_code


def _record(caller, org) -> int:
    return caller.get(reverse("organisation-detail", args=[org.pk])).status_code


def _read_alone(queries) -> list[str]:
    """The queries that read role assignments by themselves (not joined to the user)."""
    return [q["sql"] for q in queries if 'FROM "accounts_roleassignment"' in q["sql"]]


def _signed_in(way: str):
    """The township secretary's client, signed in by way of a session or of a token, and how it asks for an
    organisation (its page or its API record; the status code)."""
    if way == "page":
        return _browser("ta_sec"), _page
    return _api("ta_sec"), _record


@pytest.mark.parametrize("way", ["page", "api"])
def test_the_grants_come_with_the_user_in_one_query(personas, county, way):
    client, status = _signed_in(way)
    assert status(client, county.village_a1) == 200
    with CaptureQueriesContext(connection) as queries:
        assert status(client, county.village_a1) == 200
    joined = [q["sql"] for q in queries if 'JOIN "accounts_roleassignment"' in q["sql"]]
    assert len(joined) == 1 and not _read_alone(queries.captured_queries), queries.captured_queries


@pytest.mark.parametrize("way", ["page", "api"])
def test_a_role_given_taken_or_dissolved_takes_effect_at_the_next_request(personas, county, way):
    client, status = _signed_in(way)
    user = personas.township_a
    assert (status(client, county.village_a1), status(client, county.village_b1)) == (200, 404)
    # A second role: both subtrees, each row of the join a grant.
    RoleAssignment.objects.create(user=user, role=Role.TOWNSHIP, org=county.township_b)
    assert (status(client, county.village_a1), status(client, county.village_b1)) == (200, 200)
    # A role at an organisation since dissolved gives nothing.
    type(county.township_b).objects.filter(pk=county.township_b.pk).update(
        dissolved_on=datetime.date(2026, 11, 1)
    )
    assert (status(client, county.village_a1), status(client, county.village_b1)) == (200, 404)
    # No role left: the user's one row of the join has no assignment, and nothing is visible.
    RoleAssignment.objects.filter(user=user).delete()
    assert (status(client, county.village_a1), status(client, county.village_b1)) == (404, 404)


def test_a_user_loaded_elsewhere_has_the_same_scope_read_by_its_own_query(personas, county):
    """A user made by a job or a form (not by the request's lookups) reads its grants by their own query,
    and gets the same scope as the one read with the user."""
    from dangjian.accounts.backends import ModelBackend

    RoleAssignment.objects.create(user=personas.township_a, role=Role.INSPECTOR, org=county.township_b)
    with_user = ModelBackend().get_user(personas.township_a.pk)
    alone = User.objects.get(pk=personas.township_a.pk)
    with CaptureQueriesContext(connection) as queries:
        joined_scope = get_scope(with_user)
    assert not queries.captured_queries
    with CaptureQueriesContext(connection) as queries:
        own_scope = get_scope(alone)
    assert len(_read_alone(queries.captured_queries)) == 1
    assert joined_scope == own_scope and len(own_scope.grants) == 2
