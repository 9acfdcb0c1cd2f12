"""Nobody sees, exports or changes a record outside their subtree, proved on EVERY URL.

The rows live in each module's ``tests/leak.py`` (named by ``leak_rows`` on its ModuleConfig);
the oracle, the world and the checks are in ``leakwalk.py``, whose docstring says how to add a
row. The world is built once for this module; every write of the walk is rolled back.
"""

from __future__ import annotations

import pytest
from django.db.models import Count, Q
from django.test import override_settings

from dangjian.core.tests.leakwalk import (
    PERSONAS,
    build_world,
    collect_rows,
    detail,
    page,
    unclassified,
    url_routes,
    walk_route,
    write,
)
from dangjian.core.tests.test_modules import sample_module  # noqa: F401 (the fixture)
from dangjian.ledger.models import ItemGroup
from dangjian.orgs.models import Post

ROWS = collect_rows()
URLS = url_routes()


@pytest.fixture(scope="module")
def world(module_county, django_db_blocker):
    county, personas = module_county
    with django_db_blocker.unblock():
        return build_world(ROWS, county, personas.all())


def test_every_url_has_a_row_in_the_leak_rows_of_its_module():
    assert not ROWS.problems, ROWS.problems
    missing = unclassified(ROWS, URLS)
    assert not missing, "URLs without a row in the leak walk:\n  " + "\n  ".join(missing)
    stale = sorted(set(ROWS.routes) - set(URLS))
    assert not stale, f"leak rows for URLs that no longer exist: {stale}"


def test_the_walk_finds_every_modules_pages_and_api_routes_and_who_owns_them():
    owners = {
        name: URLS[name].app for name in ("home", "orgs:person_detail", "person-list", "api-item-transition")
    }
    assert owners == {
        "home": "core",
        "orgs:person_detail": "orgs",
        "person-list": "orgs",
        "api-item-transition": "ledger",
    }
    assert URLS["ledger:item_detail"].params == {"pk"} and URLS["api-item-detail"].params == {"pk"}
    assert URLS["api-progress-list"].api_methods == {"get", "post"}
    assert {"township_a_own", "member", "county_admin"} <= set(PERSONAS)


@pytest.mark.parametrize("name", sorted(ROWS.routes))
def test_no_persona_sees_or_changes_records_outside_its_subtree(name, world, db):
    if name not in URLS:
        pytest.skip(f"{name} is not in the URL tree (the row test above reports it)")
    problems = walk_route(name, ROWS.routes[name], URLS[name], world)
    assert not problems, f"{name} ({URLS[name].app}):\n  " + "\n  ".join(problems)


# --- the walk bites: a broken view and the old leaks are reported ---


def test_an_unscoped_post_delete_view_filed_as_a_page_fails_the_walk(world, db):
    """A POST-only view that deletes any record: refused as a page whatever the row says, caught as a write."""
    with override_settings(ROOT_URLCONF="dangjian.core.tests.broken_urls"):
        urls = url_routes()
        name = "broken_post_delete"
        assert f"{name} (broken/posts/<int:pk>/delete/): add a row to dangjian.core.tests.leak" in " ".join(
            unclassified(ROWS, urls)
        )
        as_page = walk_route(name, page(), urls[name], world)
        assert as_page == [
            "the route takes the record argument(s) ['pk'] but is filed as page(): "
            "file it as detail()/write()/api_detail()/api_action() with the record's kind"
        ]
        post = world.get("post", "village_b1")
        with_fixed_pk = walk_route(name, page(fixed={"pk": post.pk}), urls[name], world)
        assert any("fixes pk=" in p for p in with_fixed_pk), with_fixed_pk
        as_detail = walk_route(name, detail("post"), urls[name], world)
        assert any("answers GET with 405 (POST only) but is filed as detail()" in p for p in as_detail), (
            as_detail
        )
        as_write = walk_route(name, write("post", lambda w, obj, key: {}), urls[name], world)
        assert "township_a: POST for the post of village_b1 changed the database" in as_write, as_write
        assert "village_a1: POST for the post of township_a changed the database" in as_write, as_write
    assert Post.objects.filter(pk=post.pk).exists()  # every write of the walk was rolled back


def _unscoped_groups(user, item_list):
    return ItemGroup.objects.filter(item_list=item_list).order_by("pk")


def _unscoped_list_counts(lists, user):
    lists = list(lists)
    for item_list in lists:
        item_list.item_count, item_list.closed_count, item_list.overdue_count = item_list.items.count(), 0, 0
    return lists


@pytest.mark.parametrize(
    ("name", "selector", "unscoped", "reported"),
    [
        (
            "ledger:list_detail",
            "list_groups",
            _unscoped_groups,
            "village_a1 sees the shared_group of township_b ('乙镇专办任务') on the page of the shared_list of county",
        ),
        ("ledger:list_index", "list_rows", _unscoped_list_counts, "village_a1: list "),
    ],
)
def test_the_walk_reports_a_shared_lists_groups_and_counts_when_they_are_not_scoped(
    name, selector, unscoped, reported, world, db, monkeypatch
):
    from dangjian.ledger import selectors

    monkeypatch.setattr(selectors, selector, unscoped)
    problems = walk_route(name, ROWS.routes[name], URLS[name], world)
    assert any(p.startswith(reported) for p in problems), problems


def _unscoped_summary(user, org):
    from dangjian.orgs.models import Person

    people = Person.objects.members().filter(org__path__startswith=org.path)
    return people.aggregate(
        subtree=Count("id"), direct=Count("id", filter=Q(org=org)), direct_full=Count("id")
    )


@pytest.mark.parametrize(
    ("name", "module", "attr", "unscoped", "reported"),
    [
        (
            "orgs:org_detail",
            "dangjian.orgs.selectors",
            "member_summary",
            _unscoped_summary,
            "township_a_own: 中共A镇委员会 shows (",  # here and the whole subtree's count, not the persona's
        ),
        (
            "indicators:index",
            "dangjian.indicators.selectors",
            "sees_whole_subtree",
            lambda user, org: True,
            "township_a_own: indicators {'key': 'ledger.open_items'}: 中共A镇委员会 shows ",
        ),
    ],
)
def test_the_walk_reports_figures_that_count_organisations_below_a_grant_without_its_subtree(
    name, module, attr, unscoped, reported, world, db, monkeypatch
):
    monkeypatch.setattr(f"{module}.{attr}", unscoped)
    problems = walk_route(name, ROWS.routes[name], URLS[name], world)
    assert any(p.startswith(reported) for p in problems), problems


# --- the contract: a module registered only through its AppConfig brings its URLs, nav and rows ---


@pytest.mark.usefixtures("sample_module")
def test_a_module_installed_through_its_app_config_alone_has_its_leak_rows_collected_and_walked(world, db):
    urls = url_routes()
    assert urls["sample_module:hello"].app == "sample_module"
    assert "sample_module:hello (sample/): add a row to dangjian.core.tests.sample_module.leak" in " ".join(
        unclassified(ROWS, urls)  # the rows collected before it was installed
    )
    rows = collect_rows()
    assert rows.origin["sample_module:hello"] == "sample_module"
    assert not unclassified(rows, urls)
    assert (
        walk_route(
            "sample_module:hello", rows.routes["sample_module:hello"], urls["sample_module:hello"], world
        )
        == []
    )


def test_the_old_row_of_notices_read_a_post_only_route_filed_as_a_page_with_a_fixed_id_is_refused(world, db):
    problems = walk_route("notices:read", page(fixed={"pk": 1}), URLS["notices:read"], world)
    assert problems == [
        "the row fixes pk=1, a record id: file the route as a record route (detail/write) with a record kind "
        "in OBJECTS",
        "the route answers GET with 405 (POST only) but is filed as page(): a GET proves nothing; "
        "file it as write()/create() with real form data",
        "the route accepts POST but is filed as page(): refuse POST (require_GET) "
        "or file it as write()/create()/api_action() with real form data",
    ]
