"""Word documents of a file: the public notice, the higher committee's replies, the file index."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from dangjian.core import documents

from .helpers import open_file, quotas, sponsors, walk

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    from docx import Document

    assert response.status_code == 200, response.status_code
    doc = Document(io.BytesIO(response.content))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("key", ["devel.public_notice", "devel.approval_reply", "devel.file_index"])
def test_each_default_template_uses_exactly_the_declared_fields(key):
    kind = documents.get_kind(key)
    with open(kind.template, "rb") as fh:
        documents.check_template(kind, fh)


def test_the_documents_of_a_whole_file(client, county, personas):
    quotas(county, personas)
    file = walk(
        open_file(county.village_a1, personas.village_a1, name="冯发展"),
        25,
        personas,
        sponsors(county.village_a1),
    )
    client.force_login(personas.township_a)
    notice = _text(client.get(reverse("devel:notice_docx", args=[file.pk, 15])))
    assert "冯发展" in notice and "拟将冯发展同志接收为预备党员" in notice
    assert "村务公开栏及党员微信群" in notice
    reply = _text(client.get(reverse("devel:reply_docx", args=[file.pk, 17])))
    assert "同意接收该同志为预备党员" in reply and "赞成18票" in reply
    conversion = _text(client.get(reverse("devel:reply_docx", args=[file.pk, 24])))
    assert "同意该同志" in conversion and "转为正式党员" in conversion
    index = _text(client.get(reverse("devel:index_docx", args=[file.pk])))
    assert "第10步材料.pdf" in index and file.person.id_masked in index
    assert client.get(reverse("devel:reply_docx", args=[file.pk, 15])).status_code == 404
    assert client.get(reverse("devel:notice_docx", args=[file.pk, 9])).status_code == 404
    client.force_login(personas.township_b)
    assert client.get(reverse("devel:index_docx", args=[file.pk])).status_code == 404
