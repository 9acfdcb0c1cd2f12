"""Attachments: type by extension AND content, size and count limits, all-or-nothing, scoped and safe serving."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import attachments
from dangjian.core.models import Attachment
from dangjian.orgs.tests.factories import make_person

from .files import OLE, SAMPLES, content, docx_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

ALL_TYPES = ",".join(SAMPLES)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def refusal(files, **limits) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        attachments.validate_files(files, **limits)
    codes = {e.code for e in exc.value.error_dict["files"]}
    assert codes <= {"too_many_files", "file_type", "file_size", "file_empty", "file_content"}
    return exc.value.message_dict["files"]


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_a_file_whose_content_matches_its_extension_is_accepted(ext):
    checked = attachments.validate_files([upload(f"材料.{ext}")], extensions=ALL_TYPES)
    assert checked[0].type.extension == ext and checked[0].name == f"材料.{ext}"


@pytest.mark.parametrize(
    ("name", "body", "actual"),
    [
        ("报告.pdf", content("png"), "PNG"),
        ("照片.jpg", content("pdf"), "PDF"),
        ("表格.docx", xlsx_bytes(), "Excel (.xlsx)"),
        ("文件.doc", docx_bytes(), "Word (.docx)"),
        ("表格.xlsx", OLE, ".doc/.xls"),
        ("扫描件.pdf", b"<html><script>alert(1)</script>", "TXT"),
    ],
    ids=["png-as-pdf", "pdf-as-jpg", "xlsx-as-docx", "docx-as-doc", "ole-as-xlsx", "html-as-pdf"],
)
def test_a_file_whose_content_is_another_type_is_refused_naming_the_file_and_its_real_type(
    name, body, actual
):
    (message,) = refusal([upload(name, body)], extensions=ALL_TYPES)
    ext = name.rsplit(".", 1)[1]
    assert message.startswith(f"“{name}”：扩展名是 .{ext}，但文件内容是")
    assert actual in message and "改正扩展名" in message


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("方案.docx", b"PK\x03\x04 this is not really a zip archive"),
        ("附件.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("说明.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),  # a program renamed .txt
    ],
    ids=["docx-not-a-zip", "zip-truncated", "program-as-txt"],
)
def test_a_damaged_or_disguised_file_is_refused_as_not_being_its_type(name, body):
    (message,) = refusal([upload(name, body)], extensions=ALL_TYPES)
    assert f"“{name}”" in message and "可能已损坏" in message


def test_a_forbidden_extension_is_refused_listing_the_allowed_types():
    (message,) = refusal([upload("run.exe", b"MZ")], extensions="pdf, .JPG，png")
    assert message == "“run.exe”：不接受该类型的文件。允许的类型：pdf, jpg, png。"


def test_an_extension_allowed_by_a_parameter_but_unknown_to_the_platform_stays_refused():
    (message,) = refusal([upload("a.rar", b"Rar!\x1a\x07\x00")], extensions="pdf,rar")
    assert "不接受该类型" in message and "rar" not in message.split("允许的类型")[1]


def test_an_empty_file_and_an_oversized_file_are_refused_by_name():
    messages = refusal([upload("空.pdf", b""), upload("大.pdf", b"%PDF-" + b"0" * (1024 * 1024))], max_mb=1)
    assert messages == ["“空.pdf”是空文件。", "“大.pdf”超过了 1 MB 的大小限制。"]


def test_more_files_than_the_limit_are_refused_saying_how_many():
    messages = refusal([upload(f"{i}.pdf") for i in range(4)], max_count=3)
    assert messages[0] == "一次最多上传 3 个文件（本次选择了 4 个），其余文件请分次上传。"


def test_the_limits_come_from_the_rule_parameters_when_not_given():
    from dangjian.core import params

    params.set_value("core.attachment_extensions", "pdf")
    params.set_value("core.attachment_max_count", 1)
    assert attachments.validate_files([upload("a.pdf")])
    messages = refusal([upload("a.pdf"), upload("b.png")])
    assert (
        "一次最多上传 1 个文件" in messages[0]
        and "“b.png”：不接受该类型的文件。允许的类型：pdf。" in messages
    )


def test_every_problem_of_an_upload_is_reported_at_once():
    messages = refusal([upload("a.exe", b"MZ"), upload("b.pdf", content("png")), upload("c.pdf")])
    assert len(messages) == 2 and "a.exe" in messages[0] and "b.pdf" in messages[1]


def test_a_path_sent_by_an_old_browser_is_cut_to_the_file_name():
    (checked,) = attachments.validate_files([upload("C:\\Users\\张三\\Desktop\\报告.pdf", content("pdf"))])
    assert checked.name == "报告.pdf"


# ------------------------------------------------------------------ storing


def test_attach_stores_every_file_with_its_owner_organisation_type_size_and_checksum(county, personas, media):
    person = make_person(county.village_a1, "张三")
    body = content("pdf")
    made = attachments.attach(
        owner=person, files=[upload("谈话记录.pdf", body), upload("照片.png")], actor=personas.village_a1
    )
    first = Attachment.objects.get(pk=made[0].pk)
    assert first.owner == person and first.org == county.village_a1
    assert (first.name, first.size, first.content_type) == ("谈话记录.pdf", len(body), "application/pdf")
    assert first.sha256 == hashlib.sha256(body).hexdigest() and first.uploaded_by == personas.village_a1
    assert "谈话记录" not in first.file.name and first.file.name.endswith(
        ".pdf"
    )  # the user's name never on disk
    assert first.file.read() == body and len(stored_files(media)) == 2


def test_one_bad_file_refuses_the_whole_upload_and_writes_nothing(county, personas, media):
    person = make_person(county.village_a1, "张三")
    with pytest.raises(ValidationError) as exc:
        attachments.attach(
            owner=person,
            files=[upload("好.pdf"), upload("坏.pdf", content("png"))],
            actor=personas.village_a1,
        )
    assert "“坏.pdf”" in exc.value.message_dict["files"][0]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_failure_while_storing_removes_the_files_already_written(county, personas, media, monkeypatch):
    person = make_person(county.village_a1, "张三")
    calls = {"n": 0}
    original = Attachment.save

    def save_then_fail(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        attachments.attach(owner=person, files=[upload("1.pdf"), upload("2.pdf")], actor=personas.village_a1)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_attachments_are_seen_only_within_the_scope_of_their_organisation(county, personas):
    a1 = make_person(county.village_a1, "张三")
    b1 = make_person(county.village_b1, "王五")
    attachments.attach(owner=a1, files=[upload("a.pdf")], actor=None)
    attachments.attach(owner=b1, files=[upload("b.pdf")], actor=None)
    assert [a.name for a in Attachment.objects.visible_to(personas.township_a)] == ["a.pdf"]
    assert [a.name for a in attachments.for_owner(b1, personas.township_a)] == []
    assert [a.name for a in attachments.for_owner(b1, personas.county_admin)] == ["b.pdf"]


# ------------------------------------------------------------------ serving


def _attachment(county, name="谈话记录 2026.pdf", body=None, org_key="village_a1"):
    person = make_person(getattr(county, org_key), f"人员{org_key}")
    return attachments.attach(owner=person, files=[upload(name, body)], actor=None)[0]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_is_an_attachment_with_an_rfc5987_name_nosniff_and_a_sandbox(client, county, personas):
    attachment = _attachment(county)
    client.force_login(personas.township_a)
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and _body(response) == content("pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"2026.pdf\"; filename*=UTF-8''{quote('谈话记录 2026.pdf', safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_preview_opens_inline_only_for_images_and_pdf(client, county, personas):
    pdf = _attachment(county)
    docx = _attachment(county, name="方案.docx", org_key="village_a2")
    client.force_login(personas.township_a)
    inline = client.get(reverse("attachment_download", args=[pdf.pk]), {"preview": "1"})
    assert (
        inline["Content-Disposition"].startswith("inline;") and inline["Content-Security-Policy"] == "sandbox"
    )
    forced = client.get(reverse("attachment_download", args=[docx.pk]), {"preview": "1"})
    assert forced["Content-Disposition"].startswith("attachment;")


def test_an_attachment_outside_the_scope_is_not_found_and_the_download_is_logged_only_when_served(
    client, county, personas
):
    from auditlog.models import LogEntry

    attachment = _attachment(county, org_key="village_b1")
    client.force_login(personas.township_a)
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    client.force_login(personas.township_b)
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(attachment.pk)).count() == 1


def test_an_attachment_of_a_record_the_user_may_not_see_is_not_found_even_inside_the_organisation(
    client, county, personas
):
    from dangjian.talks.models import TalkRecord

    talk = TalkRecord.objects.create(
        org=county.village_a1,
        kind="interview",
        held_on=date(2026, 11, 1),
        talker="县纪委",
        talkee="甲",
        content="谈话",
    )
    attachment = attachments.attach(owner=talk, files=[upload("谈话笔录.pdf")], actor=None)[0]
    client.force_login(personas.village_a1)  # sees the village, but not the talks held with its people
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404
    client.force_login(personas.township_a)
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_login_and_a_missing_file_is_not_found(client, county, personas):
    attachment = _attachment(county)
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    attachment.file.delete(save=False)
    client.force_login(personas.county_admin)
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404


def test_stored_files_are_never_reachable_under_media_url(client, county, personas, settings):
    attachment = _attachment(county)
    client.force_login(personas.county_admin)
    for debug in (True, False):
        settings.DEBUG = debug
        assert client.get(f"/{settings.MEDIA_URL.strip('/')}/{attachment.file.name}").status_code == 404


def test_the_partial_lists_files_with_download_and_preview_links(county, personas, rf):
    from django.template.loader import render_to_string

    pdf = _attachment(county)
    docx = _attachment(county, name="方案.docx", org_key="village_a2")
    html = render_to_string("core/partials/attachments.html", {"attachments": [pdf, docx]})
    url = reverse("attachment_download", args=[pdf.pk])
    assert f'href="{url}"' in html and f'href="{url}?preview=1"' in html
    assert "方案.docx" in html and f"{reverse('attachment_download', args=[docx.pk])}?preview=1" not in html
    assert "没有附件" in render_to_string("core/partials/attachments.html", {"attachments": []})


def test_the_multiple_file_field_collects_every_chosen_file_and_lists_the_types_it_accepts():
    from django import forms
    from django.utils.datastructures import MultiValueDict

    class Upload(forms.Form):
        files = attachments.MultipleFileField(required=False, extensions=["pdf", "png"])

    form = Upload(data={}, files=MultiValueDict({"files": [upload("a.pdf"), upload("b.png")]}))
    assert form.is_valid() and [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.png"]
    assert Upload(data={}).is_valid() and Upload(data={}).fields["files"].clean([]) == []
    html = str(Upload()["files"])
    assert "multiple" in html and 'accept=".pdf,.png"' in html
