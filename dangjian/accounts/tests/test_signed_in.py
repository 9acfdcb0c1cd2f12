"""The session and the signed-in user, read on every request by queries compiled once: still read afresh
(a disabled account, an ended session, a new name take effect at the next request)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from conftest import PASSWORD
from dangjian.accounts.models import User
from dangjian.core.tests.spies import compiled_tables

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str = "ta_sec"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return User.objects.get(username=username)


def test_the_session_and_the_user_are_not_compiled_by_the_orm_on_each_request(client, personas):
    _sign_in(client)
    # The header search builds its queries from the text asked for, as Django builds them: the spy sees them.
    assert client.get(reverse("search"), {"q": "张"}).status_code == 200
    with compiled_tables() as compiled:
        assert client.get(reverse("search"), {"q": "张"}).status_code == 200
    assert compiled
    assert "django_session" not in compiled and "accounts_user" not in compiled


def test_what_changes_between_requests_is_read_afresh(client, personas):
    user = _sign_in(client)
    User.objects.filter(pk=user.pk).update(display_name="改过的名字")
    assert "改过的名字" in client.get(reverse("jobs:list")).content.decode()
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_deleted_session_or_user_signs_the_browser_out(client, personas):
    _sign_in(client)
    Session.objects.all().delete()
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    user = _sign_in(client, "tb_sec")
    User.objects.filter(pk=user.pk).delete()
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_request_holds_the_user_itself_not_a_lazy_proxy(client, personas):
    """``request.user`` is read once, as the request starts (every request reads it): pages read its
    attributes a couple of hundred times, each through three calls when it was Django's lazy proxy."""
    from django.contrib.auth.models import AnonymousUser

    response = client.get(reverse("login"))
    assert type(response.wsgi_request.user) is AnonymousUser
    user = _sign_in(client)
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 200
    assert type(response.wsgi_request.user) is User and response.wsgi_request.user.pk == user.pk
