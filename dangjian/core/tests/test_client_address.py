"""The address in the audit log and the lockout is the one the trusted proxy saw (issue 7, finding 10).

The client writes whatever it likes into X-Forwarded-For; each proxy appends the address it
received the request from. ``TRUSTED_PROXY_COUNT`` says how many of those entries (from the
end) were written by proxies of ours; with 0 the connection's own address counts.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from dangjian.core.middleware import client_address
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

SPOOFED = "6.6.6.6"
NGINX_SAW = "203.0.113.9"


def _request(forwarded: str | None, remote: str = "10.0.0.7"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, f"{SPOOFED}", "10.0.0.7"),  # no proxy: the header is the client's own words
        (0, None, "10.0.0.7"),
        (1, f"{SPOOFED}, {NGINX_SAW}", NGINX_SAW),  # nginx appended the last entry
        (1, NGINX_SAW, NGINX_SAW),
        (1, None, "10.0.0.7"),
        (2, f"{SPOOFED}, {NGINX_SAW}, 10.1.1.1", NGINX_SAW),  # load balancer, then nginx
        (2, NGINX_SAW, NGINX_SAW),  # entered through the inner proxy: it wrote the only entry
        (1, f"{SPOOFED}, {NGINX_SAW}:51234", NGINX_SAW),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, f"{SPOOFED}, not-an-address", "10.0.0.7"),  # never store what is not an address
    ],
)
def test_the_client_address_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request(forwarded)) == expected


def _unmask(client, person, **extra):
    client.force_login(extra.pop("user"))
    response = client.post(reverse("orgs:person_unmask", args=[person.pk]), **extra)
    assert response.status_code == 200
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")


def test_without_a_trusted_proxy_the_audit_log_ignores_x_forwarded_for(client, settings, personas, county):
    settings.TRUSTED_PROXY_COUNT = 0
    person = make_person(county.village_a1, "张三")
    entry = _unmask(
        client, person, user=personas.county_admin, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR=SPOOFED
    )
    assert entry.remote_addr == "10.0.0.7"
    assert entry.remote_port is None


def test_behind_one_proxy_the_audit_log_takes_the_address_the_proxy_appended(
    client, settings, personas, county
):
    settings.TRUSTED_PROXY_COUNT = 1
    person = make_person(county.village_a1, "张三")
    entry = _unmask(
        client,
        person,
        user=personas.county_admin,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {NGINX_SAW}",
        HTTP_X_FORWARDED_PORT="4444",
    )
    assert entry.remote_addr == NGINX_SAW
    assert entry.remote_port is None  # a client-supplied port is not evidence


def test_the_lockout_counts_failures_per_real_address_whatever_the_client_writes(client, settings, personas):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "ta_sec", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, {NGINX_SAW}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {NGINX_SAW}
    response = client.post(
        reverse("login"),
        {"username": "ta_sec", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"10.9.9.99, {NGINX_SAW}",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
