"""Roster imports: every refusal names its row and column and writes nothing; good files write all rows."""

from __future__ import annotations

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.exports import ImportRefused
from dangjian.orgs import services
from dangjian.orgs.columns import export_organisations, export_people
from dangjian.orgs.importers import MemberImporter, OrganisationImporter
from dangjian.orgs.models import ImportBatch, Organisation, OrgKind, Person
from dangjian.orgs.tests.factories import make_id, make_org, make_person
from dangjian.orgs.tests.fixtures import (
    MEMBER_HEADERS,
    member_row,
    members_file,
    org_row,
    orgs_file,
    upload,
    xlsx_bytes,
)

A1 = "中共A1村支部委员会"
A2 = "中共A2村支部委员会"
B1 = "中共B1村支部委员会"


def counts():
    return Person.objects.count(), Organisation.objects.count(), ImportBatch.objects.count()


def messages_of(preview) -> list[str]:
    return [str(e) for e in preview.errors]


def refused(importer, file) -> list[str]:
    """Run an import that must be refused; nothing may be written."""
    before = counts()
    with pytest.raises(ImportRefused) as exc:
        importer.run(file)
    assert counts() == before
    return [str(e) for e in exc.value.errors]


# ------------------------------------------------------------------ members: good files


def test_it_imports_every_row_of_a_good_file_with_one_batch_and_one_audit_entry(personas, county):
    rows = [
        member_row(A1, 姓名="赵六"),
        member_row(A2, 姓名="钱七", 性别="女", 公民身份号码=make_id(male=False)),
    ]
    importer = MemberImporter(actor=personas.township_a, context={"filename": "名册.xlsx"})
    audit_before = LogEntry.objects.count()

    preview, count = importer.run(members_file(rows))

    assert count == 2
    zhao = Person.objects.get(name="赵六")
    assert (zhao.org, zhao.education, zhao.category, zhao.joined_on) == (
        county.village_a1,
        "bachelor",
        "full",
        date(2010, 7, 1),
    )
    assert zhao.name_initials == "zl" and zhao.id_masked.count("*") == 14
    qian = Person.objects.get(name="钱七")
    assert qian.sex == "F" and qian.org == county.village_a2
    batch = ImportBatch.objects.get()
    assert (batch.org, batch.rows, batch.kind, batch.actor, batch.filename) == (
        county.township_a,
        2,
        "members",
        personas.township_a,
        "名册.xlsx",
    )
    assert LogEntry.objects.count() == audit_before + 1
    assert "导入党员 2 条" in LogEntry.objects.latest("pk").additional_data["event"]


def test_a_good_file_previews_without_problems_and_writes_nothing(personas, county):
    before = counts()
    preview = MemberImporter(actor=personas.township_a).preview(members_file([member_row(A1)]))
    assert preview.ok and preview.errors == []
    assert counts() == before


# ------------------------------------------------------------------ members: refusals


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"公民身份号码": "11010519491231002Y"}, "第 2 行“公民身份号码”列：身份证号应为 18 位"),
        ({"公民身份号码": "110105194912310021"}, "第 2 行“公民身份号码”列：身份证号校验位不正确"),
        ({"公民身份号码": "110105491231002"}, "第 2 行“公民身份号码”列：这是 15 位旧身份证号"),
        ({"公民身份号码": "110105********002X"}, "第 2 行“公民身份号码”列：身份证号已脱敏，无法导入"),
        ({"性别": "女"}, "第 2 行“性别”列：性别与身份证号不一致"),
        (
            {"出生日期": "1985-03-10"},
            "第 2 行“出生日期”列：出生日期与身份证号不一致（身份证号中为 1985-03-09）",
        ),
        ({"入党日期": "2002-07-01", "转正日期": ""}, "第 2 行“入党日期”列：入党时未满 18 周岁"),
        ({"转正日期": "2009-07-01"}, "第 2 行“转正日期”列：转正日期不能早于入党日期"),
        ({"姓名": ""}, "第 2 行“姓名”列：必填，不能为空"),
        ({"人员类别": ""}, "第 2 行“人员类别”列：必填，不能为空"),
        ({"人员类别": "党员"}, "第 2 行“人员类别”列：“党员”不在可选值中（正式党员、预备党员、非党员）"),
        ({"学历": "博士后"}, "第 2 行“学历”列：“博士后”不在可选值中"),
        ({"入党日期": "2010-02-30"}, "第 2 行“入党日期”列：日期“2010-02-30”不存在"),
        ({"是否失联": "也许"}, "第 2 行“是否失联”列：“也许”请填“是”或“否”"),
        ({"是否失联": "是"}, "第 2 行“失联日期”列：失联党员请填写失联日期"),
        ({"是否流动党员": "是"}, "第 2 行“外出流向”列：流动党员请填写外出流向"),
        (
            {"所在党支部": "中共不存在村支部委员会"},
            "第 2 行“所在党支部”列：找不到组织“中共不存在村支部委员会”",
        ),
    ],
)
def test_it_refuses_a_bad_member_row_naming_row_and_column(personas, county, cells, expected):
    rows = [member_row(A1, **cells)]
    errors = refused(MemberImporter(actor=personas.township_a), members_file(rows))
    assert any(e.startswith(expected) for e in errors), errors


def test_one_bad_row_among_good_ones_writes_nothing_at_all(personas, county):
    rows = [
        member_row(A1, 姓名="甲"),
        member_row(A1, 姓名="乙"),
        member_row(A2, 姓名="丙", 转正日期="2000-01-01"),
    ]
    errors = refused(MemberImporter(actor=personas.township_a), members_file(rows))
    assert errors == ["第 4 行“转正日期”列：转正日期不能早于入党日期。"]


def test_a_branch_outside_the_actors_scope_reads_like_one_that_does_not_exist(personas, county):
    outside = refused(MemberImporter(actor=personas.township_a), members_file([member_row(B1)]))
    missing = refused(
        MemberImporter(actor=personas.township_a), members_file([member_row("中共C1村支部委员会")])
    )
    assert outside == [
        f"第 2 行“所在党支部”列：找不到组织“{B1}”：请填写系统中您有权管理的党组织全称（可从组织列表复制）。"
    ]
    assert missing == [outside[0].replace(B1, "中共C1村支部委员会")]


def test_a_dissolved_branch_is_refused(personas, county):
    county.village_a2.dissolved_on = date(2026, 1, 1)
    county.village_a2.save()
    errors = refused(MemberImporter(actor=personas.township_a), members_file([member_row(A2)]))
    assert errors == [f"第 2 行“所在党支部”列：组织“{A2}”已撤销，不能导入到该组织。"]


def test_it_reports_both_rows_of_an_id_number_given_twice(personas, county):
    number = make_id()
    rows = [member_row(A1, 公民身份号码=number), member_row(A1), member_row(A2, 公民身份号码=number.lower())]
    errors = refused(MemberImporter(actor=personas.township_a), members_file(rows))
    assert errors == [
        "第 2 行“公民身份号码”列：与第 4 行的身份证号重复。",
        "第 4 行“公民身份号码”列：与第 2 行的身份证号重复。",
    ]


UNREGISTRABLE = "该身份证号无法登记，请联系上级组织部门核实。"


def _registered(org, name="王五"):
    number = make_id()
    services.build_person(org=org, id_number=number, name=name, joined_on=date(2005, 7, 1)).save()
    return number, Person.objects.get(name=name)


def test_a_number_on_the_roll_inside_the_actors_scope_is_named_in_the_preview_and_audited(personas, county):
    number, existing = _registered(county.village_a2, "李四")
    errors = refused(
        MemberImporter(actor=personas.township_a), members_file([member_row(A1, 公民身份号码=number)])
    )
    assert errors == [
        "第 2 行“公民身份号码”列：该身份证号已在系统中登记（李四，中共A2村支部委员会），请勿重复录入"
        "（如需转入请办理组织关系转接）。"
    ]
    entry = LogEntry.objects.get_for_object(existing).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == personas.township_a
    assert entry.additional_data["event"] == "在中共A1村支部委员会重复登记该身份证号，已拒绝"


def test_the_preview_reads_the_same_for_a_number_registered_elsewhere_and_for_a_new_one(personas, county):
    """No oracle: whether another township holds a number must not show before writing."""
    elsewhere, _existing = _registered(county.village_b1)
    importer = MemberImporter(actor=personas.township_a)
    known = importer.preview(members_file([member_row(A1, 公民身份号码=elsewhere)]))
    fresh = importer.preview(members_file([member_row(A1, 公民身份号码=make_id(date(1985, 3, 9)))]))
    assert known.ok and fresh.ok
    assert (messages_of(known), len(known.rows)) == (messages_of(fresh), len(fresh.rows)) == ([], 1)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_number_on_the_roll_outside_the_actors_scope_is_refused_on_writing_neutrally_and_audited(
    personas, county
):
    number, existing = _registered(county.village_b1)
    errors = refused(
        MemberImporter(actor=personas.township_a),
        members_file([member_row(A1), member_row(A2, 公民身份号码=number)]),
    )
    assert errors == [f"第 3 行“公民身份号码”列：{UNREGISTRABLE}"]
    assert "王五" not in errors[0] and "B" not in errors[0]
    # Audited on the existing record: the county (above both townships) sees who tried and where.
    entry = LogEntry.objects.get_for_object(existing).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == personas.township_a
    assert entry.additional_data["event"] == "在中共A2村支部委员会重复登记该身份证号，已拒绝"


def test_writing_asks_again_only_about_the_numbers_the_check_found_on_the_roll(
    personas, county, django_assert_num_queries
):
    """run() checks a file, then writes it: a file of new members asks nobody's scope a second time, and
    rows from another check are looked up afresh."""
    elsewhere, _existing = _registered(county.village_b1)
    importer = MemberImporter(actor=personas.township_a)
    known = importer.preview(members_file([member_row(A1), member_row(A2, 公民身份号码=elsewhere)]))
    fresh = importer.preview(members_file([member_row(A1, 公民身份号码=make_id(date(1985, 3, 9)))]))
    assert known.ok and fresh.ok
    with django_assert_num_queries(0):
        importer.check_before_write(fresh.rows)
    with pytest.raises(ImportRefused) as refusal:
        importer.check_before_write(known.rows)
    assert [str(e) for e in refusal.value.errors] == [f"第 3 行“公民身份号码”列：{UNREGISTRABLE}"]


def test_it_refuses_a_file_that_is_not_a_spreadsheet(personas, county):
    errors = refused(MemberImporter(actor=personas.township_a), upload(b"name,id\n", "名册.csv"))
    assert errors == ["文件：文件类型不对：请上传 Excel 文件（.xlsx），可先下载模板填写。"]


def test_it_refuses_a_file_with_an_xlsx_name_that_is_not_excel(personas, county):
    errors = refused(MemberImporter(actor=personas.township_a), upload(b"%PDF-1.4 not excel", "名册.xlsx"))
    assert errors == ["文件：无法读取文件：它不是有效的 Excel 文件，请用模板另存为 .xlsx 后重试。"]


def test_it_refuses_an_empty_file(personas, county):
    assert refused(MemberImporter(actor=personas.township_a), upload(b"")) == [
        "文件：文件是空的：请在模板中填写数据后再上传。"
    ]
    assert refused(MemberImporter(actor=personas.township_a), upload(xlsx_bytes([], None))) == [
        "文件：文件是空的：请在模板中填写数据后再上传。"
    ]


def test_it_refuses_a_file_with_only_the_header(personas, county):
    errors = refused(MemberImporter(actor=personas.township_a), upload(xlsx_bytes([], MEMBER_HEADERS)))
    assert errors == ["文件：文件只有表头，没有数据行。"]


def test_it_refuses_a_wrong_or_missing_header(personas, county):
    headers = [h if h != "公民身份号码" else "身份证号" for h in MEMBER_HEADERS]
    row = member_row(A1)
    errors = refused(
        MemberImporter(actor=personas.township_a), upload(xlsx_bytes([list(row.values())], headers))
    )
    assert errors == [
        "第 1 行：表头与模板不一致：缺少列 “公民身份号码”；多出列 “身份证号”；请使用下载的模板，不要修改第一行。"
    ]
    no_header = upload(xlsx_bytes([list(row.values())], None))
    assert refused(MemberImporter(actor=personas.township_a), no_header)[0].startswith(
        "第 1 行：表头与模板不一致：缺少列 “姓名”"
    )


@override_settings(UPLOAD_MAX_MB=1)
def test_it_refuses_an_oversize_file(personas, county):
    big = upload(b"x" * (1024 * 1024 + 1))
    assert refused(MemberImporter(actor=personas.township_a), big) == ["文件：文件太大：不能超过 1 MB。"]


def test_row_numbers_are_those_excel_shows_even_after_blank_rows(personas, county):
    good = [member_row(A1)[h] for h in MEMBER_HEADERS]
    bad = [member_row(A1, 姓名="")[h] for h in MEMBER_HEADERS]
    content = xlsx_bytes([good, [None] * len(MEMBER_HEADERS), bad], MEMBER_HEADERS)
    errors = refused(MemberImporter(actor=personas.township_a), upload(content))
    assert errors == ["第 4 行“姓名”列：必填，不能为空"]


def test_choice_cells_accept_the_chinese_label_whatever_the_screen_language(personas, county):
    from django.utils import translation

    with translation.override("en"):
        preview = MemberImporter(actor=personas.township_a).preview(
            members_file([member_row(A1, 人员类别="预备党员", 转正日期="")])
        )
    assert preview.ok, messages_of(preview)
    assert preview.rows[0].values["category"] == "probationary"


# ------------------------------------------------------------------ organisations


def test_it_creates_organisations_in_file_order_under_existing_and_earlier_rows(personas, county):
    rows = [
        org_row("中共A3村总支部委员会", "中共A镇委员会", 组织类别="党总支", 组织简称="A3村党总支"),
        org_row("中共A3村第一支部委员会", "中共A3村总支部委员会", 成立日期="2020-05-04", 任期年限=5),
    ]
    importer = OrganisationImporter(actor=personas.township_a, context={"filename": "组织.xlsx"})
    _preview, count = importer.run(orgs_file(rows))
    assert count == 2
    general = Organisation.objects.get(name="中共A3村总支部委员会")
    first = Organisation.objects.get(name="中共A3村第一支部委员会")
    assert general.path[:-4] == county.township_a.path and general.kind == OrgKind.GENERAL_BRANCH
    assert first.path[:-4] == general.path and first.founded_on == date(2020, 5, 4) and first.term_years == 5
    assert ImportBatch.objects.get().org == general


def test_it_refuses_a_parent_outside_the_actors_scope_like_a_missing_one(personas, county):
    errors = refused(
        OrganisationImporter(actor=personas.township_a),
        orgs_file([org_row("中共B2村支部委员会", "中共B镇委员会")]),
    )
    assert errors == [
        "第 2 行“上级组织全称”列：找不到组织“中共B镇委员会”：请填写系统中您有权管理的党组织全称（可从组织列表复制）。"
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"组织全称": A1}, "第 2 行“组织全称”列：系统中已有同名组织，请勿重复导入。"),
        ({"上级组织全称": ""}, "第 2 行“上级组织全称”列：必填，不能为空"),
        ({"组织类别": "支部"}, "第 2 行“组织类别”列：“支部”不在可选值中"),
        (
            {"统一社会信用代码": "91350100M000100Y44"},
            "第 2 行“统一社会信用代码”列：统一社会信用代码校验位不正确",
        ),
        (
            {"成立日期": "2020-01-01", "本届委员会选举日期": "2019-01-01"},
            "第 2 行“本届委员会选举日期”列：换届日期不能早于成立日期",
        ),
        ({"任期年限": "三年"}, "第 2 行“任期年限”列：“三年”不是整数"),
    ],
)
def test_it_refuses_a_bad_organisation_row(personas, county, cells, expected):
    rows = [org_row("中共A9村支部委员会", "中共A镇委员会", **cells)]
    errors = refused(OrganisationImporter(actor=personas.township_a), orgs_file(rows))
    assert any(e.startswith(expected) for e in errors), errors


def test_it_refuses_a_name_given_twice_in_one_file(personas, county):
    rows = [org_row("中共A9村支部委员会", "中共A镇委员会"), org_row("中共A9村支部委员会", "中共A镇委员会")]
    errors = refused(OrganisationImporter(actor=personas.township_a), orgs_file(rows))
    assert errors == ["第 3 行“组织全称”列：与第 2 行的组织全称重复。"]


# ------------------------------------------------------------------ round trip


def _tree_with_same_names(county):
    town = make_org(county.county, "中共C镇委员会", kind=OrgKind.TOWNSHIP_COMMITTEE)
    return make_org(town, "中共C1村支部委员会"), make_org(town, "中共C2村支部委员会")


def test_an_unmasked_export_imports_cleanly_into_a_fresh_tree_with_the_same_names(personas, county):
    with transaction.atomic():
        c1, c2 = _tree_with_same_names(county)
        make_person(c1, "张三", education="bachelor", job="farmer", phone="13900000000")
        make_person(c2, "李四", male=False, category="probationary", converted_on=None)
        make_person(
            c2,
            "王二",
            lost_contact=True,
            lost_contact_on=date(2025, 3, 1),
            mobile=True,
            mobile_destination="广东深圳",
            standing="suspended",
        )
        exported = Person.objects.visible_to(personas.county_admin)
        content = export_people(exported, user=personas.county_admin, unmask=True)
        transaction.set_rollback(True)  # back to a database without that tree and its people
    assert not Person.objects.exists()
    _tree_with_same_names(county)

    preview = MemberImporter(actor=personas.county_admin).preview(upload(content))

    assert preview.ok, messages_of(preview)
    by_name = {r.values["name"]: r.values for r in preview.rows}
    assert sorted(by_name) == ["张三", "李四", "王二"]
    assert by_name["李四"]["category"] == "probationary" and by_name["李四"]["sex"] == "F"
    assert (
        by_name["王二"]["lost_contact_on"] == date(2025, 3, 1) and by_name["王二"]["standing"] == "suspended"
    )
    assert by_name["张三"]["job"] == "farmer" and by_name["张三"]["org_name"] == "中共C1村支部委员会"


def test_a_masked_export_cannot_be_imported_again(personas, county, people):
    content = export_people(
        Person.objects.visible_to(personas.township_a), user=personas.township_a, unmask=True
    )
    book = load_workbook(io.BytesIO(content))
    assert "*" in book.active.cell(row=2, column=4).value  # the township may not unmask
    errors = [str(e) for e in MemberImporter(actor=personas.township_a).preview(upload(content)).errors]
    assert all("身份证号已脱敏，无法导入" in e for e in errors) and len(errors) == 2


# ------------------------------------------------------------------ management commands


def _write(tmp_path, file) -> str:
    path = tmp_path / file.name
    path.write_bytes(file.read())
    return str(path)


def test_import_members_command_writes_a_good_file_and_exits_zero(personas, county, tmp_path, capsys):
    path = _write(tmp_path, members_file([member_row(A1), member_row(B1)]))
    call_command("import_members", path)
    assert Person.objects.count() == 2
    assert "已导入 2 行" in capsys.readouterr().out


def test_import_members_command_lists_problems_in_chinese_and_writes_nothing(
    personas, county, tmp_path, capsys
):
    path = _write(tmp_path, members_file([member_row(A1), member_row(B1, 姓名="")]))
    before = counts()
    with pytest.raises(CommandError, match="共 1 个问题，未写入任何数据"):
        call_command("import_members", path)
    assert counts() == before
    assert "第 3 行“姓名”列：必填，不能为空" in capsys.readouterr().err


def test_import_members_command_exits_non_zero_from_the_shell(personas, county, tmp_path, capsys):
    from django.core.management import execute_from_command_line

    path = _write(tmp_path, members_file([member_row(A1, 公民身份号码="123")]))
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "import_members", path, "--dry-run"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "第 2 行“公民身份号码”列：身份证号应为 18 位" in err and "共 1 个问题，未写入任何数据" in err


def test_import_members_dry_run_only_checks(personas, county, tmp_path, capsys):
    path = _write(tmp_path, members_file([member_row(A1)]))
    call_command("import_members", path, "--dry-run")
    assert Person.objects.count() == 0
    assert "检查通过：1 行可以导入（未写入）" in capsys.readouterr().out


def test_import_members_as_a_township_treats_the_other_township_as_unknown(
    personas, county, tmp_path, capsys
):
    path = _write(tmp_path, members_file([member_row(B1)]))
    with pytest.raises(CommandError):
        call_command("import_members", path, "--as", "ta_sec")
    assert Person.objects.count() == 0
    assert f"找不到组织“{B1}”" in capsys.readouterr().err


def test_import_as_a_user_without_the_import_right_is_refused(personas, county, tmp_path):
    path = _write(tmp_path, members_file([member_row(A1)]))
    with pytest.raises(CommandError, match="没有导入名册的权限"):
        call_command("import_members", path, "--as", "a1_sec")


def test_import_orgs_command_creates_the_tree_and_records_the_actor(personas, county, tmp_path):
    path = _write(tmp_path, orgs_file([org_row("中共A3村支部委员会", "中共A镇委员会")]))
    call_command("import_orgs", path, "--as", "ta_sec")
    assert Organisation.objects.get(name="中共A3村支部委员会").path[:-4] == county.township_a.path
    assert ImportBatch.objects.get().actor == personas.township_a
    assert (
        LogEntry.objects.filter(additional_data__event__startswith="导入党组织").get().actor
        == personas.township_a
    )


def test_import_orgs_command_refuses_a_bad_file(personas, county, tmp_path):
    path = _write(tmp_path, orgs_file([org_row("中共A3村支部委员会", "中共A9镇委员会")]))
    before = counts()
    with pytest.raises(CommandError):
        call_command("import_orgs", path)
    assert counts() == before


def test_export_members_command_writes_the_roster(county, people, tmp_path):
    target = tmp_path / "out.xlsx"
    call_command("export_members", str(target), "--org", str(county.township_a.pk))
    sheet = load_workbook(target).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["张三", "李四"]


# ------------------------------------------------------------------ web flow


@pytest.fixture
def pending_dir(tmp_path, settings):
    settings.IMPORT_PENDING_DIR = str(tmp_path / "pending")
    return tmp_path / "pending"


def _login(client, user):
    client.force_login(user)


def test_upload_preview_and_confirm_write_the_file(client, personas, county, pending_dir):
    _login(client, personas.township_a)
    url = reverse("orgs:import_upload", kwargs={"kind": "members"})
    response = client.post(url, {"file": members_file([member_row(A1), member_row(A2)])})
    assert response.status_code == 200
    assert "未发现问题：2 行可以导入" in response.content.decode()
    assert Person.objects.count() == 0
    assert len(list(pending_dir.iterdir())) == 1

    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"}), follow=True)
    assert "已从 党员名册.xlsx 导入 2 行" in response.content.decode()
    assert Person.objects.count() == 2
    assert list(pending_dir.iterdir()) == []


def test_the_preview_lists_every_problem_by_row_and_column_and_offers_no_confirmation(
    client, personas, county, pending_dir
):
    _login(client, personas.township_a)
    url = reverse("orgs:import_upload", kwargs={"kind": "members"})
    response = client.post(
        url, {"file": members_file([member_row(A1, 姓名=""), member_row(B1)])}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<td>2</td><td>姓名</td><td>必填，不能为空</td>" in html
    assert f"<td>3</td><td>所在党支部</td><td>找不到组织“{B1}”" in html
    assert "确认导入" not in html and "<html" not in html  # the partial alone
    assert client.session.get("import_pending") is None
    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"}), follow=True)
    assert "上传的文件已过期或已不存在，请重新上传。" in response.content.decode()
    assert Person.objects.count() == 0


def test_confirm_refuses_when_the_kept_file_is_gone(client, personas, county, pending_dir):
    _login(client, personas.township_a)
    client.post(
        reverse("orgs:import_upload", kwargs={"kind": "members"}), {"file": members_file([member_row(A1)])}
    )
    for kept in pending_dir.iterdir():
        kept.unlink()
    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"}), follow=True)
    assert "上传的文件已过期或已不存在，请重新上传。" in response.content.decode()
    assert Person.objects.count() == 0


def test_confirm_refuses_an_expired_or_forged_ticket(client, personas, county, pending_dir, settings):
    _login(client, personas.township_a)
    client.post(
        reverse("orgs:import_upload", kwargs={"kind": "members"}), {"file": members_file([member_row(A1)])}
    )
    session = client.session
    ticket = session["import_pending"]
    ticket["token"] = ticket["token"][:-2] + "xx"
    session["import_pending"] = ticket
    session.save()
    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"}), follow=True)
    assert "上传的文件已过期或已不存在" in response.content.decode()

    client.post(
        reverse("orgs:import_upload", kwargs={"kind": "members"}), {"file": members_file([member_row(A1)])}
    )
    settings.IMPORT_PENDING_MAX_AGE = -1
    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"}), follow=True)
    assert "上传的文件已过期或已不存在" in response.content.decode()
    assert Person.objects.count() == 0


def test_confirm_writes_nothing_when_the_database_changed_since_the_preview(
    client, personas, county, pending_dir
):
    _login(client, personas.township_a)
    number = make_id()
    client.post(
        reverse("orgs:import_upload", kwargs={"kind": "members"}),
        {"file": members_file([member_row(A1), member_row(A1, 公民身份号码=number)])},
    )
    services.build_person(
        org=county.village_b1, id_number=number, name="王五", joined_on=date(2005, 7, 1)
    ).save()
    # The write runs as a job: it checks the file again, refuses it, and its page says why, by row and column.
    response = client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"}), follow=True)
    html = response.content.decode()
    assert 'data-state="failed"' in html
    # Registered in another township meanwhile: refused with the neutral message, nothing written.
    assert UNREGISTRABLE in html
    assert "王五" not in html
    assert Person.objects.count() == 1
    assert list(pending_dir.iterdir()) == []


def test_import_pages_need_the_import_right(client, personas, county, pending_dir):
    _login(client, personas.village_a1)  # a branch secretary manages people but may not import
    assert client.get(reverse("orgs:import_upload", kwargs={"kind": "members"})).status_code == 403
    assert client.get(reverse("orgs:import_template", kwargs={"kind": "orgs"})).status_code == 403
    assert client.post(reverse("orgs:import_confirm", kwargs={"kind": "members"})).status_code == 403
    client.logout()
    response = client.get(reverse("orgs:import_upload", kwargs={"kind": "members"}))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_unknown_import_kind_is_not_found(client, personas, county):
    _login(client, personas.township_a)
    assert client.get(reverse("orgs:import_upload", kwargs={"kind": "ledger"})).status_code == 404


def test_the_template_has_the_contract_headers_with_notes(client, personas, county):
    _login(client, personas.township_a)
    response = client.get(reverse("orgs:import_template", kwargs={"kind": "members"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers == MEMBER_HEADERS
    assert headers[:8] == [
        "姓名",
        "性别",
        "民族",
        "公民身份号码",
        "出生日期",
        "学历",
        "人员类别",
        "所在党支部",
    ]
    assert sheet["D1"].comment.text.startswith("必填。18 位公民身份号码")
    org_sheet = load_workbook(
        io.BytesIO(client.get(reverse("orgs:import_template", kwargs={"kind": "orgs"})).content)
    ).active
    assert org_sheet["A1"].value == "组织全称" and org_sheet["C1"].value == "上级组织全称"


def test_the_upload_page_works_without_javascript(client, personas, county):
    _login(client, personas.township_a)
    html = client.get(reverse("orgs:import_upload", kwargs={"kind": "orgs"})).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'method="post"' in html
    assert "导入党组织" in html


def test_an_id_number_registered_between_check_and_write_stops_the_whole_write(personas, county):
    number = make_id()
    importer = MemberImporter(actor=personas.township_a)
    preview = importer.preview(members_file([member_row(A1), member_row(A2, 公民身份号码=number)]))
    assert preview.ok
    services.build_person(
        org=county.village_b1, id_number=number, name="王五", joined_on=date(2005, 7, 1)
    ).save()
    before = counts()
    with pytest.raises(ImportRefused) as exc, transaction.atomic():
        importer.write(preview.rows)
    assert [str(e) for e in exc.value.errors] == [
        "文件：检查之后系统中已登记了文件中的某个身份证号，未写入任何数据，请重新上传检查。"
    ]
    assert counts() == before


def test_an_htmx_upload_without_a_file_shows_the_form_error_in_the_panel(client, personas, county):
    _login(client, personas.township_a)
    response = client.post(
        reverse("orgs:import_upload", kwargs={"kind": "members"}), {}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "该字段是必填项。" in html and "<html" not in html
    assert Person.objects.count() == 0


def test_an_organisation_export_imports_again_into_a_tree_without_those_organisations(personas, county):
    with transaction.atomic():
        town = make_org(
            county.county,
            "中共C镇委员会",
            kind=OrgKind.TOWNSHIP_COMMITTEE,
            short_name="C镇党委",
            founded_on=date(1990, 1, 1),
        )
        make_org(town, "中共C1村支部委员会", credit_code="91350100M000100Y43", term_years=5)
        content = export_organisations(Organisation.objects.filter(path__startswith=town.path))
        transaction.set_rollback(True)
    assert not Organisation.objects.filter(name="中共C镇委员会").exists()

    _preview, count = OrganisationImporter(actor=personas.county_admin).run(upload(content, "党组织.xlsx"))

    assert count == 2
    town = Organisation.objects.get(name="中共C镇委员会")
    village = Organisation.objects.get(name="中共C1村支部委员会")
    assert town.path[:-4] == county.county.path and village.path[:-4] == town.path
    assert (town.short_name, town.kind, town.founded_on) == (
        "C镇党委",
        OrgKind.TOWNSHIP_COMMITTEE,
        date(1990, 1, 1),
    )
    assert (village.credit_code, village.term_years) == ("91350100M000100Y43", 5)


def test_a_joint_branch_imports_the_units_it_covers_and_a_plain_branch_may_not_list_any(personas, county):
    row = org_row(
        "中共A镇园区联合支部", "中共A镇委员会", 组织类别="联合党支部", 联合支部覆盖单位="甲公司、乙公司，丙厂"
    )
    importer = OrganisationImporter(actor=personas.township_a, context={"filename": "组织.xlsx"})
    _preview, count = importer.run(orgs_file([row]))
    joint = Organisation.objects.get(name="中共A镇园区联合支部")
    assert count == 1 and joint.joint_unit_names == ["甲公司", "乙公司", "丙厂"]
    # The export writes them back in the same column, so the file imports again.
    sheet = load_workbook(io.BytesIO(export_organisations(Organisation.objects.filter(pk=joint.pk)))).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=False))
    assert values["联合支部覆盖单位"] == "甲公司、乙公司、丙厂"
    errors = refused(
        OrganisationImporter(actor=personas.township_a),
        orgs_file([org_row("中共A9村支部委员会", "中共A镇委员会", 联合支部覆盖单位="甲公司")]),
    )
    assert errors == ["第 2 行“联合支部覆盖单位”列：只有联合支部才填写覆盖单位。"]
