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


def _list_table(doc, headers: tuple, loop: str, cells: tuple) -> None:
    """A table with a header row and one row repeated per entry of ``loop`` (docxtpl ``{%tr %}``)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = "{%tr for " + loop + " %}"
    row = table.add_row().cells
    for cell, text in zip(row, cells, strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"


def talk_record(path: Path) -> None:
    """The talks module's 谈话记录 (kind ``talks.talk_record``)."""
    doc = _document()
    _title(doc, "谈话记录")
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in (
        ("谈话类型", "{{ kind }}"),
        ("组织单位", "{{ organiser }}"),
        ("谈话时间", "{{ held_on }}"),
        ("谈话地点", "{{ place }}"),
        ("谈话人", "{{ talker }}"),
        ("谈话对象", "{{ talkee }}"),
        ("记录人", "{{ recorder }}"),
        ("谈话主题", "{% for t in topics %}{{ t }}{% if not loop.last %}、{% endif %}{% endfor %}"),
        ("谈话内容", "{{ content }}"),
        ("本人表态", "{{ statement }}"),
    ):
        _row(table, label, value)
    doc.add_paragraph()
    doc.add_paragraph("通报问题").runs[0].bold = True
    _list_table(
        doc,
        ("问题", "来源", "整改时限"),
        "p in problems",
        ("{{ p.title }}", "{{ p.source }}", "{{ p.deadline }}"),
    )
    doc.add_paragraph()
    doc.add_paragraph("领导点评").runs[0].bold = True
    _list_table(doc, ("点评人", "点评意见"), "c in comments", ("{{ c.leader }}", "{{ c.text }}"))
    doc.add_paragraph()
    doc.add_paragraph("承诺事项").runs[0].bold = True
    _list_table(doc, ("承诺", "完成时限"), "c in commitments", ("{{ c.text }}", "{{ c.deadline }}"))
    doc.add_paragraph()
    doc.add_paragraph("补充说明").runs[0].bold = True
    _list_table(
        doc, ("内容", "补充人", "时间"), "a in addenda", ("{{ a.text }}", "{{ a.author }}", "{{ a.at }}")
    )
    doc.add_paragraph()
    doc.add_paragraph("谈话对象签字：　　　　　　　　谈话人签字：　　　　　　　　记录人签字：")
    footer = doc.add_paragraph("打印日期：{{ printed_on }}")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def campaign_summary(path: Path) -> None:
    """The talks module's 谈话工作情况汇总表 (kind ``talks.campaign_summary``)."""
    doc = _document()
    _title(doc, "{{ title }}")
    p = doc.add_paragraph("组织单位：{{ org }}　　时间：{{ window }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("应谈 {{ total }} 人，已谈 {{ talked }} 人。")
    _list_table(
        doc,
        ("谈话对象", "所在组织", "谈话日期", "通报问题", "承诺事项", "状态"),
        "r in rows",
        (
            "{{ r.name }}",
            "{{ r.org }}",
            "{{ r.held_on }}",
            "{{ r.problems }}",
            "{{ r.commitments }}",
            "{{ r.state }}",
        ),
    )
    footer = doc.add_paragraph("打印日期：{{ printed_on }}")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def review_result_notice(path: Path) -> None:
    """The evaluation module's 述职评议结果通报 (kind ``reviews.result_notice``)."""
    doc = _document()
    _title(doc, "关于{{ year }}年度党组织书记抓基层党建工作述职评议结果的通报")
    doc.add_paragraph(
        "{{ held_on }}，{{ host }}召开{{ title }}{% if venue %}（{{ venue }}）{% endif %}，"
        "{{ reporter_count }}名党组织书记现场述职，接受现场质询、点评和测评打分。现将测评结果通报如下："
    )
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("名次", "单位", "书记", "加权总分", "综合等次"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = "{%tr for r in rows %}"
    row = table.add_row().cells
    row[0].text, row[1].text, row[2].text = "{{ r.rank }}", "{{ r.org }}", "{{ r.secretary }}"
    row[3].text, row[4].text = "{{ r.total }}", "{{ r.grade }}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()
    doc.add_paragraph("计分方法：{{ method }}")
    doc.add_paragraph("选票摘要（SHA-256）：{{ digest }}（可据匿名选票导出表复核）")
    doc.add_paragraph("各单位要对照述职评议中查摆和交办的问题，逐项制定整改措施，按期整改销号。")
    doc.add_paragraph()
    footer = doc.add_paragraph("{{ host }}\n{{ printed_on }}")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path)


def briefing(path: Path) -> None:
    """The monthly briefing 逐月通报 (kind ``supervision.briefing``)."""
    doc = _document()
    _title(doc, "{{ org }}")
    p = doc.add_paragraph("{{ number }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _title(doc, "{{ title }}")
    doc.add_paragraph("{{ summary }}")
    doc.add_paragraph("一、{{ ranking_title }}排名情况（{{ period }}）").runs[0].bold = True
    _list_table(
        doc,
        ("名次", "单位", "得分", "较上月"),
        "r in ranking_rows",
        ("{{ r.rank }}", "{{ r.org }}", "{{ r.score }}", "{{ r.move }}"),
    )
    doc.add_paragraph("排名方法：{{ method }}")
    doc.add_paragraph("二、各项指标").runs[0].bold = True
    _list_table(doc, ("单位", "指标情况"), "r in indicator_rows", ("{{ r.org }}", "{{ r.text }}"))
    doc.add_paragraph("三、督查暗访发现的问题").runs[0].bold = True
    _list_table(
        doc, ("单位", "日期", "问题"), "r in findings", ("{{ r.org }}", "{{ r.on }}", "{{ r.title }}")
    )
    doc.add_paragraph("四、好的做法").runs[0].bold = True
    doc.add_paragraph("{{ good_practice }}")
    footer = doc.add_paragraph("{{ org }}\n{{ issued_on }}")
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
    ROOT / "dangjian/talks/documents/talk_record.docx": talk_record,
    ROOT / "dangjian/talks/documents/campaign_summary.docx": campaign_summary,
    ROOT / "dangjian/reviews/documents/result_notice.docx": review_result_notice,
    ROOT / "dangjian/supervision/documents/briefing.docx": briefing,
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
