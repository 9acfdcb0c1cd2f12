"""Imports accept what real spreadsheets contain (issue 8 item 15): full-width digits, stray spaces,
traditional characters, short organisation names unique in scope, other words for choices; the
template offers drop-downs for every choice column and keeps the ID column as text."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dangjian.core import params
from dangjian.core.exports import ImportRefused
from dangjian.orgs.importers import MemberImporter
from dangjian.orgs.models import Person
from dangjian.orgs.services import reveal_id_number
from dangjian.orgs.tests.factories import make_id, make_org
from dangjian.orgs.tests.fixtures import member_row, members_file

A1 = "中共A1村支部委员会"

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_full_width_digits_stray_spaces_and_other_words_are_read(personas, county):
    id_number = make_id(date(1985, 3, 9), male=False)
    row = member_row(
        A1,
        姓名=" 欧阳 娜娜\u3000",
        公民身份号码=id_number.translate(FULL_WIDTH),
        性别="女性",
        学历="本科",
        人员类别="預備黨員",
        入党日期="２０２５年１０月１日",
        转正日期="",
        联系电话="１３８ ０００００００",
    )
    MemberImporter(actor=personas.township_a).run(members_file([row]))
    person = Person.objects.get()
    assert person.name == "欧阳娜娜" and reveal_id_number(person, log=False) == id_number
    assert person.phone == "138 0000000"
    assert (person.sex, person.education, person.category) == ("F", "bachelor", "probationary")
    assert person.joined_on == date(2025, 10, 1)


def test_an_organisation_is_named_by_its_short_name_or_in_traditional_characters(personas, county):
    rows = [
        member_row("A1村党支部", 姓名="赵六", 公民身份号码=make_id(date(1980, 1, 2))),
        member_row("中共A2村支部委員會", 姓名="钱七", 公民身份号码=make_id(date(1981, 1, 2))),
    ]
    MemberImporter(actor=personas.township_a).run(members_file(rows))
    assert Person.objects.get(name="赵六").org == county.village_a1
    assert Person.objects.get(name="钱七").org == county.village_a2


def test_a_short_name_shared_by_two_organisations_in_scope_is_refused(personas, county):
    make_org(county.township_a, "中共A镇另一个村支部委员会", short_name="A1村党支部")
    with pytest.raises(ImportRefused) as exc:
        MemberImporter(actor=personas.township_a).run(members_file([member_row("A1村党支部")]))
    assert any("有多个您管理的组织简称为“A1村党支部”，请填写全称。" in str(e) for e in exc.value.errors)
    assert not Person.objects.exists()


def test_a_short_name_outside_the_importers_scope_is_unknown(personas, county):
    with pytest.raises(ImportRefused) as exc:
        MemberImporter(actor=personas.township_a).run(members_file([member_row("B1村党支部")]))
    assert any("找不到组织“B1村党支部”" in str(e) for e in exc.value.errors), [
        str(e) for e in exc.value.errors
    ]
    assert not Person.objects.exists()


def test_administrators_extend_the_synonyms(personas, county):
    row = member_row(A1, 学历="全日制本科")
    with pytest.raises(ImportRefused):
        MemberImporter(actor=personas.township_a).run(members_file([row]))
    params.set_value(
        "core.import_synonyms", str(params.get("core.import_synonyms")) + "；全日制本科=大学本科"
    )
    MemberImporter(actor=personas.township_a).run(members_file([row]))
    assert Person.objects.get().education == "bachelor"


def test_the_template_has_drop_downs_for_choices_and_a_text_id_column(personas):
    workbook = load_workbook(io.BytesIO(MemberImporter(actor=personas.township_a).template()))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    validations = {str(v.sqref).split(":")[0][:-1]: v for v in sheet.data_validations.dataValidation}
    letter = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    for header in ("性别", "学历", "人员类别", "民族", "党籍状态"):
        assert letter[header] in validations, header
    options = workbook.worksheets[1]
    assert options.sheet_state == "hidden"
    sex = validations[letter["性别"]].formula1
    cells = [c.value for row in options[sex.split("!")[1].replace("$", "")] for c in row]
    assert cells == ["男", "女"]
    assert sheet.column_dimensions[letter["公民身份号码"]].number_format == "@"


def test_the_roster_import_and_the_organisation_export_are_linked_from_the_lists(client, personas, county):
    from django.urls import reverse

    client.force_login(personas.county_admin)
    people = client.get(reverse("orgs:person_list")).content.decode()
    assert reverse("orgs:import_upload", kwargs={"kind": "members"}) in people
    orgs = client.get(reverse("orgs:org_list")).content.decode()
    assert (
        reverse("orgs:org_export") in orgs and reverse("orgs:import_upload", kwargs={"kind": "orgs"}) in orgs
    )
    detail = client.get(reverse("orgs:org_detail", args=[county.township_a.pk])).content.decode()
    assert f"{reverse('orgs:org_export')}?within={county.township_a.pk}" in detail
    client.force_login(personas.member)
    assert (
        reverse("orgs:import_upload", kwargs={"kind": "members"})
        not in client.get(reverse("orgs:person_list")).content.decode()
    )
