"""Roster services and the person search: the rules hold whoever calls them (pages, API, imports)."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import StatusChange
from dangjian.orgs import services
from dangjian.orgs.models import Person, Post, PostKind, Transfer
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

ID_2X = "11010519491231002X"


def _with_id(org, number=ID_2X, name="刘芳"):
    person = services.build_person(
        org=org, id_number=number, name=name, joined_on=date(1975, 7, 1), converted_on=date(1976, 7, 1)
    )
    person.save()
    return person


# ------------------------------------------------------------------ search


def test_pinyin_initials_find_zhang_san_and_not_li_si(people):
    assert list(Person.objects.search("zs").values_list("name", flat=True)) == ["张三"]
    assert list(Person.objects.search("ZS").values_list("name", flat=True)) == ["张三"]


def test_full_pinyin_finds_the_name(people):
    assert list(Person.objects.search("zhang san").values_list("name", flat=True)) == ["张三"]
    assert list(Person.objects.search("wang").values_list("name", flat=True)) == ["王五"]


def test_the_last_characters_of_the_id_number_find_the_person(people, county):
    person = _with_id(county.village_a1)
    assert list(Person.objects.search("002X")) == [person]
    assert list(Person.objects.search("002x")) == [person]
    assert list(Person.objects.search("2X")) == [person]


def test_the_whole_id_number_finds_the_person_by_its_digest(people, county):
    person = _with_id(county.village_a1)
    assert list(Person.objects.search(ID_2X.lower())) == [person]
    assert not Person.objects.search("110105194912310037").exists()


def test_a_chinese_fragment_searches_the_name(people):
    assert list(Person.objects.search("四").values_list("name", flat=True)) == ["李四"]


def test_an_empty_search_changes_nothing(people):
    assert Person.objects.search("  ").count() == 3


# ------------------------------------------------------------------ create and update


def test_a_person_is_created_with_the_id_number_protected(personas, county):
    person = services.person_create(
        org=county.village_a1,
        actor=personas.township_a,
        id_number=ID_2X,
        name="刘芳",
        joined_on=date(1975, 7, 1),
        converted_on=date(1976, 7, 1),
    )
    assert person.sex == "F" and person.birth_date == date(1949, 12, 31)
    assert person.id_masked == "**************002X" and person.id_suffix == "002X"
    assert ID_2X not in person.id_cipher
    assert services.reveal_id_number(person, log=False) == ID_2X


def test_creating_outside_ones_rights_is_refused(personas, county):
    with pytest.raises(PermissionDenied):
        services.person_create(
            org=county.village_b1,
            actor=personas.township_a,
            id_number=ID_2X,
            name="刘芳",
            joined_on=date(1975, 7, 1),
            converted_on=date(1976, 7, 1),
        )
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519491231002Y", "身份证号应为 18 位：17 位数字加 1 位数字或 X。"),
        ("110105194912310021", "身份证号校验位不正确，请核对号码。"),
        ("110105194913310023", "身份证号中的出生日期 19491331 不存在。"),
        ("110105491231002", "这是 15 位旧身份证号，请填写 18 位公民身份号码。"),
    ],
)
def test_an_invalid_id_number_is_refused_on_the_id_field(personas, county, number, message):
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            org=county.village_a1,
            actor=personas.township_a,
            id_number=number,
            name="刘芳",
            joined_on=date(1975, 7, 1),
            converted_on=date(1976, 7, 1),
        )
    assert exc.value.message_dict["id_number"] == [message]
    assert not Person.objects.exists()


def test_an_update_with_a_new_number_rereads_birth_date_and_sex(personas, people):
    person = people["a1"]
    services.person_update(
        person=person,
        actor=personas.township_a,
        id_number="440524188001010014",
        joined_on=date(1910, 7, 1),
        converted_on=date(1911, 7, 1),
    )
    person.refresh_from_db()
    assert person.birth_date == date(1880, 1, 1)
    assert person.id_masked == "**************0014"
    assert person.version == 1


# ------------------------------------------------------------------ transfer


def test_a_transfer_moves_the_person_and_ends_posts_in_the_old_organisation(personas, people, county):
    person = people["a1"]
    here = Post.objects.create(
        org=county.village_a1, person=person, kind=PostKind.SECRETARY, started_on=date(2020, 1, 1)
    )
    above = Post.objects.create(
        org=county.township_a, person=person, kind=PostKind.COMMITTEE, started_on=date(2020, 1, 1)
    )
    transfer = services.person_transfer(
        person=person, to_org=county.village_a2, actor=personas.township_a, on=date(2026, 5, 1), note="调动"
    )
    person.refresh_from_db()
    assert person.org == county.village_a2
    assert (transfer.from_org, transfer.to_org) == (county.village_a1, county.village_a2)
    here.refresh_from_db()
    above.refresh_from_db()
    assert here.ended_on == date(2026, 5, 1)
    assert above.ended_on is None


def test_a_transfer_to_an_organisation_outside_the_scope_is_a_permission_error(personas, people, county):
    with pytest.raises(PermissionDenied):
        services.person_transfer(
            person=people["a1"], to_org=county.village_b1, actor=personas.township_a, on=date(2026, 5, 1)
        )
    assert not Transfer.objects.exists()
    assert Person.objects.get(pk=people["a1"].pk).org == county.village_a1


def test_a_transfer_before_a_post_started_is_refused_instead_of_breaking_the_post(personas, people, county):
    person = people["a1"]
    Post.objects.create(
        org=county.village_a1, person=person, kind=PostKind.SECRETARY, started_on=date(2026, 6, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.person_transfer(
            person=person, to_org=county.village_a2, actor=personas.township_a, on=date(2026, 5, 1)
        )
    assert exc.value.message_dict["on"] == ["日期早于此人现任职务的任职日期（2026-06-01）。"]
    assert not Transfer.objects.exists()


def test_a_transfer_dated_before_the_previous_one_is_refused(personas, people, county):
    person = people["a1"]
    services.person_transfer(
        person=person, to_org=county.village_a2, actor=personas.township_a, on=date(2026, 5, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.person_transfer(
            person=person, to_org=county.village_a1, actor=personas.township_a, on=date(2026, 4, 1)
        )
    assert exc.value.message_dict["on"] == ["日期早于上一次组织关系转接（2026-05-01）。"]
    assert Transfer.objects.count() == 1


def test_only_people_on_the_roll_are_transferred(personas, people, county):
    services.person_leave(person=people["a1"], actor=personas.township_a, on=date(2026, 5, 1), reason="迁出")
    with pytest.raises(ValidationError, match="只有在册人员可以转接组织关系"):
        services.person_transfer(
            person=people["a1"], to_org=county.village_a2, actor=personas.township_a, on=date(2026, 6, 1)
        )


# ------------------------------------------------------------------ leave, death, restore


def test_leaving_before_a_post_started_is_refused(personas, people, county):
    person = people["a1"]
    Post.objects.create(
        org=county.village_a1, person=person, kind=PostKind.SECRETARY, started_on=date(2026, 6, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.person_leave(person=person, actor=personas.township_a, on=date(2026, 5, 1), reason="迁出")
    assert exc.value.message_dict["on"] == ["日期早于此人现任职务的任职日期（2026-06-01）。"]
    person.refresh_from_db()
    assert person.status == Person.Status.ACTIVE
    assert not StatusChange.objects.exists()


def test_a_death_recorded_by_mistake_is_restored_with_a_reason_and_kept_in_history(personas, people):
    from dangjian.core.models import StatusChange

    person = people["a1"]
    services.person_leave(
        person=person, actor=personas.township_a, on=date(2026, 5, 1), reason="", deceased=True
    )
    with pytest.raises(ValidationError):
        services.person_restore(person=person, actor=personas.township_a, reason="  ")
    person.refresh_from_db()
    assert person.status == Person.Status.DECEASED
    services.person_restore(person=person, actor=personas.township_a, reason="登记错误")
    person.refresh_from_db()
    assert person.status == Person.Status.ACTIVE
    steps = list(StatusChange.objects.filter(object_id=person.pk).values_list("old", "new", "note"))
    assert steps[-2:] == [("active", "deceased", ""), ("deceased", "active", "登记错误")]


def test_an_inspector_may_not_record_leaving(personas, people):
    with pytest.raises(PermissionDenied):
        services.person_leave(
            person=people["a1"], actor=personas.inspector, on=date(2026, 5, 1), reason="迁出"
        )
    assert Person.objects.get(pk=people["a1"].pk).status == Person.Status.ACTIVE


# ------------------------------------------------------------------ unmask and posts


def test_unmasking_is_refused_to_a_township_secretary_and_logged_for_the_department(personas, people):
    person = people["a1"]
    with pytest.raises(PermissionDenied):
        services.person_unmask(person=person, actor=personas.township_a)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    number = services.person_unmask(person=person, actor=personas.county_admin)
    assert number[-4:] == person.id_suffix
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(person.pk)).count() == 1


def test_a_new_secretary_ends_the_previous_secretarys_post(personas, people, county):
    old = people["a1"]
    new = make_person(county.village_a1, "赵六")
    first = services.post_start(
        org=county.village_a1,
        person=old,
        kind=PostKind.SECRETARY,
        started_on=date(2021, 1, 1),
        actor=personas.township_a,
    )
    second = services.post_start(
        org=county.village_a1,
        person=new,
        kind=PostKind.SECRETARY,
        started_on=date(2026, 3, 1),
        actor=personas.township_a,
    )
    first.refresh_from_db()
    assert first.ended_on == date(2026, 3, 1)
    assert list(Post.objects.current().filter(org=county.village_a1, kind=PostKind.SECRETARY)) == [second]


def test_a_secretary_appointed_before_the_current_one_is_refused(personas, people, county):
    services.post_start(
        org=county.village_a1,
        person=people["a1"],
        kind=PostKind.SECRETARY,
        started_on=date(2025, 1, 1),
        actor=personas.township_a,
    )
    other = make_person(county.village_a1, "赵六")
    with pytest.raises(ValidationError) as exc:
        services.post_start(
            org=county.village_a1,
            person=other,
            kind=PostKind.SECRETARY,
            started_on=date(2024, 1, 1),
            actor=personas.township_a,
        )
    assert exc.value.message_dict["started_on"] == ["新书记任职日期须晚于现任书记的任职日期。"]
    assert Post.objects.count() == 1


def test_ending_a_post_twice_is_refused(personas, people, county):
    post = services.post_start(
        org=county.village_a1,
        person=people["a1"],
        kind=PostKind.ORGANISING,
        started_on=date(2025, 1, 1),
        actor=personas.township_a,
    )
    services.post_end(post=post, ended_on=date(2026, 1, 1), actor=personas.township_a)
    with pytest.raises(ValidationError, match="该职务已经结束"):
        services.post_end(post=post, ended_on=date(2026, 2, 1), actor=personas.township_a)
    post.refresh_from_db()
    assert post.ended_on == date(2026, 1, 1)
