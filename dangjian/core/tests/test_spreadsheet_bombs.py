"""A small file cannot make a reader allocate gigabytes (issue 7, finding 3).

Every upload path that reads a spreadsheet — the roster import (members and organisations),
the list item import and the import commands — passes ``core.spreadsheets.check_workbook``
first. The bombs here are a few KB, written as raw XML in a zip; the reader is replaced by
a trap, so a test that fails reports the trap instead of allocating hundreds of GB.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.core.exports import read_numbered_rows
from dangjian.core.spreadsheets import Limits, SpreadsheetRefused, check_workbook
from dangjian.ledger.models import Item
from dangjian.ledger.tests.test_pages import build_world
from dangjian.orgs.models import Organisation, Person

pytestmark = pytest.mark.django_db

TOO_BIG = "表格超过 200000 行 / 60 列，请拆分后上传。"
UNREADABLE = "无法读取文件：它不是有效的 Excel 文件"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="党员" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)


def xlsx(
    cells: dict[str, str], *, dimension: str = "A1", extra: dict[str, bytes] | None = None, rows_xml: str = ""
) -> bytes:
    """A workbook whose first sheet holds exactly ``cells`` ({"A1": "姓名", ...}), written as raw XML, then
    ``rows_xml`` (rows written by hand)."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    sheet_data = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items())) + rows_xml
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ods(rows_xml: str) -> bytes:
    """An OpenDocument spreadsheet whose first table holds ``rows_xml``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="S">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def ods_cell(value: str, repeated: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeated}" office:value-type="string">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


BOMBS = {
    "A1 and XFD1048576": lambda: xlsx({"A1": "姓名", "XFD1048576": "x"}),
    "A1 and ZZ100000": lambda: xlsx({"A1": "姓名", "ZZ100000": "x"}),
    "a declared dimension of the whole sheet": lambda: xlsx({"A1": "姓名"}, dimension="A1:XFD1048576"),
    "one row repeated a million times (.ods)": lambda: ods(
        f'<table:table-row table:number-rows-repeated="1048576">{ods_cell("x", 16384)}</table:table-row>'
    ),
}


@pytest.fixture
def reader_trap(monkeypatch):
    """The spreadsheet reader may not be reached by a refused file; a test that reaches it fails here."""
    from python_calamine import CalamineWorkbook

    reached = []

    def trap(*args, **kwargs):
        reached.append(True)
        raise AssertionError("the reader was handed a file the guard should have refused")

    monkeypatch.setattr(CalamineWorkbook, "from_filelike", trap)
    return reached


def messages(upload) -> list[str]:
    return [str(e) for e in read_numbered_rows(upload)[1]]


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_the_reader_refuses_a_sheet_larger_than_the_caps_without_reading_it(bomb, reader_trap):
    data = BOMBS[bomb]()
    assert len(data) < 5000  # a few KB that would ask for gigabytes
    suffix = ".ods" if "ods" in bomb else ".xlsx"
    assert messages(SimpleUploadedFile(f"名册{suffix}", data)) == [f"文件：{TOO_BIG}"]
    assert not reader_trap


def test_styled_empty_cells_do_not_count_but_a_filled_one_among_them_does():
    """Excel and WPS write formatted blanks as empty elements (``<c r=… s=…/>``), which readers skip: a sheet
    of them reaching the last cell is read; one filled cell among them, out there, is refused."""
    from dangjian.core.spreadsheets import SpreadsheetRefused, check_workbook

    blanks = '<row r="1048576"><c r="XFD1048576" s="1"/><c r="ZZ1048576" s="2"/></row>'
    check_workbook(xlsx({"A1": "姓名", "B2": "张三"}, rows_xml=blanks), ".xlsx")
    filled = (
        '<row r="1048575"><c r="C1048575" s="1"/><c r="D1048575" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    with pytest.raises(SpreadsheetRefused):
        check_workbook(xlsx({"A1": "姓名"}, rows_xml=filled + blanks), ".xlsx")
    wide = '<row r="3"><c r="C3" s="1"/><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(SpreadsheetRefused):
        check_workbook(xlsx({"A1": "姓名"}, rows_xml=wide), ".xlsx")


# Cell tags the reader takes at XFD1048576 (17 billion cells: the process dies asking for 512 GB), each
# written so that a scan reading tags loosely would see an empty cell or row 1 instead.
HIDDEN_FAR_CELLS = {
    "a value holding “/>”": '<c r="XFD1048576" x="/>" t="n"><v>1</v></c>',
    "a style holding “/>”": '<c r="XFD1048576" s="/>"><v>1</v></c>',
    "a second reference": '<c r="C3" r="XFD1048576" t="n"><v>1</v></c>',
    "a second reference after a space": '<c r="C3"  r="XFD1048576"><v>1</v></c>',
    "leading zeros": '<c r="XFD0001048576" t="n"><v>1</v></c>',
    "a reference not first": '<c t="n" r="XFD1048576"><v>1</v></c>',
}


@pytest.mark.parametrize("tag", list(HIDDEN_FAR_CELLS))
def test_a_far_cell_hidden_in_an_unusual_tag_is_refused_without_reading_it(tag, reader_trap):
    data = xlsx({"A1": "姓名", "B2": "张三"}, rows_xml=f'<row r="3">{HIDDEN_FAR_CELLS[tag]}</row>')
    (message,) = messages(SimpleUploadedFile("名册.xlsx", data))
    assert message in (f"文件：{TOO_BIG}", f"文件：{UNREADABLE}，请用模板另存为 .xlsx 后重试。")
    assert not reader_trap


def test_too_many_cells_are_refused_even_within_the_row_and_column_caps(reader_trap, settings):
    settings.IMPORT_MAX_CELLS = 1000
    data = xlsx({"A1": "姓名", "AX100": "x"})  # 100 rows × 50 columns
    assert messages(SimpleUploadedFile("名册.xlsx", data)) == [
        "文件：表格超过 1000 个单元格（100 行 × 50 列），请拆分后上传。"
    ]
    assert not reader_trap


def test_a_zip_bomb_is_refused_from_the_sizes_in_its_directory(reader_trap, settings):
    settings.IMPORT_MAX_UNZIPPED_MB = 1
    data = xlsx({"A1": "姓名"}, extra={"xl/sharedStrings.xml": b"\0" * (2 * 1024 * 1024)})
    assert len(data) < 10_000
    assert messages(SimpleUploadedFile("名册.xlsx", data)) == [
        "文件：文件解压后超过 1 MB，不是普通的表格文件。请把数据复制到新的 .xlsx 文件中再上传。"
    ]
    assert not reader_trap


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not a spreadsheet",
        b"PK\x03\x04 a truncated zip",
        xlsx({"A1": "x"})[:200],
    ],
    ids=["pdf", "broken zip", "cut short"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(data, reader_trap):
    assert messages(SimpleUploadedFile("名册.xlsx", data)) == [
        f"文件：{UNREADABLE}，请用模板另存为 .xlsx 后重试。"
    ]
    assert not reader_trap


def test_a_zip_that_is_not_a_workbook_is_refused(reader_trap):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert UNREADABLE in messages(SimpleUploadedFile("名册.xlsx", buffer.getvalue()))[0]
    assert not reader_trap


def test_a_sheet_with_a_document_type_declaration_is_refused(reader_trap):
    data = xlsx({"A1": "x"})
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert UNREADABLE in messages(SimpleUploadedFile("名册.xlsx", buffer.getvalue()))[0]
    assert not reader_trap


def test_an_old_xls_file_is_refused_with_a_request_to_save_it_as_xlsx(reader_trap):
    (message,) = messages(SimpleUploadedFile("名册.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500))
    assert "另存为” .xlsx 后重新上传" in message
    assert not reader_trap


def test_sheets_within_the_caps_are_read_row_by_row_with_the_numbers_excel_shows():
    rows, errors = read_numbered_rows(SimpleUploadedFile("名册.xlsx", xlsx({"B3": "姓名", "C5": "张三"})))
    assert errors == []
    assert [number for number, _cells in rows] == [3, 5]
    assert rows[1][1][-1] == "张三"
    sheet = ods(
        f"<table:table-row>{ods_cell('姓名')}<table:table-cell table:number-columns-repeated='1022'/>"
        "</table:table-row><table:table-row table:number-rows-repeated='1048575'>"
        "<table:table-cell table:number-columns-repeated='1024'/></table:table-row>"
    )
    # LibreOffice pads every sheet with a million empty repeated rows: they are not counted.
    rows, errors = read_numbered_rows(SimpleUploadedFile("名册.ods", sheet))
    assert errors == [] and rows == [(1, ["姓名"])]


def test_the_caps_come_from_the_settings(settings):
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(SpreadsheetRefused, match="表格超过 10 行 / 60 列"):
        check_workbook(xlsx({"A1": "姓名", "A11": "x"}), ".xlsx")
    check_workbook(xlsx({"A1": "姓名", "A10": "x"}), ".xlsx", Limits.from_settings())


# ------------------------------------------------------------------ every upload path


def test_the_roster_import_pages_refuse_a_bomb_and_write_nothing(client, personas, county, reader_trap):
    client.force_login(personas.township_a)
    before = (Person.objects.count(), Organisation.objects.count())
    for kind in ("members", "orgs"):
        response = client.post(
            reverse("orgs:import_upload", kwargs={"kind": kind}),
            {"file": SimpleUploadedFile("名册.xlsx", BOMBS["A1 and XFD1048576"]())},
        )
        assert TOO_BIG in response.content.decode()
        assert "orgs_import_pending" not in client.session
    assert (Person.objects.count(), Organisation.objects.count()) == before
    assert not reader_trap


def test_the_list_item_import_refuses_a_bomb_and_writes_nothing(client, personas, county, reader_trap):
    world = build_world(personas, county)
    client.force_login(personas.township_a)
    before = Item.objects.count()
    response = client.post(
        reverse("ledger:import_upload", args=[world.list_a.pk]),
        {"file": SimpleUploadedFile("清单.xlsx", BOMBS["A1 and ZZ100000"]())},
    )
    assert TOO_BIG in response.content.decode()
    assert Item.objects.count() == before
    assert not reader_trap


@pytest.mark.parametrize("command", ["import_members", "import_orgs"])
def test_the_import_commands_refuse_a_bomb_and_write_nothing(
    command, personas, county, tmp_path, reader_trap, capsys
):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(BOMBS["A1 and XFD1048576"]())
    before = (Person.objects.count(), Organisation.objects.count())
    with pytest.raises(CommandError):
        call_command(command, str(path))
    assert TOO_BIG in capsys.readouterr().err
    assert (Person.objects.count(), Organisation.objects.count()) == before
    assert not reader_trap
