"""Organisation pages: tree, organisation page, list, warnings, and the forms that change the tree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from dangjian.core import registry
from dangjian.orgs.models import Organisation, OrgKind, Post, PostKind
from dangjian.orgs.tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shell_without_other_apps(monkeypatch):
    """Pinned counts measure these pages: other apps' header badges, home blocks and panels on the organisation
    page are pinned by their own tests."""
    monkeypatch.setattr(registry, "badges", {})
    monkeypatch.setattr(
        registry, "panels", {k: v for k, v in registry.panels.items() if k != "orgs.organisation"}
    )
    monkeypatch.setattr(
        registry, "home_blocks", {k: v for k, v in registry.home_blocks.items() if k == "org_warnings"}
    )


def _url(name, *args):
    return reverse(f"orgs:{name}", args=args)


def _text(response) -> str:
    return response.content.decode()


def _grow(county, n: int) -> None:
    """Add ``n`` branches (with a member each) spread over both townships."""
    for i in range(n):
        parent = county.township_a if i % 2 else county.township_b
        org = make_org(parent, f"扩充党支部{i:02d}")
        make_person(org, f"党员{i:02d}")


def _warm(client, url: str) -> None:
    """First request fills the session and the parameter cache, so counts measure the page itself."""
    assert client.get(url).status_code == 200


# ------------------------------------------------------------------ access


PAGES = ["tree", "org_list", "warnings"]
RECORD_PAGES = ["org_detail", "tree_children", "org_create", "org_edit", "org_move", "org_dissolve"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, county, name):
    response = client.get(_url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page_from_record_pages(client, county, name):
    response = client.get(_url(name, county.village_a1.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_an_organisation_of_another_township_is_not_found(client, personas, county, name):
    client.force_login(personas.township_b)
    assert client.get(_url(name, county.village_a1.pk)).status_code == 404


@pytest.mark.parametrize("name", ["org_create", "org_edit", "org_move", "org_dissolve"])
def test_a_branch_secretary_may_see_but_not_change_the_tree(client, personas, county, name):
    client.force_login(personas.village_a1)
    assert client.get(_url("org_detail", county.village_a1.pk)).status_code == 200
    response = client.get(_url(name, county.village_a1.pk))
    assert response.status_code == 403
    assert "您无权在此进行该操作。" in _text(response)


def test_a_branch_secretary_gets_403_when_posting_a_change(client, personas, county):
    client.force_login(personas.village_a1)
    response = client.post(_url("org_edit", county.village_a1.pk), {"name": "改名", "kind": OrgKind.BRANCH})
    assert response.status_code == 403
    county.village_a1.refresh_from_db()
    assert county.village_a1.name == "中共A1村支部委员会"


# ------------------------------------------------------------------ tree


def test_the_tree_shows_the_township_with_its_branches_and_subtree_member_counts(
    client, personas, county, people
):
    make_person(county.village_a1, "赵六")
    client.force_login(personas.township_a)
    response = client.get(_url("tree"))
    html = _text(response)
    assert "中共A镇委员会" in html
    assert "中共A1村支部委员会" in html and "中共A2村支部委员会" in html
    assert "中共B镇委员会" not in html and "B1村" not in html
    nodes = {n.org.pk: n for n in response.context["nodes"]}
    assert nodes[county.township_a.pk].members == 3
    kids = {c.org.pk: c.members for c in nodes[county.township_a.pk].children}
    assert kids == {county.village_a1.pk: 2, county.village_a2.pk: 1}
    assert "乡镇党委" in html  # kind badge
    assert "党员 3 名" in html


def test_grants_at_different_depths_each_appear_at_the_top_of_the_tree(client, personas, county):
    from dangjian.accounts.models import RoleAssignment
    from dangjian.accounts.roles import Role

    RoleAssignment.objects.create(
        user=personas.township_a, role=Role.BRANCH_SECRETARY, org=county.village_b1, include_subtree=True
    )
    make_person(county.village_b1, "王五")
    client.force_login(personas.township_a)
    response = client.get(_url("tree"))
    tops = {n.org.pk: n.members for n in response.context["nodes"]}
    assert tops == {county.township_a.pk: 0, county.village_b1.pk: 1}
    assert "中共B镇委员会" not in _text(response)


def test_each_tree_node_links_to_its_page_and_offers_to_focus_there(client, personas, county):
    client.force_login(personas.township_a)
    html = _text(client.get(_url("tree")))
    assert f'href="{_url("org_detail", county.village_a1.pk)}"' in html
    assert f'action="{reverse("orgs:focus")}"' in html
    assert f'name="org" value="{county.village_a1.pk}"' in html
    assert 'name="next" value="/orgs/"' in html


def test_focusing_from_the_tree_narrows_the_tree_to_that_subtree(client, personas, county):
    client.force_login(personas.county_admin)
    response = client.post(reverse("orgs:focus"), {"org": county.township_b.pk, "next": _url("tree")})
    assert response["Location"] == _url("tree")
    html = _text(client.get(_url("tree")))
    assert "中共B1村支部委员会" in html
    assert "中共A镇委员会" not in html


def test_a_deeper_level_is_loaded_as_a_fragment_for_htmx(client, personas, county):
    make_org(county.village_a1, "A1村第一党小组", kind=OrgKind.BRANCH)
    client.force_login(personas.township_a)
    html = _text(client.get(_url("tree")))
    assert "A1村第一党小组" not in html  # two levels only at first
    assert f'hx-get="{_url("tree_children", county.village_a1.pk)}"' in html
    fragment = _text(
        client.get(
            _url("tree_children", county.village_a1.pk),
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/orgs/?dissolved=1",
        )
    )
    assert "A1村第一党小组" in fragment
    assert "<html" not in fragment
    assert 'name="next" value="/orgs/?dissolved=1"' in fragment  # focus returns to the tree page


def test_without_javascript_the_children_link_opens_a_page(client, personas, county):
    client.force_login(personas.township_a)
    html = _text(client.get(_url("tree_children", county.township_a.pk)))
    assert "<html" in html
    assert "中共A1村支部委员会" in html
    assert "中共A镇委员会的下级组织" in html


def test_dissolved_organisations_are_hidden_in_the_tree_unless_asked_for(client, personas, county):
    old = make_org(county.township_a, "已撤销的老支部")
    Organisation.objects.filter(pk=old.pk).update(dissolved_on=date(2025, 1, 1), dissolved_reason="合并")
    client.force_login(personas.township_a)
    assert "已撤销的老支部" not in _text(client.get(_url("tree")))
    html = _text(client.get(_url("tree") + "?dissolved=1"))
    assert "已撤销的老支部" in html
    assert "tree-node dissolved" in html


def _tree_queries(client, django_assert_num_queries, url):
    _warm(client, url)
    with django_assert_num_queries(5):
        response = client.get(url)
    return response


def test_the_tree_runs_a_fixed_number_of_queries_however_large_the_tree(
    client, personas, county, people, django_assert_num_queries
):
    client.force_login(personas.county_admin)
    url = _url("tree")
    # session, user, scope, top nodes, children, one GROUP BY of members, session save (3)
    small = _tree_queries(client, django_assert_num_queries, url)
    assert len(small.context["nodes"][0].children) == 2
    _grow(county, 30)
    large = _tree_queries(client, django_assert_num_queries, url)
    assert "扩充党支部29" not in _text(large)  # third level: loaded on demand
    assert large.context["nodes"][0].members == 33


def test_expanding_a_node_runs_a_fixed_number_of_queries(client, personas, county, django_assert_num_queries):
    client.force_login(personas.county_admin)
    url = _url("tree_children", county.township_a.pk)
    _warm(client, url)
    # session, user, scope, parent, children, one GROUP BY of members, session save (3)
    with django_assert_num_queries(5):
        client.get(url, HTTP_HX_REQUEST="true")
    _grow(county, 30)
    with django_assert_num_queries(5):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert "扩充党支部29" in _text(response)


# ------------------------------------------------------------------ organisation page


def test_the_organisation_page_shows_details_posts_members_children_and_warnings(
    client, personas, county, people
):
    a1 = county.village_a1
    Organisation.objects.filter(pk=a1.pk).update(
        unit_kind="rural",
        unit_name="A1村",
        credit_code="91350100M000100Y43",
        committee_elected_on=date(2024, 3, 1),
    )
    Post.objects.create(org=a1, person=people["a1"], kind=PostKind.SECRETARY, started_on=date(2024, 3, 1))
    make_org(a1, "A1村第一党小组")
    client.force_login(personas.township_a)
    response = client.get(_url("org_detail", a1.pk))
    html = _text(response)
    assert "中共A1村支部委员会" in html
    assert "农村" in html  # unit kind
    assert "91350100M000100Y43" in html
    assert "2024年3月1日" in html  # committee elected on
    assert "5 年" in html  # default term of a village branch
    assert "书记" in html and "张三" in html
    assert "本组织 1 名（正式党员 1 名），含下级共 1 名" in html
    assert "A1村第一党小组" in html
    assert "正式党员仅 1 名" in response.context["warnings"][0].text
    assert 'data-testid="timeline"' in html
    assert "编辑" in html and "撤销" in html  # township may manage


def test_the_organisation_page_hides_change_buttons_from_a_branch_secretary(client, personas, county):
    client.force_login(personas.village_a1)
    html = _text(client.get(_url("org_detail", county.village_a1.pk)))
    assert _url("org_edit", county.village_a1.pk) not in html
    assert _url("org_dissolve", county.village_a1.pk) not in html


def test_the_member_list_link_points_to_the_person_list_when_it_exists(client, personas, county):
    client.force_login(personas.township_a)
    response = client.get(_url("org_detail", county.village_a1.pk))
    link = response.context["person_list_url"]
    if link is None:
        assert 'data-testid="person-list-link"' not in _text(response)
    else:
        assert link.endswith(f"?org={county.village_a1.pk}")
        assert f'href="{link}"' in _text(response)


def test_the_organisation_page_runs_a_fixed_number_of_queries(
    client, personas, county, people, django_assert_num_queries
):
    client.force_login(personas.county_admin)
    url = _url("org_detail", county.township_a.pk)
    _warm(client, url)
    # session, user, scope, org, posts, members, children, child counts, log entries, status changes
    # (content type cached), ancestors, session save (3)
    with django_assert_num_queries(10):
        client.get(url)
    _grow(county, 30)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["children"]) == 17


# ------------------------------------------------------------------ list


def test_the_list_shows_kind_sector_parent_secretary_members_and_warnings(client, personas, county, people):
    Post.objects.create(
        org=county.village_a1, person=people["a1"], kind=PostKind.SECRETARY, started_on=date(2024, 1, 1)
    )
    client.force_login(personas.township_a)
    response = client.get(_url("org_list"))
    html = _text(response)
    rows = {r.record.pk: r.record for r in response.context["table"].page.object_list}
    assert set(rows) == {county.township_a.pk, county.village_a1.pk, county.village_a2.pk}
    a1 = rows[county.village_a1.pk]
    assert a1.parent_name == "中共A镇委员会"
    assert a1.secretary_name == "张三"
    assert a1.full_members == 1
    assert "张三" in html and "党支部" in html and "农村" in html
    assert 'data-testid="warning-count">1<' in html  # A1: too small only
    assert 'data-testid="warning-count">2<' in html  # A2: vacant secretary and too small


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=A1", {"village_a1"}),
        ("kind=township", {"township_a", "township_b"}),
        ("sector=rural", {"village_a1", "village_a2", "village_b1"}),
        ("within={township_b}", {"township_b", "village_b1"}),
    ],
)
def test_the_list_filters_by_name_kind_sector_and_subtree(client, personas, county, query, expected):
    client.force_login(personas.county_admin)
    query = query.format(township_b=county.township_b.pk)
    response = client.get(_url("org_list") + "?" + query)
    shown = {r.record.pk for r in response.context["table"].page.object_list}
    assert shown == {getattr(county, name).pk for name in expected}


def test_the_subtree_filter_is_named_and_reached_from_the_organisation_page(client, personas, county):
    client.force_login(personas.county_admin)
    detail = _text(client.get(_url("org_detail", county.township_b.pk)))
    link = f"{_url('org_list')}?within={county.township_b.pk}"
    assert f'href="{link}"' in detail
    html = _text(client.get(link))
    chip = html.split('data-testid="within-chip"')[1].split("</div>")[0]
    assert "在中共B镇委员会内" in chip
    assert "within=&amp;page=1" in chip


def test_the_list_filter_within_an_invisible_organisation_shows_nothing(client, personas, county):
    client.force_login(personas.township_a)
    response = client.get(_url("org_list") + f"?within={county.township_b.pk}")
    assert list(response.context["table"].page.object_list) == []
    assert "没有符合条件的组织" in _text(response)
    assert 'data-testid="within-chip"' not in _text(response)  # the other township's name is not shown


def test_the_list_hides_dissolved_organisations_unless_filtered_for(client, personas, county):
    old = make_org(county.township_a, "已撤销的老支部")
    Organisation.objects.filter(pk=old.pk).update(dissolved_on=date(2025, 1, 1), dissolved_reason="合并")
    client.force_login(personas.township_a)
    assert "已撤销的老支部" not in _text(client.get(_url("org_list")))
    response = client.get(_url("org_list") + "?dissolved=true")
    assert [r.record.name for r in response.context["table"].page.object_list] == ["已撤销的老支部"]


def test_the_list_sorts_by_full_members(client, personas, county):
    make_person(county.village_a2, "甲")
    make_person(county.village_a2, "乙")
    client.force_login(personas.township_a)
    response = client.get(_url("org_list") + "?sort=-full_members")
    first = next(iter(response.context["table"].page.object_list)).record
    assert first.pk == county.village_a2.pk


def test_the_list_runs_a_fixed_number_of_queries(client, personas, county, people, django_assert_num_queries):
    client.force_login(personas.county_admin)
    url = _url("org_list")
    _warm(client, url)
    # session, user, scope, count, page, session save (3)
    with django_assert_num_queries(4):
        client.get(url)
    _grow(county, 30)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == 36


def test_the_list_figures_are_built_once_per_user_and_day_and_read_afresh(
    client, personas, county, people, monkeypatch
):
    """The ten health figures, parent and secretary of the list are built into a queryset once per user,
    scope, day and rule parameters (``core.prepared.kept_queryset``), not on every visit; each visit filters
    a copy and reads the rows afresh: a secretary appointed since shows at once."""
    from dangjian.core import prepared
    from dangjian.orgs import selectors

    prepared._QUERYSETS.store.clear()
    built = []
    real = selectors.annotate_list
    monkeypatch.setattr(
        selectors, "annotate_list", lambda qs, *, user: built.append(user.pk) or real(qs, user=user)
    )
    client.force_login(personas.township_a)
    url = _url("org_list")
    first = _text(client.get(url))
    assert "张三" not in first
    Post.objects.create(
        org=county.village_a1, person=people["a1"], kind=PostKind.SECRETARY, started_on=date(2024, 1, 1)
    )
    assert "张三" in _text(client.get(url))
    assert "张三" in _text(client.get(url + "?q=A1"))  # a filtered copy of the same queryset
    assert built == [personas.township_a.pk]
    client.force_login(personas.township_b)
    assert "张三" not in _text(client.get(url))  # another user: another queryset, their own rows
    assert built == [personas.township_a.pk, personas.township_b.pk]


# ------------------------------------------------------------------ warnings page and home block


def test_the_warnings_page_lists_the_scope_and_filters_by_rule(client, personas, county, people):
    client.force_login(personas.township_a)
    html = _text(client.get(_url("warnings")))
    assert "中共A1村支部委员会" in html and "中共A镇委员会" in html
    assert "中共B1村支部委员会" not in html
    assert "书记空缺" in html and "应成立联合党支部" in html
    response = client.get(_url("warnings") + "?code=too_small")
    orgs = [org.pk for org, _found in response.context["page"]]
    assert orgs == [county.village_a1.pk, county.village_a2.pk]
    assert "书记空缺" not in _text(response).split('data-testid="warning-table"')[1]


def test_the_warnings_page_follows_the_focus(client, personas, county):
    client.force_login(personas.county_admin)
    client.post(reverse("orgs:focus"), {"org": county.township_b.pk})
    response = client.get(_url("warnings"))
    assert {org.pk for org, _found in response.context["page"]} == {
        county.township_b.pk,
        county.village_b1.pk,
    }


def test_the_warnings_page_runs_a_fixed_number_of_queries(
    client, personas, county, django_assert_num_queries
):
    client.force_login(personas.county_admin)
    url = _url("warnings")
    _warm(client, url)
    # session, user, scope, organisations, their members and posts grouped, session save (3)
    with django_assert_num_queries(5):
        client.get(url)
    _grow(county, 30)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert (
        response.context["page"].paginator.count == 35
    )  # everything below the county, no secretary anywhere


def test_the_home_page_counts_the_warnings_in_scope_with_a_link(
    client, personas, county, django_assert_num_queries
):
    client.force_login(personas.township_b)
    response = client.get(reverse("home"))
    html = _text(response)
    assert 'data-testid="home-warning-total">2<' in html
    assert f'href="{_url("warnings")}"' in html
    assert "书记空缺" in html
    _warm(client, reverse("home"))
    # The warnings: the organisations, their members and their posts (two GROUP BYs, however many).
    with django_assert_num_queries(5):
        client.get(reverse("home"))
    _grow(county, 30)
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    assert 'data-testid="home-warning-total">17<' in _text(response)


def test_the_sidebar_offers_the_tree_and_the_warnings(client, personas, county):
    client.force_login(personas.member)
    html = _text(client.get(reverse("home")))
    assert f'href="{_url("tree")}"' in html
    assert f'href="{_url("warnings")}"' in html


# ------------------------------------------------------------------ create and edit


def _org_post(**overrides):
    data = {
        "name": "中共A3村支部委员会",
        "short_name": "A3村党支部",
        "kind": OrgKind.BRANCH,
        "sector": "rural",
        "unit_relation": "same",
    }
    data.update(overrides)
    return data


def test_a_township_creates_a_branch_under_its_committee(client, personas, county):
    client.force_login(personas.township_a)
    assert client.get(_url("org_create", county.township_a.pk)).status_code == 200
    response = client.post(_url("org_create", county.township_a.pk), _org_post())
    created = Organisation.objects.get(name="中共A3村支部委员会")
    assert response["Location"] == _url("org_detail", created.pk)
    assert Organisation.objects.get_parent(created).pk == county.township_a.pk
    assert created.sort_key == "a3 cun dang zhi bu"


def test_creating_shows_the_service_refusal_on_the_form_and_writes_nothing(client, personas, county):
    client.force_login(personas.township_a)
    before = Organisation.objects.count()
    response = client.post(
        _url("org_create", county.township_a.pk),
        _org_post(founded_on="2020-05-01", committee_elected_on="2019-05-01"),
    )
    assert response.status_code == 200
    assert "换届日期不能早于成立日期。" in _text(response)
    assert Organisation.objects.count() == before


def test_a_bad_credit_code_is_refused_on_the_form(client, personas, county):
    client.force_login(personas.township_a)
    before = Organisation.objects.count()
    response = client.post(
        _url("org_create", county.township_a.pk), _org_post(credit_code="91350100M000100Y44")
    )
    assert "统一社会信用代码" in _text(response)
    assert response.context["form"].errors["credit_code"]
    assert Organisation.objects.count() == before


def test_renaming_keeps_the_old_name_in_the_timeline(client, personas, county):
    client.force_login(personas.township_a)
    a1 = county.village_a1
    response = client.post(_url("org_edit", a1.pk), _org_post(name="中共A1村委员会", short_name="A1村党委"))
    assert response["Location"] == _url("org_detail", a1.pk)
    a1.refresh_from_db()
    assert a1.name == "中共A1村委员会"
    html = _text(client.get(_url("org_detail", a1.pk)))
    timeline = html.split('data-testid="timeline"')[1]
    assert "中共A1村支部委员会 → 中共A1村委员会" in timeline
    assert "A镇书记" in timeline  # the actor


def test_an_organisations_history_lists_its_own_fields_never_its_reverse_relations(client, personas, county):
    """Issue #8 point 4: a change of an organisation reads as its fields, not "ledger.Item.None"."""
    from dangjian.core import audit

    a1 = county.village_a1
    reverse_names = [
        f.name for f in Organisation._meta.get_fields() if f.is_relation and f.auto_created and not f.concrete
    ]
    assert reverse_names  # posts, people, items … point at organisations
    stale = {name: [f"x.{name}.None", f"x.{name}.None"] for name in reverse_names}
    rows = audit.readable_changes(Organisation, {**stale, "name": ["甲", "乙"]})
    assert rows == [(str(Organisation._meta.get_field("name").verbose_name), "甲", "乙")]
    client.force_login(personas.township_a)
    client.post(_url("org_edit", a1.pk), _org_post(name="中共A1村委员会", short_name="A1村党委"))
    timeline = _text(client.get(_url("org_detail", a1.pk))).split('data-testid="timeline"')[1]
    for code in ("None", ".None", "ledger.", "orgs."):
        assert code not in timeline, code


def test_a_refused_edit_keeps_the_saved_name_in_the_header(client, personas, county):
    client.force_login(personas.township_a)
    response = client.post(_url("org_edit", county.village_a1.pk), _org_post(name="   "))
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    county.village_a1.refresh_from_db()
    assert county.village_a1.name == "中共A1村支部委员会"
    assert "编辑A1村党支部" in _text(response)


# ------------------------------------------------------------------ move


def test_the_county_moves_a_branch_to_another_township_and_the_move_is_in_its_history(
    client, personas, county
):
    client.force_login(personas.county_admin)
    a2 = county.village_a2
    response = client.post(_url("org_move", a2.pk), {"new_parent": county.township_b.pk})
    assert response["Location"] == _url("org_detail", a2.pk)
    a2.refresh_from_db()
    assert Organisation.objects.get_parent(a2).pk == county.township_b.pk
    html = _text(client.get(_url("org_detail", a2.pk)))
    assert "调整隶属关系" in html
    assert "中共A镇委员会 → 中共B镇委员会" in html


def test_moving_under_its_own_descendant_is_refused_with_a_message(client, personas, county):
    client.force_login(personas.county_admin)
    path = county.township_a.path
    response = client.post(_url("org_move", county.township_a.pk), {"new_parent": county.village_a1.pk})
    assert response.status_code == 200
    assert "不能把组织移到它自己或它的下级组织之下。" in _text(response)
    county.township_a.refresh_from_db()
    assert county.township_a.path == path


def test_a_township_cannot_move_a_branch_of_another_township(client, personas, county):
    client.force_login(personas.township_a)
    path = county.village_b1.path
    response = client.post(_url("org_move", county.village_b1.pk), {"new_parent": county.township_a.pk})
    assert response.status_code == 404
    county.village_b1.refresh_from_db()
    assert county.village_b1.path == path


def test_a_township_cannot_move_its_branch_under_another_township(client, personas, county):
    client.force_login(personas.township_a)
    path = county.village_a1.path
    response = client.post(_url("org_move", county.village_a1.pk), {"new_parent": county.village_b1.pk})
    assert response.status_code == 200
    assert "选择一个有效的选项" in _text(response)
    county.village_a1.refresh_from_db()
    assert county.village_a1.path == path


def test_the_move_form_offers_only_visible_current_organisations(client, personas, county):
    client.force_login(personas.township_a)
    html = _text(client.get(_url("org_move", county.village_a2.pk)))
    assert "A1村党支部" in html  # offered by its short name, as lists show it
    assert "B镇党委" not in html and "中共B镇委员会" not in html


# ------------------------------------------------------------------ dissolve


def test_dissolving_hides_the_branch_from_tree_and_list_but_its_page_remains(client, personas, county):
    empty = make_org(county.township_a, "待撤销党支部")
    client.force_login(personas.township_a)
    today = timezone.localdate()
    response = client.post(_url("org_dissolve", empty.pk), {"on": today.isoformat(), "reason": "村庄合并"})
    assert response["Location"] == _url("org_detail", empty.pk)
    empty.refresh_from_db()
    assert empty.dissolved_on == today and empty.dissolved_reason == "村庄合并"
    assert "待撤销党支部" not in _text(client.get(_url("tree")))
    assert "待撤销党支部" not in _text(client.get(_url("org_list")))
    html = _text(client.get(_url("org_detail", empty.pk)))
    assert "待撤销党支部" in html
    assert 'data-testid="dissolved-note"' in html and "村庄合并" in html
    assert _url("org_move", empty.pk) not in html


def test_dissolving_a_branch_with_members_is_refused_and_nothing_changes(client, personas, county, people):
    client.force_login(personas.township_a)
    response = client.post(
        _url("org_dissolve", county.village_a1.pk), {"on": timezone.localdate().isoformat(), "reason": "合并"}
    )
    assert response.status_code == 200
    assert "该组织还有在册人员，请先办理组织关系转接。" in _text(response)
    county.village_a1.refresh_from_db()
    assert county.village_a1.dissolved_on is None and county.village_a1.dissolved_reason == ""


def test_dissolving_a_committee_with_current_children_is_refused_and_nothing_changes(
    client, personas, county
):
    client.force_login(personas.county_admin)
    response = client.post(
        _url("org_dissolve", county.township_b.pk),
        {"on": timezone.localdate().isoformat(), "reason": "撤并乡镇"},
    )
    assert "请先撤销或转出其下级组织。" in _text(response)
    county.township_b.refresh_from_db()
    assert county.township_b.dissolved_on is None


def test_dissolving_without_a_reason_is_refused_on_the_reason_field(client, personas, county):
    empty = make_org(county.township_a, "待撤销党支部")
    client.force_login(personas.township_a)
    response = client.post(
        _url("org_dissolve", empty.pk), {"on": timezone.localdate().isoformat(), "reason": ""}
    )
    assert response.context["form"].errors["reason"] == ["请填写撤销原因。"]
    empty.refresh_from_db()
    assert empty.dissolved_on is None


def test_dissolving_before_the_founding_date_is_refused(client, personas, county):
    empty = make_org(county.township_a, "待撤销党支部", founded_on=date(2020, 1, 1))
    client.force_login(personas.township_a)
    response = client.post(_url("org_dissolve", empty.pk), {"on": "2019-12-31", "reason": "合并"})
    assert response.context["form"].errors["on"] == ["撤销日期不能早于成立日期。"]
    empty.refresh_from_db()
    assert empty.dissolved_on is None


def test_a_persona_logs_in_with_the_shared_password(client, personas):
    # Guards the fixture the pages above rely on: the personas log in through the real form.
    response = client.post(reverse("login"), {"username": "ta_sec", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(_url("tree")).status_code == 200


def test_the_secretary_vacancy_counts_days_on_the_organisation_page(client, personas, county, people):
    ended = timezone.localdate() - timedelta(days=40)
    Post.objects.create(
        org=county.village_a1,
        person=people["a1"],
        kind=PostKind.SECRETARY,
        started_on=date(2020, 1, 1),
        ended_on=ended,
    )
    client.force_login(personas.township_a)
    html = _text(client.get(_url("org_detail", county.village_a1.pk)))
    assert f"书记空缺 40 天（自 {ended.isoformat()} 起）" in html


def test_the_list_asks_post_flags_row_by_row_with_the_same_answers(county, personas):
    """The list's rows ask each post flag for themselves: as ``EXISTS`` PostgreSQL hashed every current post
    of the scope for each flag before the first of fifty rows. The flags say what ``EXISTS`` says."""
    from dangjian.orgs import selectors

    Post.objects.create(
        org=county.village_a1,
        person=make_person(county.village_a1, "书记甲"),
        kind=PostKind.SECRETARY,
        started_on=date(2024, 1, 1),
    )
    base = Organisation.objects.current().order_by("path")
    flags = ["has_secretary", *(f"has_{kind}" for kind in selectors.REQUIRED_COMMITTEE_POSTS)]
    listed = list(selectors.annotate_list(base, user=personas.admin).values("pk", *flags))
    exists = list(selectors.annotate_health(base).values("pk", *flags))
    assert listed == exists and any(row["has_secretary"] for row in listed)
    assert not all(row["has_secretary"] for row in listed)
    # Scalar subqueries, which PostgreSQL runs for the rows shown; not EXISTS, which it may hash whole.
    sql = str(selectors.annotate_list(base, user=personas.admin)[:50].query)
    assert "EXISTS" not in sql and sql.count('FROM "orgs_post"') >= len(flags)
