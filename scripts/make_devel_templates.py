"""Write the development module's default Word templates (run after changing one; commit the .docx).

Usage: .venv/bin/python scripts/make_devel_templates.py

Kinds declared on ``dangjian.devel.apps.DevelConfig.documents``: the public notice (公示), the higher
committee's reply (预审/审批意见) and the file index (发展党员档案目录). The helpers are those of
``make_document_templates.py`` so the documents look alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from make_document_templates import ROOT, _document, _row, _save, _title

OUT = ROOT / "dangjian/devel/documents"


def public_notice(path: Path) -> None:
    doc = _document()
    _title(doc, "{{ title }}")
    doc.add_paragraph("经{{ org }}研究，拟将{{ name }}同志{{ purpose }}，现将有关情况公示如下：")
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in (
        ("姓名", "{{ name }}"),
        ("性别", "{{ sex }}"),
        ("民族", "{{ ethnicity }}"),
        ("出生年月", "{{ born }}"),
        ("学历", "{{ education }}"),
        ("申请入党时间", "{{ applied_on }}"),
        ("确定为入党积极分子时间", "{{ activist_on }}"),
        ("确定为发展对象时间", "{{ candidate_on }}"),
    ):
        _row(table, label, value)
    doc.add_paragraph()
    doc.add_paragraph("公示时间：{{ starts_on }}至{{ ends_on }}（{{ working_days }}个工作日）。")
    doc.add_paragraph("公示范围：{{ place }}。")
    doc.add_paragraph(
        "公示期间，党员和群众可通过来信、来电、来访等方式向{{ org }}或{{ higher_org }}反映情况。"
        "反映问题应实事求是，以真实姓名反映。"
    )
    sign = doc.add_paragraph("{{ org }}\n{{ printed_on }}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def approval_reply(path: Path) -> None:
    doc = _document()
    _title(doc, "{{ title }}")
    doc.add_paragraph("{{ org }}：")
    doc.add_paragraph(
        "你支部{{ vote_on }}关于{{ name }}同志的{{ subject }}材料收悉。"
        "{% if entitled %}支部大会应到会有表决权党员{{ entitled }}名，"
        "实到{{ present }}名，赞成{{ votes_for }}票。{% endif %}"
    )
    doc.add_paragraph("经{{ higher_org }}{{ done_on }}研究，{{ decision }}")
    doc.add_paragraph("{{ particulars }}")
    sign = doc.add_paragraph("{{ higher_org }}\n{{ done_on }}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def file_index(path: Path) -> None:
    doc = _document()
    _title(doc, "发展党员档案目录")
    p = doc.add_paragraph("{{ org }}　{{ name }}（{{ id_masked }}）")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "步骤", "日期", "材料"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = "{%tr for s in steps %}"
    row = table.add_row().cells
    for cell, text in zip(
        row, ("{{ s.number }}", "{{ s.label }}", "{{ s.dates }}", "{{ s.documents }}"), strict=True
    ):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()
    doc.add_paragraph("当前步骤：{{ status }}")
    footer = doc.add_paragraph("打印日期：{{ printed_on }}")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


TEMPLATES = {
    OUT / "public_notice.docx": public_notice,
    OUT / "approval_reply.docx": approval_reply,
    OUT / "file_index.docx": file_index,
}


def main() -> int:
    for path, build in TEMPLATES.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
