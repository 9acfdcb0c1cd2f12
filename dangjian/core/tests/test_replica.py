"""Reports on a replica (core.dbrouter), tested against a second, real database.

Django's test case refuses connections to an alias it was not told about when the test began; the
replica here is added during the test, so its connection carries another name (Django allows
connections it did not know of) while the router asks for it as ``replica``, as in production.
"""

from __future__ import annotations

import logging

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from dangjian.core import dbrouter
from dangjian.orgs.models import Organisation

UNLISTED = "replica_opened_by_the_test"


def add_alias(config: dict) -> None:
    """Configure the ``replica`` alias the way settings would (Django's defaults filled in)."""
    both = connections.configure_settings(
        {"default": dict(connections.settings["default"]), "replica": config}
    )
    connections.settings["replica"] = both["replica"]
    wrapper_class = type(connections["default"])
    if config["ENGINE"] != connections["default"].settings_dict["ENGINE"]:
        from importlib import import_module

        wrapper_class = import_module(config["ENGINE"] + ".base").DatabaseWrapper
    wrapper = wrapper_class(both["replica"], alias=UNLISTED)
    connections["replica"] = wrapper
    connections[UNLISTED] = wrapper  # Django looks a connection up by its own alias inside transactions
    dbrouter.forget_replica_state()


@pytest.fixture
def unblocked(db):
    yield
    if "replica" in connections.settings:
        if connections["replica"] is not connections["default"]:
            connections["replica"].close()
        del connections["replica"]
        del connections[UNLISTED]
        del connections.settings["replica"]
    dbrouter.forget_replica_state()


def test_reports_read_the_replica_and_everything_else_the_primary(unblocked, tmp_path, county):
    add_alias({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "replica.sqlite3")})
    with connections["replica"].schema_editor() as editor:
        editor.create_model(Organisation)
    Organisation.objects.using("replica").bulk_create(
        [Organisation(path="0009", depth=1, name="副本里的组织", kind="county")]
    )
    assert Organisation.objects.all().db == "default"
    with dbrouter.on_replica():
        assert Organisation.objects.all().db == "replica"
        assert list(Organisation.objects.values_list("name", flat=True)) == ["副本里的组织"]
        assert dbrouter.ReplicaRouter().db_for_write(Organisation) == "default"
    assert "某某县委员会" in set(Organisation.objects.values_list("name", flat=True))
    assert "副本里的组织" not in set(Organisation.objects.values_list("name", flat=True))


def test_without_a_replica_reports_read_the_primary(unblocked):
    with dbrouter.on_replica():
        assert Organisation.objects.all().db == "default"


def test_an_unreachable_replica_sends_reports_to_the_primary_with_a_warning(unblocked, caplog):
    add_alias({"ENGINE": "django.db.backends.sqlite3", "NAME": "/nonexistent-dir/replica.sqlite3"})
    with caplog.at_level(logging.WARNING, logger="dangjian.core.dbrouter"), dbrouter.on_replica():
        assert Organisation.objects.all().db == "default"
        Organisation.objects.exists()  # answers from the primary, no error
    assert "replica cannot be reached" in caplog.text


def test_report_views_run_on_the_replica_and_other_pages_never_do(unblocked, personas):
    # The replica here is the primary's own connection under the replica's name (what a streaming
    # replica holds, with no lag): the pages answer from the test's data, and the spy sees the alias asked.
    connections.settings["replica"] = dict(connections.settings["default"])
    connections["replica"] = connections["default"]
    connections[UNLISTED] = connections["default"]
    dbrouter.forget_replica_state()
    seen: list[str] = []
    real = dbrouter.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        alias = real(self, model, **hints)
        seen.append(alias)
        return alias

    pages = {}
    client = Client()
    client.force_login(personas.county_admin)
    try:
        dbrouter.ReplicaRouter.db_for_read = spy
        for name in (
            "indicators:index",
            "ledger:rollup",
            "ledger:rollup_export",
            "orgs:tree",
            "ledger:ledger",
        ):
            seen.clear()
            assert client.get(reverse(name)).status_code == 200
            pages[name] = set(seen)
    finally:
        dbrouter.ReplicaRouter.db_for_read = real
    for report in ("indicators:index", "ledger:rollup", "ledger:rollup_export"):
        assert "replica" in pages[report], report
    assert pages["orgs:tree"] and "replica" not in pages["orgs:tree"] | pages["ledger:ledger"]
