"""The module contract: a module installed through its AppConfig alone is mounted everywhere."""

from __future__ import annotations

import copy
import importlib
from datetime import date

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from dangjian.core import registry
from dangjian.core.scoping import can, reset_scope

SAMPLE = "dangjian.core.tests.sample_module"
STORES = [
    name for name, value in vars(registry).items() if isinstance(value, dict) and not name.startswith("_")
]


@pytest.fixture
def sample_module(settings):
    """Install the sample module (no central file names it) and undo everything afterwards."""
    from django.apps import apps

    from dangjian.accounts import roles

    # One level deeper than the stores: a module's panels live in a dict per host page that another
    # module may have created already (orgs.organisation), which a shallow copy would share; a role's
    # capabilities are a set that registering updates in place.
    saved = {
        name: {
            k: copy.copy(v) if isinstance(v, dict | set) else v for k, v in getattr(registry, name).items()
        }
        for name in STORES
    }
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, SAMPLE]):
        roles.role_caps.cache_clear()
        roles.all_caps.cache_clear()
        import dangjian.api_router
        import dangjian.urls

        importlib.reload(dangjian.urls)
        clear_url_caches()
        yield apps.get_app_config("sample_module")
    for name, value in saved.items():
        setattr(registry, name, value)
    roles.role_caps.cache_clear()
    roles.all_caps.cache_clear()
    importlib.reload(dangjian.urls)
    clear_url_caches()


def test_a_module_is_registered_from_its_app_config(sample_module):
    assert registry.modules["sample_module"] is sample_module
    assert "sample" in registry.nav and "sample" in registry.demo_steps and "sample" in registry.daily_jobs
    assert sample_module.leak_rows == f"{SAMPLE}.leak"


def test_its_urls_are_mounted_under_its_prefix_and_namespace(sample_module, client, personas):
    assert reverse("sample_module:hello") == "/sample/"
    client.force_login(personas.township_a)
    assert client.get("/sample/").content.decode() == "样例页面"


def test_its_nav_entry_shows_in_the_sidebar(sample_module, client, personas):
    client.force_login(personas.township_a)
    assert "样例模块" in client.get(reverse("home")).content.decode()


def test_its_capability_goes_to_the_roles_it_names(sample_module, personas, county):
    reset_scope(personas.township_a)
    reset_scope(personas.village_a1)
    assert can(personas.township_a, "sample_cap", county.village_a1)
    assert not can(personas.village_a1, "sample_cap", county.village_a1)
    assert can(personas.admin, "sample_cap")  # the administrator holds every capability


def test_its_panel_shows_on_the_host_page(sample_module, client, personas, county):
    client.force_login(personas.township_a)
    body = client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])).content.decode()
    assert f"样例面板：{county.village_a1}" in body


@pytest.mark.django_db
def test_demo_and_daily_run_its_steps(sample_module):
    from dangjian.core import demo
    from dangjian.core.tasks import run_daily

    from .sample_module import views

    assert ("sample", views.build_demo) in demo.contributors()
    assert run_daily(today=date(2026, 11, 30))["sample.ran"] == 1


def test_without_it_nothing_of_it_remains():
    assert "sample_module" not in registry.modules and "sample" not in registry.nav
