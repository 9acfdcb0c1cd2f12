"""Lists count their rows exactly up to LIST_COUNT_MAX and say "more than" beyond (core.pagination)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.pagination import CappedPaginator
from dangjian.notices.models import Notice
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_limit_and_the_pages_reach_as_far(county):
    for i in range(7):
        make_person(county.village_a1, f"党员{i}")
    people = Person.objects.order_by("name_pinyin")
    exact = Person.objects.count()
    with override_settings(LIST_COUNT_MAX=exact):
        paginator = CappedPaginator(people, 2)
        assert paginator.count == exact and not paginator.capped
    with override_settings(LIST_COUNT_MAX=5):
        paginator = CappedPaginator(people, 2)
        with CaptureQueriesContext(connection) as captured:
            assert paginator.count == 5 and paginator.capped and paginator.num_pages == 3
        # Counted up to one past the limit, unsorted: the database stops there.
        (sql,) = [q["sql"] for q in captured.captured_queries]
        assert "LIMIT 6" in sql and "ORDER BY" not in sql
        assert len(paginator.page(3).object_list) == 1
    # A list of rows in memory is counted as it is.
    with override_settings(LIST_COUNT_MAX=2):
        assert CappedPaginator(list(range(9)), 2).count == 9


def test_the_member_table_says_more_than_the_limit(client, county, personas):
    for i in range(6):
        make_person(county.village_a1, f"党员{i}")
    client.force_login(personas.county_admin)
    exact = client.get(reverse("orgs:person_list")).content.decode()
    assert 'data-testid="count-capped"' not in exact
    with override_settings(LIST_COUNT_MAX=3):
        body = client.get(reverse("orgs:person_list")).content.decode()
    assert 'data-testid="count-capped"' in body and "超过 3 人" in body


def test_a_plain_list_says_more_than_the_limit(client, county, personas):
    user = personas.county_admin
    Notice.objects.bulk_create(
        [Notice(recipient=user, kind="test", text=f"通知{i}", url="/") for i in range(45)]
    )
    client.force_login(user)
    assert "共 45 条" in client.get(reverse("notices:list")).content.decode()
    with override_settings(LIST_COUNT_MAX=40):
        body = client.get(reverse("notices:list")).content.decode()
    assert 'data-testid="count-capped"' in body and "超过 40 条" in body


# ------------------------------------------------------------------ lists compiled once (KeptList, list_key)


def _page_html(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "url_name, table",
    [
        ("orgs:org_list", "orgs_organisation"),  # a django-tables2 table
        ("orgs:person_list", "orgs_person"),  # the member table, with its posts prefetched
        ("accounts:user_list", "accounts_user"),  # a plain list (page_of) with its rows' roles
    ],
)
def test_a_list_page_is_compiled_once_and_its_rows_read_afresh(client, county, personas, url_name, table):
    """The count and the page of a list that a request builds from itself alone are compiled on the first
    visit and only run afterwards: the same page, character for character, as the one Django builds; a row
    changed or added since shows at once."""
    from dangjian.core import pagination
    from dangjian.core.tests.spies import compiled_tables

    for i in range(3):
        make_person(county.village_a1, f"党员{i}")
    client.force_login(personas.admin)
    url = reverse(url_name)
    pagination.LIST_QUERIES.store.clear()
    with compiled_tables() as first:
        built = _page_html(client, url)
    assert table in first
    with compiled_tables() as again:
        kept = _page_html(client, url)
    assert table not in again, again  # neither the count nor the page (nor its rows' own prefetch query)
    assert "orgs_post" not in again  # the member list's current posts: core.prepared.kept_related
    assert "accounts_roleassignment" not in again  # the accounts' roles: the same
    if url_name == "orgs:person_list":  # nor the organisations its filter offers (core.prepared.kept)
        assert "orgs_organisation" not in again, again
    assert _normalised(kept) == _normalised(built)
    # Read afresh: a renamed organisation, a new member, a new account show on the next visit.
    from dangjian.accounts.models import User
    from dangjian.orgs.models import Organisation

    Organisation.objects.filter(pk=county.village_a1.pk).update(name="新改名村党支部", short_name="新改名村")
    make_person(county.village_a1, "新来的党员")
    User.objects.create_user(username="newcomer", password="x" * 12, display_name="新账号")
    with compiled_tables() as after:
        fresh = _page_html(client, url)
    assert table not in after
    if url_name == "orgs:person_list":
        assert "新来的党员" in fresh and "新改名村" in fresh
    elif url_name == "orgs:org_list":
        assert "新改名村" in fresh
    else:
        assert "newcomer" in fresh


def _normalised(html: str) -> str:
    """The page without its per-request token (CSRF)."""
    import re

    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<token>", html)


def test_each_user_scope_query_and_day_has_its_own_kept_list(client, county, personas, people):
    """Another user, another filter, another page number (the same kept page query with another slice), and
    a filter that reads an organisation's path while the query is built (kept under the path it read): each
    answers its own."""
    from dangjian.core import pagination
    from dangjian.core.tests.spies import compiled_tables

    url = reverse("orgs:person_list")
    pagination.LIST_QUERIES.store.clear()
    client.force_login(personas.township_a)
    township_a = _page_html(client, url)
    assert "张三" in township_a and "王五" not in township_a  # a1's member, not b1's
    client.force_login(personas.township_b)
    township_b = _page_html(client, url)
    assert "张三" not in township_b
    client.force_login(personas.county_admin)
    everyone = _page_html(client, url)
    assert "张三" in everyone and len({k[1] for k in pagination.LIST_QUERIES.store}) == 3  # three users
    # A filter is part of the key: another query, another kept list.
    assert "张三" not in _page_html(client, url, q="李")
    # "This organisation and below" reads the organisation's path as the query is built: the key names the
    # path read, so the list is kept until the organisation moves, and compiled afresh for its new path.
    with compiled_tables() as compiled:
        one_village = _page_html(client, url, org=county.village_a1.pk)
    assert "orgs_person" in compiled and "张三" in one_village
    with compiled_tables() as compiled:
        assert "张三" in _page_html(client, url, org=county.village_a1.pk)
    assert "orgs_person" not in compiled, compiled
    from dangjian.orgs.services import org_move

    before = len(pagination.LIST_QUERIES.store)
    org_move(org=county.village_a1, new_parent=county.township_b, actor=personas.admin)
    with compiled_tables() as compiled:
        moved = _page_html(client, url, org=county.village_a1.pk)
    assert "orgs_person" in compiled and "张三" in moved and len(pagination.LIST_QUERIES.store) > before
    # Under its new township: the old path's kept query would have found no one there.
    assert "张三" in _page_html(client, url, org=county.township_b.pk)


@pytest.mark.parametrize(
    "url_name, param",
    [
        ("orgs:person_list", "org"),
        ("orgs:org_list", "within"),
        ("ledger:ledger", "org"),
        ("orglife:meeting_list", "org"),
        ("devel:pipeline", "org"),
        ("village:rota_day", "org"),
        ("village:leave_list", "org"),
        ("village:matter_list", "org"),
    ],
)
def test_a_list_of_one_organisation_s_subtree_is_kept_until_the_organisation_moves(
    client, county, personas, url_name, param
):
    """?org= reads the organisation's path as the list's query is built: the list is kept under a key naming
    the path read (``list_key(read=)``), not compiled on every visit; a move keeps it under the new path."""
    from dangjian.core import pagination
    from dangjian.orgs.models import Organisation
    from dangjian.orgs.services import org_move

    def kept_for(path):  # the kept lists of this page whose key names ``path`` as read (first, if several)
        return [
            k
            for k in pagination.LIST_QUERIES.store
            if k[0][0] == url_name
            and any(type(p) is tuple and p[:1] == ("read",) and p[1][0] == path for p in k)
        ]

    pagination.LIST_QUERIES.store.clear()
    client.force_login(personas.county_admin)
    url = reverse(url_name)
    old_path = county.village_a1.path
    _page_html(client, url, **{param: county.village_a1.pk})
    assert kept_for(old_path)
    org_move(org=county.village_a1, new_parent=county.township_b, actor=personas.admin)
    new_path = Organisation.objects.get(pk=county.village_a1.pk).path
    assert new_path != old_path and not kept_for(new_path)
    _page_html(client, url, **{param: county.village_a1.pk})
    assert kept_for(new_path)


def test_the_key_names_what_the_query_is_built_from(rf, county, personas):
    from django.urls import resolve

    from dangjian.core.pagination import list_key

    def key(user, path="/orgs/list/", **query):
        request = rf.get(path, query)
        request.user = user
        request.resolver_match = resolve(path)
        return list_key(request, naming=("within",))

    assert key(personas.county_admin) == key(personas.county_admin, page="3")  # the page is not the query
    assert key(personas.county_admin) != key(personas.township_a)
    assert key(personas.county_admin) != key(personas.county_admin, kind="branch")
    assert key(personas.county_admin, within=str(county.village_a1.pk)) is None  # what it read is not named

    def reading(path, **query):
        request = rf.get("/orgs/list/", query)
        request.user = personas.county_admin
        request.resolver_match = resolve("/orgs/list/")
        return list_key(request, naming=("within",), read=(path,))

    within = str(county.village_a1.pk)
    assert reading("0001", within=within) == reading("0001", within=within)
    moved = reading("0002", within=within)  # the organisation moved: another path, another key
    assert reading("0001", within=within) != moved
    detail = f"/ledger/lists/{county.village_a1.pk}/"
    other = f"/ledger/lists/{county.village_a2.pk}/"
    assert key(personas.county_admin, detail) != key(personas.county_admin, other)  # the URL's own arguments


def test_a_kept_count_is_logged_with_its_sql(client, county, personas):
    """Run on the server as a prepared statement (PostgreSQL), the kept count is logged as Django logs every
    query, with its SQL and values: the bench replays the log, and a log line of None broke it."""
    from dangjian.core import pagination

    pagination.LIST_QUERIES.store.clear()
    client.force_login(personas.admin)
    url = reverse("accounts:user_list")
    for _visit in range(3):  # psycopg prepares a statement on its second run: the third runs it prepared
        _page_html(client, url)
    with CaptureQueriesContext(connection) as captured:
        _page_html(client, url)
    logged = [q["sql"] for q in captured.captured_queries]
    assert all(isinstance(sql, str) for sql in logged), logged
    assert any("COUNT(" in sql and "accounts_user" in sql for sql in logged), logged


def test_related_rows_are_read_for_a_page_by_a_query_compiled_once(county, personas):
    """``kept_related``: each record gets its own rows in the queryset's order, only those the queryset lets
    through (a restricted set stays restricted), for pages longer and shorter than its placeholders."""
    from datetime import date

    from dangjian.core.prepared import kept_related
    from dangjian.core.tests.spies import compiled_tables
    from dangjian.orgs.models import Post, PostKind

    people = [make_person(county.village_a1, f"党员{i}") for i in range(3)]
    outsider = make_person(county.village_b1, "外镇党员")
    for i, person in enumerate(people[:2]):
        for kind in (PostKind.SECRETARY, PostKind.COMMITTEE):
            Post.objects.create(org=person.org, person=person, kind=kind, started_on=date(2020 + i, 1, 1))
    Post.objects.create(
        org=county.village_b1, person=people[2], kind=PostKind.COMMITTEE, started_on=date(2024, 1, 1)
    )
    Post.objects.create(
        org=outsider.org, person=outsider, kind=PostKind.SECRETARY, started_on=date(2024, 1, 1)
    )

    def build():
        return Post.objects.visible_to(personas.township_a).order_by("kind", "pk")

    key = ("test.posts", personas.township_a.pk)
    kept_related(
        key, people, build, field="person_id", to_attr="shown", size=2
    )  # two queries: 2 + 1 (padded)
    assert [[(p.person_id, p.kind) for p in person.shown] for person in people] == [
        [(people[0].pk, PostKind.COMMITTEE), (people[0].pk, PostKind.SECRETARY)],
        [(people[1].pk, PostKind.COMMITTEE), (people[1].pk, PostKind.SECRETARY)],
        [],  # a post at B1, which township A does not see
    ]
    with compiled_tables() as compiled:
        kept_related(key, [people[1]], build, field="person_id", to_attr="shown", size=2)
    assert compiled == [] and len(people[1].shown) == 2
    with CaptureQueriesContext(connection) as nothing:
        kept_related(key, [], build, field="person_id", to_attr="shown", size=2)  # nothing to read
    assert nothing.captured_queries == []
