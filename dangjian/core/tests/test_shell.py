"""The shell every page lives in: signing in and out, lockout, session expiry, password change,
the focus control, error pages, language switch, the audit log and the rule parameters page,
and the settings that refuse an unsafe production start."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from dangjian.core import params
from dangjian.core.middleware import FOCUS_SESSION_KEY, FocusMiddleware
from dangjian.core.models import Parameter
from dangjian.orgs.models import Organisation

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]


def _login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _text(response) -> str:
    return response.content.decode()


# --- signing in and out -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_speaks_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "用户名" in _text(response) and "密码" in _text(response)


def test_a_secretary_logs_in_and_lands_on_my_work(client, personas):
    response = _login(client, "ta_sec")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.context["user"] == personas.township_a
    assert "我的工作" in _text(home)


def test_login_honours_the_next_page(client, personas):
    response = client.post(
        reverse("login"), {"username": "ta_sec", "password": PASSWORD, "next": reverse("orgs:focus")}
    )
    assert response["Location"] == reverse("orgs:focus")


def test_a_wrong_password_is_refused_with_a_chinese_message(client, personas):
    response = _login(client, "ta_sec", "not-the-password")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in _text(response)
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, personas):
    _login(client, "ta_sec")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_repeated_wrong_passwords_lock_the_account(client, personas):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, "ta_sec", "wrong").status_code == 200
    locked = _login(client, "ta_sec", "wrong")
    assert locked.status_code in (403, 429)
    assert "登录失败次数过多" in _text(locked)
    # Even the right password is refused while the lock lasts.
    again = _login(client, "ta_sec")
    assert again.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_account_and_others_still_log_in(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "ta_sec", "wrong")
    response = _login(client, "tb_sec")
    assert response.status_code == 302


# --- session idle timeout -----------------------------------------------------------------


def test_sessions_slide_with_each_request(client, personas):
    assert int(os.environ.get("SESSION_IDLE_MINUTES", 30)) * 60 == settings.SESSION_COOKIE_AGE
    _login(client, "ta_sec")
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(reverse("home"))
    session.refresh_from_db()
    remaining = session.expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_the_sliding_window_is_written_at_most_once_a_minute_not_on_every_page(client, personas):
    """A page read within the minute after the window last moved writes nothing (no UPDATE of the session
    row per request); once the stored expiry is a minute short of a full window, the next page moves it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _login(client, "ta_sec")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    key = client.session.session_key
    late = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 61)
    Session.objects.filter(session_key=key).update(expire_date=late)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date > late + timedelta(seconds=50)


def test_an_idle_session_ends_and_asks_for_login_again(client, personas):
    _login(client, "ta_sec")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- password change ----------------------------------------------------------------------


def test_a_user_changes_the_password_and_logs_in_with_the_new_one(client, personas):
    client.force_login(personas.township_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hong-Qi-2027!", "new_password2": "Hong-Qi-2027!"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "已" in _text(client.get(reverse("password_change_done")))
    client.post(reverse("logout"))
    assert _login(client, "ta_sec", "Hong-Qi-2027!").status_code == 302


def test_a_password_change_with_the_wrong_old_password_is_refused(client, personas):
    client.force_login(personas.township_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Hong-Qi-2027!", "new_password2": "Hong-Qi-2027!"},
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in _text(response)
    personas.township_a.refresh_from_db()
    assert personas.township_a.check_password(PASSWORD)


# --- focus --------------------------------------------------------------------------------


def _request_with_focus(user, session_value):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {FOCUS_SESSION_KEY: session_value} if session_value else {}
    FocusMiddleware(lambda r: None)(request)
    return request


def test_focusing_on_township_a_narrows_what_the_county_admin_sees(client, personas, county):
    client.force_login(personas.county_admin)
    response = client.post(reverse("orgs:focus"), {"org": county.township_a.pk, "next": reverse("home")})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    focus = client.session[FOCUS_SESSION_KEY]
    assert focus[0] == county.township_a.pk

    request = _request_with_focus(personas.county_admin, focus)
    visible = set(Organisation.objects.visible_to(request.user).values_list("pk", flat=True))
    assert visible == {county.township_a.pk, county.village_a1.pk, county.village_a2.pk}

    page = client.get(reverse("home"))
    assert county.township_a.label in _text(page)  # the header shows the focus


def test_the_focus_page_lists_only_what_the_user_may_see(client, personas, county):
    client.force_login(personas.township_a)
    body = _text(client.get(reverse("orgs:focus")))
    assert county.township_a.name in body and county.village_a1.name in body
    assert county.township_b.name not in body and county.village_b1.name not in body
    search = _text(client.get(reverse("orgs:focus"), {"q": "B"}))
    assert county.township_b.name not in search and county.village_b1.name not in search


def test_focusing_on_an_organisation_outside_the_scope_is_not_found(client, personas, county):
    client.force_login(personas.township_a)
    response = client.post(reverse("orgs:focus"), {"org": county.township_b.pk})
    assert response.status_code == 404
    assert FOCUS_SESSION_KEY not in client.session


def test_clearing_the_focus_shows_everything_again(client, personas, county):
    client.force_login(personas.county_admin)
    client.post(reverse("orgs:focus"), {"org": county.township_a.pk})
    client.post(reverse("orgs:focus"), {"org": ""})
    assert FOCUS_SESSION_KEY not in client.session
    request = _request_with_focus(personas.county_admin, None)
    assert Organisation.objects.visible_to(request.user).count() == 6


def test_focus_refuses_a_redirect_to_another_site(client, personas, county):
    client.force_login(personas.county_admin)
    response = client.post(reverse("orgs:focus"), {"org": county.township_a.pk, "next": "//evil.example/"})
    assert response["Location"] == "/"


# --- error pages and language -------------------------------------------------------------


def test_a_missing_page_answers_404_in_chinese_within_the_shell(client, personas):
    client.force_login(personas.township_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = _text(response)
    assert "页面不存在" in body
    assert 'data-testid="focus-control"' in body  # the shell's header is there
    assert "我的工作" in body  # and the sidebar


def test_a_refused_page_answers_403_in_chinese_within_the_shell(client, personas):
    client.force_login(personas.township_a)
    response = client.get(reverse("audit_log"))
    assert response.status_code == 403
    body = _text(response)
    assert "无权" in body
    assert "只有管理员可以查看审计日志" in body
    assert 'data-testid="error-page"' in body and 'data-testid="focus-control"' in body


def test_an_anonymous_404_still_renders(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in _text(response)


def test_the_language_switch_turns_the_shell_into_english(client, personas):
    client.force_login(personas.township_a)
    assert "我的工作" in _text(client.get(reverse("home")))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = _text(client.get(reverse("home")))
    assert "My work" in page and "我的工作" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "我的工作" in _text(client.get(reverse("home")))


# --- audit log ----------------------------------------------------------------------------


def test_the_audit_log_is_readable_by_the_county_admin(client, personas, county):
    client.force_login(personas.county_admin)
    response = client.get(reverse("audit_log"), {"q": county.township_b.name})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert rows and all(county.township_b.name in r.object_repr for r in rows)
    assert LogEntry.objects.count() > len(rows)


@pytest.mark.parametrize("persona", ["township_a", "village_a1", "inspector", "member"])
def test_the_audit_log_is_refused_without_the_audit_right(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("audit_log")).status_code == 403


# --- rule parameters ----------------------------------------------------------------------

KEY = "orgs.term_years_village"


def test_an_administrator_changes_a_rule_parameter(client, personas):
    client.force_login(personas.admin)
    page = client.get(reverse("parameters"))
    assert page.status_code == 200 and KEY in _text(page)
    response = client.post(reverse("parameters"), {"key": KEY, "value": "4"}, follow=True)
    assert "已保存" in _text(response)
    assert params.get(KEY) == 4


def test_a_parameter_value_that_is_not_a_number_is_refused(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("parameters"), {"key": KEY, "value": "五年"}, follow=True)
    assert "请输入有效的值" in _text(response)
    assert not Parameter.objects.filter(key=KEY).exists()
    assert params.get(KEY) == params.REGISTRY[KEY].default


def test_an_unknown_parameter_is_refused(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("parameters"), {"key": "no.such", "value": "1"}, follow=True)
    assert "未知的参数" in _text(response)
    assert not Parameter.objects.exists()


@pytest.mark.parametrize("persona", ["county_admin", "township_a", "inspector", "member"])
def test_rule_parameters_are_only_for_administrators(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("parameters")).status_code == 403
    assert client.post(reverse("parameters"), {"key": KEY, "value": "9"}).status_code == 403
    assert not Parameter.objects.exists()


# --- settings -----------------------------------------------------------------------------


def _settings_in_subprocess(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "dangjian.settings"
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess(
        DEBUG="0", SECRET_KEY="", FIELD_ENCRYPTION_KEY="x" * 44, ALLOWED_HOSTS="a.b"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_encryption_key():
    result = _settings_in_subprocess(
        DEBUG="0", SECRET_KEY="s" * 50, FIELD_ENCRYPTION_KEY="", ALLOWED_HOSTS="a.b"
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_production_starts_when_configured_and_reads_the_idle_timeout():
    from cryptography.fernet import Fernet

    result = _settings_in_subprocess(
        DEBUG="0",
        SECRET_KEY="s" * 50,
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="dangjian.example",
        SESSION_IDLE_MINUTES="10",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "600"


def test_env_example_documents_every_setting_read_from_the_environment():
    source = (REPO / "dangjian" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_][A-Z0-9_]*)\"", source))
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL"} <= read
    documented = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M))
    assert read - documented == set()


# --- the sidebar ------------------------------------------------------------------------------


def test_the_sidebar_follows_the_users_scope_at_the_next_request(client, personas, county):
    from dangjian.accounts.models import RoleAssignment
    from dangjian.accounts.roles import Role

    audit = f'href="{reverse("audit_log")}"'
    _login(client, "ta_sec")
    assert audit not in _text(client.get(reverse("home")))
    given = RoleAssignment.objects.create(user=personas.township_a, role=Role.ORG_DEPT, org=county.county)
    assert audit in _text(client.get(reverse("home")))
    given.delete()
    assert audit not in _text(client.get(reverse("home")))


def test_the_sidebar_is_worked_out_once_per_scope_not_per_page(client, personas, county):
    from unittest import mock

    from dangjian.accounts.models import RoleAssignment, User
    from dangjian.accounts.roles import Role
    from dangjian.core import context_processors, nav

    context_processors._SIDEBARS.store.clear()  # a scope of an earlier test may have the same ids
    twin = User.objects.create_user(username="zzb2", password=PASSWORD, display_name="组织部干事二")
    RoleAssignment.objects.create(user=twin, role=Role.ORG_DEPT, org=county.county)
    _login(client, "zzb")
    first = _text(client.get(reverse("home")))
    with mock.patch.object(nav, "entries_for", wraps=nav.entries_for) as worked_out:
        again = _text(client.get(reverse("home")))
        client.get(reverse("audit_log"))
        client.logout()
        _login(client, "zzb2")  # another user with the same grants: the same sidebar
        twin_page = _text(client.get(reverse("home")))
        assert worked_out.call_count == 0
        client.logout()
        _login(client, "ta_sec")  # another scope: its own
        client.get(reverse("home"))
        assert worked_out.call_count == 1

    def sidebar(page: str) -> str:
        return page[page.index('id="sidebar-menu"') : page.index("</aside>")]

    assert sidebar(first) == sidebar(again) == sidebar(twin_page)
    assert f'href="{reverse("audit_log")}"' in sidebar(first)


# The sidebar's loop as base.html wrote it before the entries were written once per scope.
_SIDEBAR_LOOP = """          </li>
          {% for item in nav_entries %}
          <li class="nav-item{% if item.active %} active{% endif %}">
            <a class="nav-link" href="{{ item.url }}"><span class="nav-link-icon"><i class="ti ti-{{ item.entry.icon }}"></i></span><span class="nav-link-title">{{ item.label }}</span></a>
          </li>
          {% endfor %}
        </ul>"""  # noqa: E501 - the template's line as it was


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_sidebar_is_the_markup_of_the_loop_it_replaced(client, personas, county, monkeypatch, language):
    from django.template import Context, Template
    from django.utils import translation

    from dangjian.core import registry
    from dangjian.core.context_processors import _sidebar
    from dangjian.core.nav import NavEntry

    # An entry whose label and icon need escaping, as any module's might.
    odd = NavEntry(key="zz_odd", label="A&B <i>", icon='x" onclick="y', url_name="audit_log", order=999)
    monkeypatch.setitem(registry.nav, "zz_odd", odd)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _login(client, "zzb")
    for url in (reverse("home"), reverse("audit_log"), reverse("orgs:warnings")):
        page = _text(client.get(url))
        start = page.index("          </li>\n          ", page.index('id="sidebar-menu"'))
        shown = page[start : page.index("</ul>", start) + 5]
        with translation.override(language):
            rows = _sidebar(personas.county_admin)
        matches = [r for r in rows if r["url"] != "/" and url.startswith(r["url"])]
        active = max(matches, key=lambda r: len(r["url"])) if matches else None
        entries = [{**r, "active": r is active} for r in rows]
        assert shown == Template(_SIDEBAR_LOOP).render(Context({"nav_entries": entries}))
        assert "A&amp;B &lt;i&gt;" in shown and 'ti-x&quot; onclick=&quot;y"' in shown
    assert shown.count(" active") == 1  # the warnings page: its own entry, not the organisations' above it
