"""Word documents from replaceable templates: rendering, checks at upload, the administrators' page."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from docx import Document

from dangjian.core import documents, registry
from dangjian.core.documents import DocField, DocumentKind
from dangjian.core.models import DocumentTemplate

from .files import upload

pytestmark = pytest.mark.django_db

KEY = "core.test_notice"


def docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def kind(tmp_path):
    """A document kind of a pretend module, with its default template on disk."""
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "test_notice.docx").write_bytes(
        docx("关于{{ org }}的通报", "时间：{{ held_on }}", "{{ body }}", "抄送：{{ copy_to }}")
    )
    registered = documents.register(
        DocumentKind(
            key=KEY,
            label="测试通报",
            fields=(
                DocField("org", "被通报的组织"),
                DocField("held_on", "日期"),
                DocField("body", "正文"),
                DocField("copy_to", "抄送单位", required=False),
            ),
        ),
        app_label="core",
        app_path=str(tmp_path),
    )
    yield registered
    registry.document_kinds.pop(KEY, None)


CONTEXT = {"org": "A1村党支部", "held_on": date(2026, 11, 22), "body": "第一段\n第二段 <b>&", "copy_to": None}


def test_a_document_is_rendered_from_the_default_template_with_dates_line_breaks_and_escaping(kind):
    text = text_of(documents.render(KEY, CONTEXT))
    assert "关于A1村党支部的通报" in text and "时间：2026年11月22日" in text
    assert "第一段\n第二段 <b>&" in text  # the break kept, the markup shown as text
    assert "抄送：" in text and "None" not in text


def test_rendering_without_a_declared_field_names_the_missing_field(kind):
    with pytest.raises(documents.MissingFields, match="body"):
        documents.render(KEY, {k: v for k, v in CONTEXT.items() if k != "body"})


def test_a_kind_must_be_named_after_its_app():
    with pytest.raises(ImproperlyConfigured, match="ledger.<name>"):
        documents.register(DocumentKind("other.thing", "x", ()), app_label="ledger", app_path="/tmp")


def test_every_declared_default_template_uses_only_its_fields_and_all_required_ones():
    assert documents.kinds(), "no module declares a document kind"
    for declared in documents.kinds():
        with open(declared.template, "rb") as fh:
            documents.check_template(declared, fh)


def _upload(user, data: bytes, name="通报模板.docx"):
    return documents.document_template_upload(key=KEY, file=upload(name, data), actor=user)


def test_an_uploaded_replacement_is_used_and_reverting_restores_the_default(
    kind, personas, media, django_capture_on_commit_callbacks
):
    template = _upload(personas.admin, docx("【本单位格式】{{ org }} {{ held_on }} {{ body }}"))
    assert DocumentTemplate.objects.get(key=KEY).name == "通报模板.docx"
    assert "【本单位格式】A1村党支部" in text_of(documents.render(KEY, CONTEXT))
    path = media / template.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the revert is committed
        assert documents.document_template_revert(key=KEY, actor=personas.admin) is True
    assert not DocumentTemplate.objects.exists() and not path.exists()
    assert "关于A1村党支部的通报" in text_of(documents.render(KEY, CONTEXT))


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (("{{ org }} {{ held_on }} {{ body }} {{ titel }}",), "不提供的字段：titel"),
        (("{{ org }} {{ held_on }}",), "缺少必需的字段：body"),
        (("{{ org }} {{ held_on }} {{ body }} {% if %}",), "占位符写法错误"),
        (("{{ org }} {{ held_on }} {{ body }} {{ org.__class__ }}",), "所列字段以外的内容"),
    ],
    ids=["unknown-field", "missing-required-field", "syntax-error", "reaching-into-python"],
)
def test_a_bad_replacement_is_refused_naming_the_problem_and_nothing_is_kept(
    kind, personas, media, paragraphs, expected
):
    with pytest.raises(ValidationError) as exc:
        _upload(personas.admin, docx(*paragraphs))
    assert any(expected in m for m in exc.value.message_dict["file"])
    assert not DocumentTemplate.objects.exists() and not list(media.rglob("*.docx"))


def test_a_file_that_is_not_a_docx_is_refused_as_a_template(kind, personas):
    with pytest.raises(ValidationError) as exc:
        _upload(personas.admin, b"%PDF-1.4 not word", name="模板.docx")
    assert "“模板.docx”" in exc.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as exc:
        _upload(personas.admin, docx("x"), name="模板.doc")
    assert "不接受该类型" in exc.value.message_dict["file"][0]


def test_only_administrators_may_replace_templates(kind, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _upload(personas.county_admin, docx("{{ org }} {{ held_on }} {{ body }}"))
    assert not DocumentTemplate.objects.exists()


# ------------------------------------------------------------------ the page


def test_the_page_lists_each_kind_with_its_fields_and_refuses_a_bad_template_on_that_kind(
    client, kind, personas
):
    client.force_login(personas.admin)
    page = client.get(reverse("document_templates")).content.decode()
    assert "测试通报" in page and "被通报的组织" in page and "{{ org }}" in page
    assert reverse("document_template_download", args=[KEY]) + "?default=1" in page
    bad = docx("{{ org }} {{ held_on }} {{ body }} {{ 作者 }}")
    response = client.post(
        reverse("document_templates"), {"key": KEY, "action": "upload", "file": upload("坏模板.docx", bad)}
    )
    assert response.status_code == 200 and "不提供的字段：作者" in response.content.decode()
    assert not DocumentTemplate.objects.exists()
    good = docx("{{ org }} {{ held_on }} {{ body }}")
    response = client.post(
        reverse("document_templates"),
        {"key": KEY, "action": "upload", "file": upload("好模板.docx", good)},
        follow=True,
    )
    assert "新模板已启用" in response.content.decode() and DocumentTemplate.objects.filter(key=KEY).exists()
    current = client.get(reverse("document_template_download", args=[KEY]))
    assert current["Content-Disposition"].startswith("attachment;") and text_of(current.content).startswith(
        "{{ org }}"
    )
    default = client.get(reverse("document_template_download", args=[KEY]), {"default": "1"})
    assert "关于{{ org }}的通报" in text_of(default.content)
    client.post(reverse("document_templates"), {"key": KEY, "action": "revert"})
    assert not DocumentTemplate.objects.exists()


def test_the_page_and_downloads_are_refused_to_everyone_but_administrators(client, kind, personas):
    client.force_login(personas.county_admin)
    assert client.get(reverse("document_templates")).status_code == 403
    good = docx("{{ org }} {{ held_on }} {{ body }}")
    response = client.post(
        reverse("document_templates"), {"key": KEY, "action": "upload", "file": upload("好模板.docx", good)}
    )
    assert response.status_code == 403 and not DocumentTemplate.objects.exists()
    assert client.get(reverse("document_template_download", args=[KEY])).status_code == 403
    client.force_login(personas.admin)
    assert client.get(reverse("document_template_download", args=["core.nothing"])).status_code == 404
