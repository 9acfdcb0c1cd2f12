"""Reading a speech into drafts, correcting them, and saving them as a draft list through the ledger's door."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.models import Attachment
from dangjian.extract import services
from dangjian.extract.models import Draft, Extraction
from dangjian.ledger import door
from dangjian.ledger.models import Item, ItemList, Source

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
SPEECH = (
    "在全县基层党建推进会上的讲话\n"
    "今年以来，全县基层党建工作取得了明显成效。\n"
    "但是，部分村党组织“三会一课”流于形式。\n"
    "一是各乡镇要对照问题清单逐项整改，12月31日前报县委组织部。\n"
    "二是A1村党支部要尽快补齐活动阵地短板。\n"
    "三是要常抓不懈推进软弱涣散村党组织整顿，长期坚持。\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def create(personas, county, *, actor=None, org=None, text=SPEECH, **kw):
    return services.extraction_create(
        actor=actor or personas.county_admin,
        org=org or county.county,
        title=kw.pop("title", "推进会讲话"),
        spoken_on=kw.pop("spoken_on", TODAY - timedelta(days=1)),
        text=text,
        today=TODAY,
        **kw,
    )


def docx_file(paragraphs, name="讲话.docx") -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def pdf_bytes(lines):
    """A one-page PDF whose text layer is ``lines`` (CJK through a Type0 font whose codes are the
    Unicode code points, mapped back by its ToUnicode CMap); no lines gives a blank page (a scan's layer)."""
    ops = []
    for n, line in enumerate(lines):
        codes = "".join(f"{ord(ch):04X}" for ch in line)
        ops.append(f"BT /F1 12 Tf 40 {780 - 20 * n} Td <{codes}> Tj ET")
    content = "\n".join(ops).encode()
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"1 beginbfrange <0000> <FFFF> <0000> endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ------------------------------------------------------------------ reading


def test_a_pasted_speech_becomes_numbered_drafts_with_units_and_deadlines(personas, county):
    extraction = create(personas, county)
    drafts = list(extraction.drafts.order_by("number"))
    assert [d.kind for d in drafts] == ["problem", "task", "task", "task"]
    rectify = drafts[1]
    assert set(rectify.orgs.all()) == {county.township_a, county.township_b}
    assert rectify.deadline == date(2026, 12, 31) and rectify.units == "各乡镇"
    assert extraction.text[rectify.start : rectify.end] == rectify.quote
    assert list(drafts[2].orgs.all()) == [county.village_a1] and drafts[2].deadline_vague
    assert drafts[3].long_term
    assert extraction.status == Extraction.Status.REVIEW


def test_units_never_resolve_outside_the_speakers_scope(personas, county):
    text = "一是A1村要抓好整改落实。\n二是B1村要抓好整改落实。\n三是各乡镇要抓好整改落实。"
    extraction = create(personas, county, actor=personas.township_a, org=county.township_a, text=text)
    a1, b1, townships = extraction.drafts.order_by("number")
    assert list(a1.orgs.all()) == [county.village_a1]
    assert list(b1.orgs.all()) == [] and b1.unmatched == "B1村"
    assert list(townships.orgs.all()) == [county.township_a]


def test_a_docx_upload_is_read_and_kept_as_the_source_file(personas, county, media):
    upload = docx_file(["在推进会上的讲话", "一是各乡镇要对照问题清单逐项整改，12月31日前完成。"])
    extraction = create(personas, county, text="", upload=upload)
    assert extraction.drafts.get().title.startswith("对照问题清单逐项整改")
    assert Attachment.objects.get().name == "讲话.docx"


def test_a_pdf_with_a_text_layer_is_read_and_kept_as_the_source_file(personas, county, media):
    upload = SimpleUploadedFile(
        "讲话.pdf", pdf_bytes(["在推进会上的讲话", "一是各乡镇要对照问题清单逐项整改，12月31日前完成。"])
    )
    extraction = create(personas, county, text="", upload=upload)
    draft = extraction.drafts.get()
    assert draft.title.startswith("对照问题清单逐项整改") and draft.deadline == date(2026, 12, 31)
    assert set(draft.orgs.all()) == {county.township_a, county.township_b}
    assert extraction.text.startswith("在推进会上的讲话\n一是各乡镇")
    assert Attachment.objects.get().name == "讲话.pdf"


def test_a_gbk_text_file_is_read(personas, county, media):
    upload = SimpleUploadedFile("讲话.txt", "一是各乡镇要抓好整改落实，年底前完成。".encode("gb18030"))
    extraction = create(personas, county, text="", upload=upload)
    assert extraction.drafts.get().deadline == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("讲话.pdf", pdf_bytes([])),
            "PDF 中没有可识别的文字（可能是扫描件），请上传带文字层的 PDF 或粘贴文本",
        ),
        (SimpleUploadedFile("讲话.pdf", b"%PDF-1.4 text"), "PDF 文件无法读取"),
        (SimpleUploadedFile("讲话.pdf", pdf_bytes(["要抓好整改落实。"])[:150]), "PDF 文件无法读取"),
        (SimpleUploadedFile("讲话.pdf", b"just some words"), "讲话.pdf"),
        (SimpleUploadedFile("讲话.pptx", b"PK\x03\x04"), "不接受该类型的文件"),
        (SimpleUploadedFile("讲话.docx", b"not a zip at all"), "讲话.docx"),
        (SimpleUploadedFile("讲话.txt", b""), "是空文件"),
        (SimpleUploadedFile("讲话.txt", "要".encode() * (2 * 1024 * 1024)), "5 MB"),
    ],
)
def test_other_malformed_empty_or_oversized_files_are_refused_and_nothing_is_written(
    personas, county, media, upload, message
):
    with pytest.raises(ValidationError) as exc:
        create(personas, county, text="", upload=upload)
    assert message in " ".join(exc.value.messages)
    assert not Extraction.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"text": "   "}, "text", "请粘贴讲话文本，或上传 .docx、.txt 或 .pdf 文件。"),
        ({"text": "要" * 50_001}, "text", "最多一次读取 50000 字"),
        (
            {"text": "今年以来，全县基层党建工作取得了明显成效。"},
            "text",
            "未识别到任务，请检查文本或手动添加。",
        ),
        ({"spoken_on": TODAY + timedelta(days=1)}, "spoken_on", "讲话日期不能晚于今天。"),
        ({"title": " "}, "title", "请填写讲话标题。"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_is_written(
    personas, county, kw, field, message
):
    with pytest.raises(ValidationError) as exc:
        create(personas, county, **kw)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Extraction.objects.exists() and not Draft.objects.exists()


def test_only_those_who_may_hand_down_there_may_extract(personas, county):
    with pytest.raises(PermissionDenied):
        create(personas, county, actor=personas.township_a, org=county.county)
    with pytest.raises(PermissionDenied):
        create(personas, county, actor=personas.inspector)


# ------------------------------------------------------------------ review


def test_a_draft_is_corrected_and_a_deadline_before_the_speech_is_refused(personas, county):
    extraction = create(personas, county)
    draft = extraction.drafts.get(number=3)
    services.draft_update(
        draft=draft,
        actor=personas.county_admin,
        title="补齐活动阵地短板",
        kind="task",
        orgs=[county.village_a2],
        deadline=date(2026, 12, 15),
    )
    draft.refresh_from_db()
    assert (draft.title, list(draft.orgs.all()), draft.deadline) == (
        "补齐活动阵地短板",
        [county.village_a2],
        date(2026, 12, 15),
    )
    with pytest.raises(ValidationError) as exc:
        services.draft_update(
            draft=draft,
            actor=personas.county_admin,
            title="补齐活动阵地短板",
            kind="task",
            orgs=[county.village_a2],
            deadline=date(2026, 1, 1),
        )
    assert exc.value.message_dict["deadline"] == ["截止日期不能早于讲话日期（2026-11-21）。"]
    draft.refresh_from_db()
    assert draft.deadline == date(2026, 12, 15)


def test_a_draft_cannot_be_given_an_organisation_outside_the_speakers_subtree(personas, county):
    extraction = create(personas, county, actor=personas.township_a, org=county.township_a)
    draft = extraction.drafts.first()
    with pytest.raises(ValidationError):
        services.draft_update(
            draft=draft,
            actor=personas.township_a,
            title="x",
            kind="task",
            orgs=[county.village_b1],
            deadline=None,
        )
    assert county.village_b1 not in draft.orgs.all()


def test_merging_joins_the_quote_and_organisations_into_the_draft_above(personas, county):
    extraction = create(personas, county)
    second, third = extraction.drafts.get(number=2), extraction.drafts.get(number=3)
    target = services.draft_merge(draft=third, actor=personas.county_admin)
    third.refresh_from_db()
    assert target == second and third.dropped
    assert third.quote in target.quote and county.village_a1 in target.orgs.all()
    with pytest.raises(ValidationError):
        services.draft_merge(draft=extraction.drafts.get(number=1), actor=personas.county_admin)


def test_a_passage_the_extractor_missed_is_added_and_one_not_in_the_text_is_refused(personas, county):
    extraction = create(personas, county)
    draft = services.draft_add(extraction=extraction, actor=personas.county_admin, quote="“三会一课”流于形式")
    assert draft.number == 5 and extraction.text[draft.start : draft.end] == "“三会一课”流于形式"
    with pytest.raises(ValidationError) as exc:
        services.draft_add(extraction=extraction, actor=personas.county_admin, quote="不在文中的话")
    assert exc.value.message_dict["quote"] == ["请从左侧原文中复制段落，这段文字不在原文中。"]
    assert extraction.drafts.count() == 5


# ------------------------------------------------------------------ saving as a list, then its approval


def ready(extraction, personas, county):
    """Give the vague draft a date and drop the problem, as the clerk would."""
    problem = extraction.drafts.get(number=1)
    services.draft_update(
        draft=problem,
        actor=personas.county_admin,
        title=problem.title,
        kind="problem",
        orgs=[],
        deadline=None,
        dropped=True,
    )
    vague = extraction.drafts.get(number=3)
    services.draft_update(
        draft=vague,
        actor=personas.county_admin,
        title=vague.title,
        kind="task",
        orgs=[county.village_a1],
        deadline=date(2026, 12, 20),
    )
    standing = extraction.drafts.get(number=4)
    services.draft_update(
        draft=standing,
        actor=personas.county_admin,
        title=standing.title,
        kind="task",
        orgs=[county.county],
        deadline=None,
        long_term=True,
    )


def test_saving_refuses_rows_without_a_date_or_organisation_and_writes_nothing(personas, county):
    extraction = create(personas, county)
    with pytest.raises(ValidationError) as exc:
        services.extraction_save(extraction=extraction, actor=personas.county_admin, today=TODAY)
    assert "第 1 条没有责任单位。" in exc.value.messages
    assert "第 3 条没有截止日期。" in exc.value.messages
    assert not ItemList.objects.exists()


def test_saving_leaves_one_draft_list_needing_approval_with_the_quotes_once(personas, county):
    extraction = create(personas, county)
    ready(extraction, personas, county)
    items = services.extraction_save(extraction=extraction, actor=personas.county_admin, today=TODAY)
    assert sorted(i.org.short_name for i in items) == ["A1村党支部", "A镇党委", "B镇党委", "县委"]
    item_list = ItemList.objects.get()
    assert item_list.title == "推进会讲话" and item_list.org == county.county
    # Nothing is handed down: the list waits for the lists engine's approval.
    assert item_list.status == ItemList.Status.DRAFT and item_list.needs_approval
    assert set(Item.objects.values_list("status", flat=True)) == {Item.Status.DRAFT}
    assert item_list.source == Source.SPEECH and item_list.get_source_display() == "讲话"
    assert item_list.kind == "task" and item_list.source_record == extraction
    rectify = Item.objects.get(org=county.township_a)
    assert rectify.deadline == date(2026, 12, 31) and "逐项整改" in rectify.description
    assert rectify.source_record == extraction and rectify.source_key.startswith("d")
    assert Item.objects.get(org=county.county).long_term
    extraction.refresh_from_db()
    assert extraction.status == Extraction.Status.SAVED
    again = services.extraction_save(extraction=extraction, actor=personas.county_admin, today=TODAY)
    assert [i.pk for i in again] == [i.pk for i in items] and Item.objects.count() == 4
    with pytest.raises(ValidationError):
        services.draft_merge(draft=extraction.drafts.get(number=3), actor=personas.county_admin)


def test_minutes_with_a_problem_and_tasks_make_one_list_whose_items_keep_their_kinds(personas, county):
    extraction = create(personas, county, kind=Extraction.Kind.MINUTES)
    ready(extraction, personas, county)
    problem = extraction.drafts.get(number=1)
    services.draft_update(
        draft=problem,
        actor=personas.county_admin,
        title="三会一课流于形式",
        kind="problem",
        orgs=[county.township_a],
        deadline=date(2026, 12, 15),
    )
    services.extraction_save(extraction=extraction, actor=personas.county_admin, today=TODAY)
    item_list = ItemList.objects.get()
    assert item_list.source == Source.MINUTES and item_list.get_source_display() == "会议纪要"
    kinds = {i.title: i.kind for i in item_list.items.all()}
    assert kinds["三会一课流于形式"] == "problem"
    assert {k for t, k in kinds.items() if t != "三会一课流于形式"} == {"task"}
    quote = item_list.items.get(title="三会一课流于形式").description
    assert quote == problem.quote and "流于形式" in quote


def test_the_saved_list_is_approved_by_somebody_other_than_its_author_then_handed_down(personas, county):
    extraction = create(personas, county)
    ready(extraction, personas, county)
    author, approver = personas.county_admin, personas.admin
    services.extraction_save(extraction=extraction, actor=author, today=TODAY)
    item_list = door.list_of_source(extraction, author)
    with pytest.raises(ValidationError) as exc:  # a list needing approval is not handed down directly
        door.move_list(item_list=item_list, to="issued", actor=author, today=TODAY)
    assert exc.value.messages == ["该清单须经领导审核，请先提交审核。"]
    door.move_list(item_list=item_list, to="pending_approval", actor=author, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        door.move_list(item_list=item_list, to="issued", actor=author, today=TODAY)
    assert exc.value.messages == ["该清单由您起草，不能由您本人审核，须由本单位其他有下发权限的人员审核。"]
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.PENDING_APPROVAL
    door.move_list(item_list=item_list, to="issued", actor=approver, note="同意", today=TODAY)
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.ISSUED
    assert set(item_list.items.values_list("status", flat=True)) == {Item.Status.HANDED_DOWN}
    assert item_list.items.get(org=county.township_a).source_record == extraction


def test_the_inspector_may_not_save(personas, county):
    extraction = create(personas, county)
    ready(extraction, personas, county)
    with pytest.raises(PermissionDenied):
        services.extraction_save(extraction=extraction, actor=personas.inspector, today=TODAY)
    assert not Item.objects.exists()


def test_extractions_are_seen_by_those_who_may_hand_down_there_only(personas, county):
    extraction = create(personas, county, actor=personas.township_a, org=county.township_a)
    assert list(Extraction.objects.visible_to(personas.township_a)) == [extraction]
    assert list(Extraction.objects.visible_to(personas.county_admin)) == [extraction]
    for persona in (personas.township_b, personas.village_a1, personas.member):
        assert not Extraction.objects.visible_to(persona).exists()
        assert not Draft.objects.visible_to(persona).exists()


def test_a_draft_stating_two_tasks_is_split_where_the_clerk_says(personas, county):
    text = "一是各乡镇要对照问题清单逐项整改，年底前完成，A1村党支部要尽快补齐活动阵地短板。"
    extraction = create(personas, county, text=text)
    draft = extraction.drafts.get()
    new = services.draft_split(draft=draft, actor=personas.county_admin, at="A1村党支部要尽快")
    draft.refresh_from_db()
    assert draft.quote.endswith("年底前完成，") and new.quote.startswith("A1村党支部要尽快")
    assert extraction.text[new.start : new.end] == new.quote
    assert list(new.orgs.all()) == [county.village_a1] and new.deadline_words == "尽快"
    with pytest.raises(ValidationError) as exc:
        services.draft_split(draft=draft, actor=personas.county_admin, at="一是各乡镇")
    assert exc.value.message_dict["at"] == ["请从本条原文中复制第二项任务开头的文字（不能是开头几个字）。"]


def test_a_deadline_read_before_the_speech_date_is_kept_as_words_for_a_date(personas, county):
    extraction = create(personas, county, text="一是各乡镇要在6月底前完成整改。")
    draft = extraction.drafts.get()
    assert draft.deadline is None and draft.deadline_words == "6月底前" and draft.deadline_vague
