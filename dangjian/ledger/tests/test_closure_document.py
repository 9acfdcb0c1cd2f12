"""The closure record (销号审批表) as Word, and evidence served like every attachment."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from dangjian.core import documents
from dangjian.ledger import services
from dangjian.ledger.models import Evidence, Item

from .builders import TODAY, handed_item, media, pdf, walk  # noqa: F401

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def closed_item(county, personas, media):  # noqa: F811
    item = handed_item(county, personas, responsible_person="张三")
    item = walk(item, Item.Status.RECTIFYING, personas)
    services.progress_add(
        item=item, actor=personas.village_a1, on=TODAY, text="已补齐会议记录", percent=80, today=TODAY
    )
    item.refresh_from_db()
    item = services.item_request_closure(item=item, actor=personas.village_a1, files=[pdf()], today=TODAY)
    return services.item_verify(item=item, actor=personas.township_a, today=TODAY)


def test_the_item_page_offers_the_closure_record_and_the_document_holds_the_items_values(
    client, personas, closed_item
):
    client.force_login(personas.village_a1)
    url = reverse("ledger:item_closure_document", args=[closed_item.pk])
    page = client.get(reverse("ledger:item_detail", args=[closed_item.pk])).content.decode()
    assert f'href="{url}"' in page and "下载销号审批表（Word）" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    assert "filename*=UTF-8''%E9%94%80%E5%8F%B7" in response["Content-Disposition"]  # 销号审批表-1.docx
    text = text_of(response.content)
    for value in (
        "“三会一课”落实不到位",
        "中共A1村支部委员会",
        "中共A镇委员会",
        "逐月召开支委会并报镇党委审核记录。",
        "已补齐会议记录",
        "80%",
        "2026年11月22日",
        "A镇书记",
        "整改报告.pdf",
        "张三",
    ):
        assert value in text, value
    assert "{{" not in text and "{%" not in text


def test_the_closure_record_of_an_item_outside_the_subtree_is_not_found(client, personas, closed_item):
    client.force_login(personas.township_b)
    assert client.get(reverse("ledger:item_closure_document", args=[closed_item.pk])).status_code == 404


def test_an_office_template_replaces_the_default_for_the_closure_record(client, personas, closed_item):
    doc = Document()
    kind = documents.get_kind("ledger.item_closure")
    doc.add_paragraph("本县格式 " + " ".join(f"{{{{ {name} }}}}" for name in kind.required_names))
    buffer = io.BytesIO()
    doc.save(buffer)
    documents.document_template_upload(
        key="ledger.item_closure",
        file=SimpleUploadedFile("县模板.docx", buffer.getvalue()),
        actor=personas.admin,
    )
    client.force_login(personas.village_a1)
    text = text_of(client.get(reverse("ledger:item_closure_document", args=[closed_item.pk])).content)
    assert text.startswith("本县格式 ") and "“三会一课”落实不到位" in text


def test_evidence_is_served_with_the_attachment_headers_and_previews_pdf_inline(
    client, personas, closed_item
):
    evidence = Evidence.objects.get(item=closed_item)
    client.force_login(personas.village_a1)
    url = reverse("ledger:evidence_download", args=[evidence.pk])
    download = client.get(url)
    assert (
        download["Content-Disposition"].startswith("attachment;")
        and "filename*=UTF-8''" in download["Content-Disposition"]
    )
    assert (
        download["X-Content-Type-Options"] == "nosniff" and download["Content-Security-Policy"] == "sandbox"
    )
    assert download["Content-Type"] == "application/pdf"
    assert client.get(url, {"preview": "1"})["Content-Disposition"].startswith("inline;")
