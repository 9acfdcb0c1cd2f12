"""API tokens expire and die with the password or the account (issue 7, finding 11).

A token works for API_TOKEN_DAYS; a password change (own page, administrator's reset, Django
admin), a deactivation, or a revocation on "My API tokens" ends it at once. Each path is
tried with a real API call that worked before.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import PASSWORD
from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hongqi-road-2027"


def _issue(username: str = "ta_sec") -> str:
    response = APIClient().post("/api/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _calls(key: str) -> int:
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return caller.get("/api/organisations/").status_code


def test_a_token_is_issued_with_its_expiry_and_opens_the_api(personas, settings):
    settings.API_TOKEN_DAYS = 30
    response = APIClient().post("/api/token/", {"username": "ta_sec", "password": PASSWORD})
    token = ApiToken.objects.get(user=personas.township_a)
    assert response.json()["expires_at"].startswith(
        (token.created_at + timedelta(days=30)).date().isoformat()
    )
    assert _calls(response.json()["token"]) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_expires_after_the_configured_days(personas, settings):
    settings.API_TOKEN_DAYS = 30
    key = _issue()
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _calls(key) == 401


def test_changing_ones_own_password_ends_every_token(client, personas):
    key = _issue()
    client.force_login(personas.township_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _calls(key) == 401


def test_a_password_reset_by_an_administrator_revokes_every_token(client, personas):
    key = _issue("a1_sec")
    client.force_login(personas.township_a)
    response = client.post(
        reverse("accounts:user_reset_password", args=[personas.village_a1.pk]), {"password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert _calls(key) == 401
    assert not ApiToken.objects.filter(user=personas.village_a1).exists()


def test_deactivating_an_account_revokes_every_token(client, personas):
    key = _issue("a1_sec")
    client.force_login(personas.township_a)
    client.post(reverse("accounts:user_set_active", args=[personas.village_a1.pk]), {"active": "0"})
    assert not User.objects.get(pk=personas.village_a1.pk).is_active
    assert _calls(key) == 401
    assert not ApiToken.objects.filter(user=personas.village_a1).exists()


def test_a_password_set_anywhere_else_also_ends_the_tokens(personas):
    """Django's admin and `manage.py changepassword` call set_password, like every form."""
    key = _issue()
    user = User.objects.get(pk=personas.township_a.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _calls(key) == 401


def test_a_user_sees_their_own_tokens_and_revokes_one(client, personas):
    kept, revoked = _issue(), _issue()
    other = _issue("tb_sec")
    client.force_login(personas.township_a)
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert page.count("<code>") == 2 and kept[:8] in page and revoked[:8] in page and other[:8] not in page
    token = ApiToken.objects.get(prefix=revoked[:8])
    response = client.post(reverse("accounts:token_revoke"), {"token": token.pk})
    assert response.status_code == 302
    assert (_calls(revoked), _calls(kept)) == (401, 200)


def test_my_tokens_are_compiled_once_and_read_afresh(client, personas):
    """The page's tokens are read by SQL compiled once: a second visit compiles no token query, shows a token
    issued since and not one revoked or expired since, and another user sees only their own."""
    from dangjian.core.tests.spies import compiled_tables

    first, second = _issue(), _issue()
    client.force_login(personas.township_a)
    assert first[:8] in client.get(reverse("accounts:token_list")).content.decode()
    third = _issue()
    ApiToken.objects.filter(prefix=first[:8]).update(expires_at=timezone.now() - timedelta(seconds=1))
    with compiled_tables() as compiled:
        page = client.get(reverse("accounts:token_list")).content.decode()
    assert "accounts_apitoken" not in compiled, compiled
    assert third[:8] in page and second[:8] in page and first[:8] not in page
    other = _issue("tb_sec")
    client.force_login(personas.township_b)
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert page.count("<code>") == 1 and other[:8] in page and second[:8] not in page


def test_nobody_revokes_another_users_token(client, personas):
    other = _issue("tb_sec")
    client.force_login(personas.township_a)
    token = ApiToken.objects.get(user=personas.township_b)
    for value in (token.pk, "99999999999999999999999", "-1", "x"):
        assert client.post(reverse("accounts:token_revoke"), {"token": value}).status_code == 404
    assert _calls(other) == 200


def test_a_token_made_on_the_page_is_shown_once_and_works(client, personas):
    client.force_login(personas.township_a)
    response = client.post(reverse("accounts:token_list"), {"name": "考核系统对接"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert _calls(key) == 200
    assert key not in client.get(reverse("accounts:token_list")).content.decode()
    assert ApiToken.objects.get().name == "考核系统对接"


def test_the_user_menu_links_to_my_tokens(client, personas):
    client.force_login(personas.member)
    assert reverse("accounts:token_list") in client.get(reverse("home")).content.decode()


def test_the_oldest_tokens_go_when_too_many_are_issued(personas):
    for _ in range(services.MAX_LIVE_TOKENS + 2):
        services.token_issue(user=personas.township_a)
    assert ApiToken.objects.filter(user=personas.township_a).count() == services.MAX_LIVE_TOKENS
