"""The people pages: member list (search, filters, query count, htmx), a person's page with the
ID reveal, and the add / edit / transfer / leave / restore / post forms — each as anonymous,
out of scope (404), without the right (403) and permitted."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from dangjian.accounts.models import User
from dangjian.core import registry
from dangjian.core.models import StatusChange
from dangjian.orgs import services
from dangjian.orgs.models import Person, Post, PostKind, Transfer
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

ID_2X = "11010519491231002X"  # a valid number (DOMAIN.md §9), born 1949-12-31, female


def _text(response) -> str:
    return response.content.decode()


def _as(client, user):
    client.force_login(user)
    return client


def _person_with_known_id(org, name="刘芳", number=ID_2X):
    person = services.build_person(
        org=org, id_number=number, name=name, joined_on=date(1975, 7, 1), converted_on=date(1976, 7, 1)
    )
    person.save()
    return person


def _valid_form(org=None, **overrides):
    data = {
        "name": "赵六",
        "id_number": "440524188001010014",
        "sex": "",
        "ethnicity": "汉族",
        "education": "bachelor",
        "category": "full",
        "joined_on": "1910-07-01",
        "converted_on": "1911-07-01",
        "job": "farmer",
        "phone": "13800000000",
        "address": "A1村",
        "standing": "normal",
        "mobile_destination": "",
    }
    if org is not None:
        data["org"] = org.pk
    data.update(overrides)
    return data


# ------------------------------------------------------------------ list


def test_anonymous_visitors_are_sent_to_the_login_page(client, people, county):
    pk = people["a1"].pk
    post = Post.objects.create(
        org=county.village_a1, person=people["a1"], kind=PostKind.COMMITTEE, started_on=date(2020, 1, 1)
    )
    urls = [
        reverse("orgs:person_list"),
        reverse("orgs:person_create"),
        reverse("orgs:post_create", args=[county.village_a1.pk]),
        reverse("orgs:post_end", args=[post.pk]),
    ]
    urls += [
        reverse(f"orgs:person_{name}", args=[pk])
        for name in ("detail", "edit", "transfer", "leave", "restore")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"]
    response = client.post(reverse("orgs:person_unmask", args=[pk]))
    assert response.status_code == 302
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_list_shows_only_people_in_the_township_of_the_secretary(client, personas, people):
    text = _text(_as(client, personas.township_a).get(reverse("orgs:person_list")))
    assert "张三" in text and "李四" in text
    assert "王五" not in text
    assert "2 人" in text


def test_the_list_shows_the_id_masked_and_the_branch(client, personas, people):
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list")))
    assert f'<td class="id-masked text-nowrap">{people["a1"].id_masked}</td>' in text
    assert "A1村党支部" in text
    assert "********" in people["a1"].id_masked


def test_search_by_pinyin_initials_finds_zhang_san_and_not_li_si(client, personas, people):
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list"), {"q": "zs"}))
    assert "张三" in text
    assert "李四" not in text


def test_search_by_name_finds_the_person(client, personas, people):
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list"), {"q": "李"}))
    assert "李四" in text
    assert "张三" not in text


def test_search_by_the_last_four_characters_of_the_id_number(client, personas, people, county):
    _person_with_known_id(county.village_a2)
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list"), {"q": "002X"}))
    assert "刘芳" in text
    assert "张三" not in text


def test_search_does_not_reach_outside_the_scope(client, personas, people):
    text = _text(_as(client, personas.township_b).get(reverse("orgs:person_list"), {"q": "zs"}))
    assert "张三" not in text


def test_the_list_filters_by_organisation_subtree_and_category(client, personas, people, county):
    make_person(county.village_a1, "钱七", category="probationary", joined_on=date(2026, 1, 1))
    c = _as(client, personas.county_admin)
    text = _text(c.get(reverse("orgs:person_list"), {"org": county.township_a.pk}))
    assert "张三" in text and "李四" in text and "王五" not in text
    text = _text(c.get(reverse("orgs:person_list"), {"category": "probationary"}))
    assert "钱七" in text and "张三" not in text


def test_an_organisation_outside_the_scope_filters_to_nothing(client, personas, people, county):
    text = _text(
        _as(client, personas.township_a).get(reverse("orgs:person_list"), {"org": county.village_b1.pk})
    )
    assert "王五" not in text and "张三" not in text


def test_the_list_sorts_by_pinyin_of_the_name(client, personas, people):
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list"), {"sort": "name"}))
    # li si < wang wu < zhang san
    assert text.index("李四") < text.index("王五") < text.index("张三")
    text = _text(client.get(reverse("orgs:person_list"), {"sort": "-name"}))
    assert text.index("张三") < text.index("王五") < text.index("李四")


def test_the_list_shows_current_posts(client, personas, people, county):
    services.post_start(
        org=county.village_a1,
        person=people["a1"],
        kind=PostKind.SECRETARY,
        started_on=date(2024, 1, 1),
        actor=personas.county_admin,
    )
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list")))
    assert "A1村党支部 · 书记" in text


def test_people_who_left_are_listed_only_when_asked_for(client, personas, people):
    services.person_leave(
        person=people["a2"], actor=personas.county_admin, on=date(2026, 1, 1), reason="迁出"
    )
    c = _as(client, personas.county_admin)
    assert "李四" not in _text(c.get(reverse("orgs:person_list")))
    assert "李四" in _text(c.get(reverse("orgs:person_list"), {"status": "left"}))


def test_the_list_is_paginated(client, personas, county):
    for i in range(30):
        make_person(county.village_a1, f"测试{i:02d}")
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list")))
    assert "30 人" in text
    assert "?page=2" in text


def _list_queries(client, user) -> list[str]:
    """The SQL of one list page, for a user fetched afresh (no cached grants). The rule parameters are read
    from the shared cache, filled at most once a minute (here before the page)."""
    from dangjian.core import params

    params.version()
    client.force_login(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:person_list"))
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


# session, the user with its grants, organisation filter choices, count, page of people (branch joined), their posts,
# and the session save (savepoint, update, release)
LIST_QUERIES = 6


def test_the_list_runs_a_fixed_number_of_queries_for_3_and_30_people(
    client, personas, people, county, django_assert_num_queries, monkeypatch
):
    """30 people, each with a post, cost exactly what 3 cost."""
    monkeypatch.setattr(registry, "badges", {})  # other apps' header badges are pinned by their own tests
    few = _list_queries(client, personas.county_admin)
    roster = [sql for sql in few if '"orgs_person"' in sql or '"orgs_post"' in sql]
    assert len(roster) == 3, roster  # the page count, the page of people (branch joined), their current posts
    assert len(few) == LIST_QUERIES, few
    for i in range(27):
        p = make_person(county.village_a1 if i % 2 else county.village_a2, f"成员{i:02d}")
        Post.objects.create(org=p.org, person=p, kind=PostKind.COMMITTEE, started_on=date(2025, 1, 1))
    client.force_login(User.objects.get(pk=personas.county_admin.pk))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("orgs:person_list"))
    assert "30 人" in _text(response)
    assert _text(response).count("委员") >= 25  # the posts are on the page, fetched in the one prefetch


def test_htmx_requests_get_only_the_table_partial(client, personas, people):
    response = _as(client, personas.county_admin).get(
        reverse("orgs:person_list"), {"q": "zs"}, HTTP_HX_REQUEST="true"
    )
    text = _text(response)
    assert "<html" not in text
    assert 'data-testid="person-table"' in text
    assert "张三" in text and "李四" not in text
    assert "HX-Request" in response["Vary"]


def test_the_page_has_a_search_box_wired_to_the_table_partial(client, personas, people):
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_list")))
    assert 'hx-target="#person-results"' in text
    assert 'placeholder="姓名、拼音首字母或身份证后四位"' in text


def test_the_export_link_keeps_the_filters_when_the_export_exists(client, personas, people):
    text = _text(
        _as(client, personas.county_admin).get(reverse("orgs:person_list"), {"q": "zs", "page": "1"})
    )
    try:
        export = reverse("orgs:person_export")
    except NoReverseMatch:
        assert 'data-testid="person-export"' not in text
    else:
        assert f'href="{export}?q=zs"' in text


# ------------------------------------------------------------------ person page


def test_the_person_page_shows_the_national_items_with_the_id_masked(client, personas, people):
    person = people["a1"]
    response = _as(client, personas.township_a).get(reverse("orgs:person_detail", args=[person.pk]))
    text = _text(response)
    assert response.status_code == 200
    for expected in (
        "张三",
        "男",
        "汉族",
        person.id_masked,
        "出生年份",
        "1980",
        "正式党员",
        "中共A1村支部委员会",
        "2005年7月1日",
        "2006年7月1日",
        "正常",
        "在册",
        "流动党员",
        "失联",
    ):
        assert expected in text, expected
    full = services.reveal_id_number(person, log=False)
    assert full not in text
    assert "1980年5月4日" not in text and "1980-05-04" not in text  # the year only (docs/personal-data.md)


def test_the_person_page_of_someone_outside_the_scope_is_not_found(client, personas, people):
    response = _as(client, personas.township_b).get(reverse("orgs:person_detail", args=[people["a1"].pk]))
    assert response.status_code == 404


def test_a_member_sees_their_own_record_and_no_one_else_of_the_branch(client, personas, people, county):
    from dangjian.orgs.tests.factories import make_person

    fellow = make_person(county.village_a1, "同支部")
    personas.member.person = people["a1"]
    personas.member.save()
    c = _as(client, personas.member)
    assert c.get(reverse("orgs:person_detail", args=[people["a1"].pk])).status_code == 200
    assert c.get(reverse("orgs:person_detail", args=[fellow.pk])).status_code == 404
    assert c.get(reverse("orgs:person_detail", args=[people["a2"].pk])).status_code == 404


def test_the_reveal_button_is_shown_only_to_roles_that_may_unmask(client, personas, people):
    url = reverse("orgs:person_detail", args=[people["a1"].pk])
    assert 'data-testid="unmask"' in _text(_as(client, personas.county_admin).get(url))
    assert 'data-testid="unmask"' not in _text(_as(client, personas.township_a).get(url))


def test_unmasking_shows_the_full_number_and_logs_who_looked(client, personas, county):
    person = _person_with_known_id(county.village_a1)
    response = _as(client, personas.county_admin).post(
        reverse("orgs:person_unmask", args=[person.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert ID_2X in _text(response)
    assert "<html" not in _text(response)
    assert "no-store" in response["Cache-Control"]
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person),
        object_pk=str(person.pk),
        action=LogEntry.Action.ACCESS,
    )
    assert entry.actor == personas.county_admin
    assert entry.additional_data["event"] == "查看完整身份证号"


def test_unmasking_without_javascript_renders_the_whole_page(client, personas, county):
    person = _person_with_known_id(county.village_a1)
    response = _as(client, personas.county_admin).post(reverse("orgs:person_unmask", args=[person.pk]))
    text = _text(response)
    assert "<html" in text and ID_2X in text
    assert 'data-testid="id-full"' in text
    assert "查看完整身份证号" in text  # the access is already on the page's timeline


@pytest.mark.parametrize("who", ["township_a", "village_a1"])
def test_secretaries_may_not_unmask_and_nothing_is_logged(client, personas, people, who):
    c = _as(client, getattr(personas, who))
    visible = c.post(reverse("orgs:person_unmask", args=[people["a1"].pk]))
    outside = c.post(reverse("orgs:person_unmask", args=[people["b1"].pk]))
    assert visible.status_code == 403
    assert outside.status_code == 404
    assert services.reveal_id_number(people["a1"], log=False) not in _text(visible)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_unmasking_needs_a_post(client, personas, people):
    response = _as(client, personas.county_admin).get(reverse("orgs:person_unmask", args=[people["a1"].pk]))
    assert response.status_code == 405


def test_the_person_page_shows_posts_transfers_and_history(client, personas, people, county):
    person = people["a1"]
    services.post_start(
        org=county.village_a1,
        person=person,
        kind=PostKind.SECRETARY,
        started_on=date(2020, 1, 1),
        actor=personas.county_admin,
    )
    services.person_transfer(
        person=person,
        to_org=county.village_a2,
        actor=personas.county_admin,
        on=date(2026, 3, 1),
        note="工作调动",
    )
    text = _text(_as(client, personas.county_admin).get(reverse("orgs:person_detail", args=[person.pk])))
    assert 'data-testid="post-ended"' in text
    assert "2020-01-01 – 2026-03-01" in text
    assert "A1村党支部 → A2村党支部" in text
    assert "工作调动" in text
    assert 'data-testid="timeline"' in text


# ------------------------------------------------------------------ add and edit


def test_a_township_secretary_adds_a_person_with_the_id_number(client, personas, county):
    c = _as(client, personas.township_a)
    response = c.post(reverse("orgs:person_create"), _valid_form(county.village_a1))
    person = Person.objects.get(name="赵六")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:person_detail", args=[person.pk])
    assert person.org == county.village_a1
    assert person.sex == "M"  # read from the ID number
    assert person.birth_date == date(1880, 1, 1)
    assert person.id_masked == "**************0014"
    assert person.name_initials == "zl"


def test_the_add_form_offers_only_organisations_the_user_manages(client, personas, county):
    text = _text(_as(client, personas.township_a).get(reverse("orgs:person_create")))
    assert '<label class="form-label required" for="id_name">姓名</label>' in text
    assert "A1村党支部" in text  # offered by its short name, as lists show it
    assert "B1村党支部" not in text and "中共B1村支部委员会" not in text


def test_adding_into_an_organisation_outside_the_scope_is_refused(client, personas, county):
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_create"), _valid_form(county.village_b1)
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in _text(response)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("440524188001010015", "身份证号校验位不正确，请核对号码。"),
        ("110105194902300027", "身份证号中的出生日期 19490230 不存在。"),
        ("110105491231002", "这是 15 位旧身份证号，请填写 18 位公民身份号码。"),
    ],
)
def test_an_invalid_id_number_is_refused_with_the_message_on_the_field(
    client, personas, county, number, message
):
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_create"), _valid_form(county.village_a1, id_number=number)
    )
    assert response.status_code == 200
    text = _text(response)
    assert message in text
    # shown under the ID field, not at the top
    assert text.index('for="id_id_number"') < text.index(message)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"joined_on": "1890-07-01", "converted_on": ""}, "入党时未满 18 周岁"),
        ({"converted_on": "1909-07-01"}, "转正日期不能早于入党日期。"),
        ({"sex": "F"}, "性别与身份证号不一致"),
        ({"category": "full", "joined_on": "", "converted_on": ""}, "党员必须填写入党日期。"),
    ],
)
def test_inconsistent_dates_and_sex_are_refused(client, personas, county, overrides, message):
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_create"), _valid_form(county.village_a1, **overrides)
    )
    assert message in _text(response)
    assert not Person.objects.exists()


UNREGISTRABLE = "该身份证号无法登记，请联系上级组织部门核实。"


def _add_with_known_id(client, user, org):
    return _as(client, user).post(
        reverse("orgs:person_create"),
        _valid_form(org, id_number=ID_2X, joined_on="1975-07-01", converted_on="1976-07-01"),
    )


def test_a_number_already_on_file_in_my_township_is_refused_naming_the_record(client, personas, county):
    existing = _person_with_known_id(county.village_a2)
    response = _add_with_known_id(client, personas.township_a, county.village_a1)
    assert "该身份证号已在系统中登记（刘芳，中共A2村支部委员会）" in _text(response)
    assert Person.objects.count() == 1
    entry = LogEntry.objects.get_for_object(existing).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == personas.township_a


def test_a_number_on_file_in_another_township_is_refused_neutrally_and_audited_for_the_county(
    client, personas, county
):
    existing = _person_with_known_id(county.village_b1)
    response = _add_with_known_id(client, personas.township_a, county.village_a1)
    text = _text(response)
    assert UNREGISTRABLE in text
    assert "已在系统中登记" not in text and "刘芳" not in text and "B1村" not in text
    assert Person.objects.count() == 1
    # The county's organisation department (above both townships) finds the attempt in the audit log.
    entry = LogEntry.objects.get_for_object(existing).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == personas.township_a
    audit_page = _text(_as(client, personas.county_admin).get(reverse("audit_log")))
    assert "在中共A1村支部委员会重复登记该身份证号，已拒绝" in audit_page


def test_changing_a_number_to_one_on_file_elsewhere_is_refused_neutrally(client, personas, county, people):
    _person_with_known_id(county.village_b1)
    person = people["a1"]
    before = person.id_digest
    data = _valid_form(id_number=ID_2X, name="张三", joined_on="1975-07-01", converted_on="1976-07-01")
    response = _as(client, personas.township_a).post(reverse("orgs:person_edit", args=[person.pk]), data)
    assert UNREGISTRABLE in _text(response)
    person.refresh_from_db()
    assert person.id_digest == before


def test_roles_without_the_right_to_manage_people_may_not_add(client, personas, people):
    assert _as(client, personas.inspector).get(reverse("orgs:person_create")).status_code == 403
    assert _as(client, personas.member).get(reverse("orgs:person_create")).status_code == 403


def test_editing_keeps_the_id_number_when_left_empty(client, personas, people):
    person = people["a1"]
    number = services.reveal_id_number(person, log=False)
    data = _valid_form(
        name="张三丰", id_number="", joined_on="2005-07-01", converted_on="2006-07-01", phone="139"
    )
    response = _as(client, personas.township_a).post(reverse("orgs:person_edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "张三丰" and person.name_initials == "zsf"
    assert person.phone == "139"
    assert services.reveal_id_number(person, log=False) == number
    text = _text(client.get(reverse("orgs:person_detail", args=[person.pk])))
    assert "张三丰" in text and "139" in text


def test_editing_with_a_bad_id_number_changes_nothing(client, personas, people):
    person = people["a1"]
    data = _valid_form(
        name="改名", id_number="110105194912310021", joined_on="2005-07-01", converted_on="2006-07-01"
    )
    response = _as(client, personas.township_a).post(reverse("orgs:person_edit", args=[person.pk]), data)
    assert "身份证号校验位不正确，请核对号码。" in _text(response)
    person.refresh_from_db()
    assert person.name == "张三"


def test_editing_is_refused_outside_the_scope_and_without_the_right(client, personas, people):
    url = reverse("orgs:person_edit", args=[people["a1"].pk])
    assert _as(client, personas.township_b).get(url).status_code == 404
    assert _as(client, personas.inspector).get(url).status_code == 403
    assert _as(client, personas.inspector).post(url, _valid_form()).status_code == 403


# ------------------------------------------------------------------ transfer


def test_a_transfer_moves_the_person_and_keeps_the_history(client, personas, people, county):
    person = people["a1"]
    post = Post.objects.create(
        org=county.village_a1, person=person, kind=PostKind.SECRETARY, started_on=date(2020, 1, 1)
    )
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_transfer", args=[person.pk]),
        {"to_org": county.village_a2.pk, "on": "2026-11-01", "note": "工作调动"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.org == county.village_a2
    transfer = Transfer.objects.get(person=person)
    assert (transfer.from_org, transfer.to_org, transfer.on, transfer.actor) == (
        county.village_a1,
        county.village_a2,
        date(2026, 11, 1),
        personas.township_a,
    )
    post.refresh_from_db()
    assert post.ended_on == date(2026, 11, 1)


def test_a_transfer_to_an_organisation_outside_the_scope_is_refused(client, personas, people, county):
    person = people["a1"]
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_transfer", args=[person.pk]),
        {"to_org": county.village_b1.pk, "on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in _text(response)
    person.refresh_from_db()
    assert person.org == county.village_a1
    assert not Transfer.objects.exists()


def test_a_branch_secretary_cannot_transfer_to_a_sibling_branch(client, personas, people, county):
    person = people["a1"]
    text = _text(_as(client, personas.village_a1).get(reverse("orgs:person_transfer", args=[person.pk])))
    assert 'name="to_org"' in text  # the form is shown, offering none of the sibling's names
    assert "中共A2村支部委员会" not in text and "A2村党支部" not in text
    client.post(
        reverse("orgs:person_transfer", args=[person.pk]),
        {"to_org": county.village_a2.pk, "on": "2026-11-01"},
    )
    assert not Transfer.objects.exists()


def test_a_transfer_of_someone_outside_the_scope_is_not_found(client, personas, people, county):
    response = _as(client, personas.township_b).post(
        reverse("orgs:person_transfer", args=[people["a1"].pk]),
        {"to_org": county.village_b1.pk, "on": "2026-11-01"},
    )
    assert response.status_code == 404
    assert not Transfer.objects.exists()


def test_a_transfer_dated_in_the_future_is_refused(client, personas, people, county):
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_transfer", args=[people["a1"].pk]),
        {"to_org": county.village_a2.pk, "on": "2027-01-01"},
    )
    assert "转接日期不能晚于今天。" in _text(response)
    assert not Transfer.objects.exists()


# ------------------------------------------------------------------ leave, death, restore


def _changes(person):
    ct = ContentType.objects.get_for_model(Person)
    return list(
        StatusChange.objects.filter(content_type=ct, object_id=person.pk).values_list("old", "new", "actor")
    )


def test_leaving_goes_through_the_workflow_and_ends_posts(client, personas, people, county):
    person = people["a1"]
    post = Post.objects.create(
        org=county.village_a1, person=person, kind=PostKind.COMMITTEE, started_on=date(2020, 1, 1)
    )
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_leave", args=[person.pk]),
        {"on": "2026-10-01", "reason": "自行脱党", "version": person.version},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Person.Status.LEFT
    assert (person.left_on, person.left_reason) == (date(2026, 10, 1), "自行脱党")
    assert _changes(person) == [("active", "left", personas.township_a.pk)]
    post.refresh_from_db()
    assert post.ended_on == date(2026, 10, 1)
    text = _text(client.get(reverse("orgs:person_detail", args=[person.pk])))
    assert "已离开" in text and "自行脱党" in text


def test_leaving_needs_a_reason(client, personas, people):
    person = people["a1"]
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_leave", args=[person.pk]), {"on": "2026-10-01", "reason": " "}
    )
    assert "请填写离开原因。" in _text(response)
    person.refresh_from_db()
    assert person.status == Person.Status.ACTIVE
    assert _changes(person) == []


def test_a_death_is_recorded_without_deleting_anything(client, personas, people):
    person = people["a1"]
    _as(client, personas.township_a).post(
        reverse("orgs:person_leave", args=[person.pk]), {"on": "2026-10-01", "deceased": "on"}
    )
    person.refresh_from_db()
    assert person.status == Person.Status.DECEASED
    assert _changes(person) == [("active", "deceased", personas.township_a.pk)]
    assert "已故" in _text(client.get(reverse("orgs:person_detail", args=[person.pk])))


def test_a_stale_form_is_refused(client, personas, people):
    person = people["a1"]
    response = _as(client, personas.township_a).post(
        reverse("orgs:person_leave", args=[person.pk]),
        {"on": "2026-10-01", "reason": "迁出", "version": person.version + 1},
    )
    assert "该记录已被他人修改" in _text(response)
    person.refresh_from_db()
    assert person.status == Person.Status.ACTIVE


def test_someone_who_left_is_restored_with_a_reason(client, personas, people):
    person = people["a1"]
    services.person_leave(person=person, actor=personas.township_a, on=date(2026, 10, 1), reason="误登记")
    c = _as(client, personas.township_a)
    response = c.post(reverse("orgs:person_restore", args=[person.pk]), {"reason": ""})
    assert "请填写恢复原因。" in _text(response)
    response = c.post(reverse("orgs:person_restore", args=[person.pk]), {"reason": "登记错误"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Person.Status.ACTIVE and person.left_on is None
    assert [c[:2] for c in _changes(person)] == [("active", "left"), ("left", "active")]


def test_leave_and_restore_are_refused_outside_the_scope_and_without_the_right(client, personas, people):
    url = reverse("orgs:person_leave", args=[people["a1"].pk])
    assert _as(client, personas.township_b).post(url, {"on": "2026-10-01", "reason": "x"}).status_code == 404
    assert _as(client, personas.inspector).post(url, {"on": "2026-10-01", "reason": "x"}).status_code == 403
    assert (
        _as(client, personas.inspector)
        .get(reverse("orgs:person_restore", args=[people["a1"].pk]))
        .status_code
        == 403
    )
    assert Person.objects.get(pk=people["a1"].pk).status == Person.Status.ACTIVE


# ------------------------------------------------------------------ posts


def test_appointing_a_new_secretary_ends_the_previous_secretarys_post(client, personas, people, county):
    old = people["a1"]
    new = make_person(county.village_a1, "赵六")
    first = Post.objects.create(
        org=county.village_a1, person=old, kind=PostKind.SECRETARY, started_on=date(2021, 1, 1)
    )
    response = _as(client, personas.township_a).post(
        reverse("orgs:post_create", args=[county.village_a1.pk]),
        {"person": new.pk, "kind": "secretary", "started_on": "2026-06-01"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.ended_on == date(2026, 6, 1)
    assert Post.objects.current().get(org=county.village_a1, kind=PostKind.SECRETARY).person == new


def test_the_appointment_form_offers_the_roster_of_the_organisation_and_its_subtree(
    client, personas, people, county
):
    c = _as(client, personas.township_a)
    text = _text(c.get(reverse("orgs:post_create", args=[county.township_a.pk])))
    assert "张三" in text and "李四" in text
    text = _text(c.get(reverse("orgs:post_create", args=[county.village_a1.pk])))
    assert "张三" in text and "李四" not in text
    response = c.post(
        reverse("orgs:post_create", args=[county.village_a1.pk]),
        {"person": people["a2"].pk, "kind": "secretary", "started_on": "2026-06-01"},
    )
    assert "选择一个有效的选项" in _text(response)
    assert not Post.objects.exists()


def test_appointing_is_refused_outside_the_scope_and_without_the_right(client, personas, people, county):
    assert (
        _as(client, personas.township_a)
        .get(reverse("orgs:post_create", args=[county.village_b1.pk]))
        .status_code
        == 404
    )
    assert (
        _as(client, personas.inspector)
        .get(reverse("orgs:post_create", args=[county.village_a1.pk]))
        .status_code
        == 403
    )


def test_an_appointment_in_the_future_is_refused(client, personas, people, county):
    response = _as(client, personas.township_a).post(
        reverse("orgs:post_create", args=[county.village_a1.pk]),
        {"person": people["a1"].pk, "kind": "secretary", "started_on": "2027-01-01"},
    )
    assert "任职日期不能晚于今天。" in _text(response)
    assert not Post.objects.exists()


def test_ending_a_post_keeps_it_in_the_history(client, personas, people, county):
    post = Post.objects.create(
        org=county.village_a1, person=people["a1"], kind=PostKind.ORGANISING, started_on=date(2022, 1, 1)
    )
    c = _as(client, personas.township_a)
    response = c.post(reverse("orgs:post_end", args=[post.pk]), {"ended_on": "2021-12-31"})
    assert "离任日期不能早于任职日期。" in _text(response)
    response = c.post(reverse("orgs:post_end", args=[post.pk]), {"ended_on": "2026-11-01", "note": "届满"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.ended_on == date(2026, 11, 1) and post.note == "届满"
    assert Post.objects.filter(pk=post.pk).exists()
    assert _as(client, personas.township_b).get(reverse("orgs:post_end", args=[post.pk])).status_code == 404


def test_the_sidebar_has_a_members_entry(client, personas):
    text = _text(_as(client, personas.township_a).get(reverse("home")))
    assert f'href="{reverse("orgs:person_list")}"' in text
    assert "党员" in text
