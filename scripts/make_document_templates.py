"""Write the default Word templates the platform ships (run after changing one; commit the .docx).

Usage: .venv/bin/python scripts/make_document_templates.py

Each template is plain python-docx output with docxtpl placeholders ({{ field }}, and
{%tr for … %} rows), so it opens in Word and WPS and an office can restyle it freely.
The fields must match the document kind declared on the app's ModuleConfig; the test
suite checks that they do.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
FONT = "宋体"


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.core_properties.created = doc.core_properties.modified = datetime(2026, 1, 1)  # noqa: DTZ001
    doc.core_properties.author = doc.core_properties.last_modified_by = "dangjian"
    return doc


def _title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(18)
    run.font.name = "黑体"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")


def _row(table, label: str, value: str) -> None:
    cells = table.add_row().cells
    cells[0].text = label
    cells[0].paragraphs[0].runs[0].bold = True
    cells[0].width = Cm(3.6)
    merged = cells[1].merge(cells[3])
    merged.text = value


def item_closure(path: Path) -> None:
    """The ledger's 整改事项销号审批表 (kind ``ledger.item_closure``)."""
    doc = _document()
    _title(doc, "整改事项销号审批表")
    p = doc.add_paragraph("清单：{{ list_title }}（{{ issuing_org }}下达）")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in (
        ("事项编号", "{{ number }}"),
        ("问题（任务）", "{{ title }}"),
        ("具体表现", "{{ description }}"),
        ("责任单位", "{{ org }}"),
        ("责任领导", "{{ responsible_leader }}"),
        ("责任人", "{{ responsible_person }}"),
        ("督办单位", "{{ supervisor_org }}"),
        ("下达日期", "{{ issued_on }}"),
        ("整改时限", "{{ deadline }}"),
        ("整改措施", "{{ measures }}"),
    ):
        _row(table, label, value)
    doc.add_paragraph()
    doc.add_paragraph("整改进展").runs[0].bold = True
    progress = doc.add_table(rows=1, cols=3)
    progress.style = "Table Grid"
    for cell, text in zip(progress.rows[0].cells, ("日期", "进展情况", "完成比例"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    # docxtpl repeats the middle row once per entry; the {%tr %} rows themselves disappear.
    progress.add_row().cells[0].text = "{%tr for p in progress %}"
    row = progress.add_row().cells
    row[0].text, row[1].text, row[2].text = "{{ p.on }}", "{{ p.text }}", "{{ p.percent }}%"
    progress.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()
    doc.add_paragraph(
        "佐证材料：{% for name in evidence %}{{ name }}{% if not loop.last %}、{% endif %}{% endfor %}"
    )
    doc.add_paragraph()
    sign = doc.add_table(rows=0, cols=4)
    sign.style = "Table Grid"
    _row(sign, "申请销号日期", "{{ closure_requested_on }}")
    _row(sign, "审核销号日期", "{{ closed_on }}")
    _row(sign, "审核人", "{{ verifier }}")
    _row(sign, "督办单位意见", "\n\n（盖章）　　　　年　　月　　日")
    footer = doc.add_paragraph("打印日期：{{ printed_on }}")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def ledger(path: Path) -> None:
    """The ledger's 整改落实情况台账 on A4 landscape (kind ``ledger.ledger``), with signature lines."""
    from docx.enum.section import WD_ORIENT

    doc = _document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(2.0)
    _title(doc, "{{ title }}")
    p = doc.add_paragraph("填报单位：{{ org }}　　截至日期：{{ as_of }}　　制表人：{{ prepared_by }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    headers = ("序号", "问题描述", "责任单位", "责任人", "整改时限", "完成情况", "销号日期", "审核人")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    # The header row repeats on every printed page.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = header_props.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    header_props.append(repeat)
    table.add_row().cells[0].text = "{%tr for r in rows %}"
    cells = table.add_row().cells
    for cell, text in zip(
        cells,
        (
            "{{ r.number }}",
            "{{ r.title }}",
            "{{ r.org }}",
            "{{ r.person }}",
            "{{ r.deadline }}",
            "{{ r.completion }}",
            "{{ r.closed_on }}",
            "{{ r.verifier }}",
        ),
        strict=True,
    ):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()
    sign = doc.add_paragraph("制表人（签字）：＿＿＿＿＿＿　　审核人（签字）：＿＿＿＿＿＿　　单位（盖章）")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("　　年　　月　　日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def _save(doc, path: Path) -> None:
    """Save with fixed dates inside the zip, so that running the script again changes nothing in git."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


TEMPLATES = {
    ROOT / "dangjian/ledger/documents/item_closure.docx": item_closure,
    ROOT / "dangjian/ledger/documents/ledger.docx": ledger,
}


def main() -> int:
    for path, build in TEMPLATES.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
