"""Lists, items, progress, evidence and extensions: the services and their refusals."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core import params as core_params
from dangjian.core import registry
from dangjian.core.modules import ItemSource
from dangjian.core.tests.files import upload
from dangjian.ledger import services, sources
from dangjian.ledger.models import DeadlineBasis, Evidence, ExtensionRequest, Item, ItemList, Progress

from .builders import TODAY, handed_item, issued_list, media, pdf, walk  # noqa: F401

S = Item.Status
pytestmark = pytest.mark.usefixtures("media")


# ------------------------------------------------------------------ lists


def test_a_list_needing_approval_cannot_be_handed_down_directly(county, personas):
    item_list = services.list_create(
        org=county.township_a, title="督查问题清单", actor=personas.township_a, needs_approval=True
    )
    services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="台账不规范",
        actor=personas.township_a,
        deadline=timezone.localdate() + timedelta(days=10),  # after the day it is written down
    )
    with pytest.raises(ValidationError) as exc:
        services.list_issue(item_list=item_list, actor=personas.township_a)
    assert exc.value.messages == ["该清单须经领导审核，请先提交审核。"]
    item_list.refresh_from_db()
    assert item_list.status == ItemList.Status.DRAFT


def test_approving_a_list_hands_its_items_down_and_notifies(county, personas):
    item_list = services.list_create(
        org=county.township_a, title="督查问题清单", actor=personas.township_a, needs_approval=True
    )
    item = services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="台账不规范",
        actor=personas.township_a,
        deadline_days=5,
        deadline_basis=DeadlineBasis.WORKING,
    )
    services.list_submit(item_list=item_list, actor=personas.township_a)
    # Approved by somebody other than its author (the county's officer may hand down there too).
    services.list_approve(item_list=item_list, actor=personas.county_admin, today=date(2026, 9, 28))
    item.refresh_from_db()
    assert item.status == S.HANDED_DOWN
    assert item.issued_on == date(2026, 9, 28)
    assert item.deadline == date(2026, 10, 10)  # five working days across the National Day holiday
    assert personas.village_a1.notices.filter(kind="item_handed_down").count() == 1


def test_an_empty_list_cannot_be_handed_down(county, personas):
    item_list = issued_list(county, personas)
    with pytest.raises(ValidationError) as exc:
        services.list_issue(item_list=item_list, actor=personas.township_a)
    assert exc.value.messages == ["清单中还没有事项。"]


def test_a_village_secretary_cannot_create_lists(county, personas):
    with pytest.raises(PermissionDenied):
        services.list_create(org=county.village_a1, title="自查清单", actor=personas.village_a1)
    assert not ItemList.objects.exists()


# ------------------------------------------------------------------ items


def test_a_deadline_before_the_hand_down_date_is_refused(county, personas):
    item_list = issued_list(county, personas)
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            item_list=item_list,
            org=county.village_a1,
            title="理论学习不够",
            actor=personas.township_a,
            deadline=TODAY - timedelta(days=1),
        )
    assert exc.value.message_dict == {"deadline": ["整改时限不能早于交办日期（2026-11-22）。"]}
    assert not Item.objects.exists()


def test_an_item_for_an_organisation_outside_the_issuing_subtree_is_refused(county, personas):
    item_list = issued_list(county, personas)
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            item_list=item_list,
            org=county.village_b1,
            title="理论学习不够",
            actor=personas.township_a,
            deadline=TODAY + timedelta(days=5),
        )
    assert exc.value.message_dict == {"org": ["责任单位必须是中共A镇委员会或其下级组织。"]}
    assert not Item.objects.exists()


def test_one_item_handed_to_many_organisations_is_numbered_in_sequence_under_one_group(county, personas):
    item_list = issued_list(county, personas)
    services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="阵地建设不达标",
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=9),
    )
    group = services.item_hand_down_many(
        item_list=item_list,
        orgs=[county.village_a1, county.village_a2, county.township_a],
        title="软弱涣散整顿",
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=30),
    )
    assert list(group.items.order_by("number").values_list("number", "org_id")) == [
        (2, county.village_a1.pk),
        (3, county.village_a2.pk),
        (4, county.township_a.pk),
    ]
    nxt = services.item_create(
        item_list=item_list,
        org=county.village_a2,
        title="党费台账不全",
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=9),
    )
    assert nxt.number == 5


def test_pasted_lines_become_items_without_their_numbering(county, personas):
    item_list = issued_list(county, personas)
    text = "一是政治站位不高；\n\n2. 理论学习不够\n（三）“三会一课”落实不到位。\n- 阵地建设不达标\n"
    items = services.items_from_lines(
        item_list=item_list,
        text=text,
        orgs=[county.village_a1],
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=30),
    )
    assert [i.title for i in items] == [
        "政治站位不高",
        "理论学习不够",
        "“三会一课”落实不到位",
        "阵地建设不达标",
    ]
    assert [i.number for i in items] == [1, 2, 3, 4]


def test_pasting_for_two_organisations_makes_a_group_per_line(county, personas):
    item_list = issued_list(county, personas)
    items = services.items_from_lines(
        item_list=item_list,
        text="政治站位不高\n理论学习不够",
        orgs=[county.village_a1, county.village_a2],
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=30),
    )
    assert len(items) == 4
    assert item_list.groups.count() == 2


def test_an_item_can_be_linked_to_its_source_record_and_shown_through_the_registry(
    county, personas, monkeypatch
):
    item_list = issued_list(county, personas)
    item = services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="理论学习不够",
        actor=personas.township_a,
        deadline=TODAY + timedelta(days=5),
        source_record=county.village_a2,
    )
    assert item.source_record == county.village_a2
    assert sources.link_for(item) is None
    monkeypatch.setitem(
        registry.item_sources,
        "orgs.organisation",
        ItemSource(
            "orgs.Organisation", "组织", "admin:orgs_organisation_change", source="other", cap="hand_down"
        ),
    )
    label, url = sources.link_for(item)
    assert label == "组织"
    assert url.endswith(f"/{county.village_a2.pk}/change/")


def test_only_items_not_yet_acknowledged_can_be_edited(county, personas):
    item = walk(handed_item(county, personas), S.ACKNOWLEDGED, personas)
    with pytest.raises(ValidationError) as exc:
        services.item_update(item=item, actor=personas.township_a, title="新标题")
    assert exc.value.messages == ["事项签收后不能再修改。"]


def test_reassigning_to_a_village_without_accounts_notifies_its_township_committee(county, personas):
    from dangjian.accounts.models import RoleAssignment, User
    from dangjian.accounts.roles import Role

    clerk = User.objects.create_user(
        username="ta_clerk", password="Test-pass-2026", display_name="A镇组织委员"
    )
    RoleAssignment.objects.create(user=clerk, role=Role.TOWNSHIP, org=county.township_a)
    item = handed_item(county, personas)
    services.item_update(item=item, actor=personas.township_a, org=county.village_a2)
    item.refresh_from_db()
    assert item.org == county.village_a2
    # A2 has no sign-in yet: the nearest committee above it (A镇) is told instead, but not the
    # secretary who made the change.
    assert list(clerk.notices.values_list("text", flat=True)) == [f"向A2村党支部交办了新事项：{item.title}"]
    assert not personas.township_a.notices.exists()


def test_a_stale_edit_is_refused(county, personas):
    item = handed_item(county, personas)
    seen = item.version
    services.item_update(item=Item.objects.get(pk=item.pk), actor=personas.township_a, title="改一次")
    with pytest.raises(ValidationError) as exc:
        services.item_update(item=item, actor=personas.township_a, title="改两次", expected_version=seen)
    assert exc.value.messages == ["该记录已被他人修改，请刷新页面后重试。"]
    item.refresh_from_db()
    assert item.title == "改一次"


# ------------------------------------------------------------------ progress and evidence


def test_progress_cannot_be_dated_in_the_future_or_go_down(county, personas):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    services.progress_add(
        item=item, actor=personas.village_a1, on=TODAY, text="已开会", percent=40, today=TODAY
    )
    with pytest.raises(ValidationError) as exc:
        services.progress_add(
            item=item,
            actor=personas.village_a1,
            on=TODAY + timedelta(days=1),
            text="x",
            percent=30,
            today=TODAY,
        )
    assert exc.value.message_dict == {
        "on": ["进展日期不能晚于今天。"],
        "percent": ["进度不能倒退：此前已填报 40%。"],
    }
    with pytest.raises(ValidationError) as exc:
        services.progress_add(
            item=item,
            actor=personas.village_a1,
            on=TODAY - timedelta(days=1),
            text="x",
            percent=140,
            today=TODAY,
        )
    assert exc.value.message_dict == {
        "on": ["进展日期不能早于交办日期（2026-11-22）。"],
        "percent": ["进度必须在 0 到 100 之间。"],
    }
    assert Progress.objects.count() == 1
    item.refresh_from_db()
    assert item.percent == 40


def test_evidence_of_a_forbidden_type_is_refused_and_nothing_is_written(county, personas, settings):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    bad = pdf("病毒.exe")
    with pytest.raises(ValidationError) as exc:
        services.evidence_attach(item=item, actor=personas.village_a1, files=[pdf("好.pdf"), bad])
    assert exc.value.message_dict == {
        "files": [
            "“病毒.exe”：不接受该类型的文件。允许的类型：pdf, jpg, jpeg, png, doc, docx, xls, xlsx, ofd, zip。"
        ]
    }
    assert not Evidence.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_evidence_over_the_size_limit_is_refused_and_nothing_is_written(county, personas, settings):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    core_params.set_value("ledger.evidence_max_mb", 1)
    with pytest.raises(ValidationError) as exc:
        services.progress_add(
            item=item,
            actor=personas.village_a1,
            on=TODAY,
            text="附照片",
            percent=50,
            files=[pdf("现场照片.pdf", size=1024 * 1024 + 1)],
        )
    assert exc.value.message_dict == {"files": ["“现场照片.pdf”超过了 1 MB 的大小限制。"]}
    assert not Evidence.objects.exists()
    assert not Progress.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_progress_with_files_keeps_them_as_progress_evidence(county, personas):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    entry = services.progress_add(
        item=item, actor=personas.village_a1, on=TODAY, text="附照片", percent=50, files=[upload("照片.jpg")]
    )
    assert list(entry.files.values_list("name", "purpose")) == [("照片.jpg", "progress")]


# ------------------------------------------------------------------ extensions


def test_an_extension_to_a_date_before_the_current_deadline_is_refused(county, personas):
    # Dated from the real day: an extension is asked for before the deadline, and the item is issued today.
    deadline = timezone.localdate() + timedelta(days=10)
    item = walk(handed_item(county, personas, deadline=deadline), S.RECTIFYING, personas)
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            item=item,
            actor=personas.village_a1,
            requested_to=deadline - timedelta(days=5),
            reason="施工周期长",
        )
    assert exc.value.message_dict == {"requested_to": [f"申请的新时限必须晚于当前整改时限（{deadline}）。"]}
    assert not ExtensionRequest.objects.exists()


def test_an_approved_extension_moves_the_deadline_and_keeps_the_first_one(county, personas):
    first = timezone.localdate() + timedelta(days=10)  # asked for before it, from the real day
    item = walk(handed_item(county, personas, deadline=first), S.RECTIFYING, personas)
    ext = services.extension_request(
        item=item, actor=personas.village_a1, requested_to=first + timedelta(days=20), reason="施工周期长"
    )
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            item=item, actor=personas.village_a1, requested_to=first + timedelta(days=30), reason="再延"
        )
    assert exc.value.messages == ["该事项已有一个待审批的延期申请。"]
    services.extension_decide(extension=ext, actor=personas.township_a, approve=True)
    item.refresh_from_db()
    assert item.deadline == first + timedelta(days=20)
    assert item.original_deadline == first
    ext2 = services.extension_request(
        item=item, actor=personas.village_a1, requested_to=first + timedelta(days=40), reason="再延"
    )
    services.extension_decide(extension=ext2, actor=personas.township_a, approve=True)
    item.refresh_from_db()
    assert item.original_deadline == first
    assert personas.village_a1.notices.filter(kind="extension_decided").count() == 2


def test_refusing_an_extension_needs_a_reason_and_leaves_the_deadline(county, personas):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    deadline = item.deadline
    ext = services.extension_request(
        item=item, actor=personas.village_a1, requested_to=deadline + timedelta(days=9), reason="人手不足"
    )
    with pytest.raises(ValidationError) as exc:
        services.extension_decide(extension=ext, actor=personas.township_a, approve=False)
    assert exc.value.messages == ["请填写理由。"]
    services.extension_decide(extension=ext, actor=personas.township_a, approve=False, note="理由不充分")
    ext.refresh_from_db()
    item.refresh_from_db()
    assert (ext.status, ext.decision_note, item.deadline) == (
        ExtensionRequest.Status.REFUSED,
        "理由不充分",
        deadline,
    )


def test_the_rectifying_side_cannot_decide_its_own_extension(county, personas):
    item = handed_item(
        county, personas, org=county.township_a, list_org=county.county, actor=personas.county_admin
    )
    ext = services.extension_request(
        item=item,
        actor=personas.township_a,
        requested_to=item.deadline + timedelta(days=9),
        reason="人手不足",
    )
    # A. 镇 holds the verify right only in its own subtree, not at the supervising county.
    with pytest.raises(PermissionDenied):
        services.extension_decide(extension=ext, actor=personas.township_a, approve=True)
    ext.refresh_from_db()
    assert ext.status == ExtensionRequest.Status.PENDING


# ------------------------------------------------------------------ accountability


def test_accountability_is_recorded_by_an_inspector_with_its_form(county, personas):
    item = handed_item(county, personas)
    with pytest.raises(ValidationError) as exc:
        services.accountability_record(
            item=item, forms=["banished"], person_name="", decided_on=TODAY, actor=personas.inspector
        )
    assert exc.value.message_dict == {
        "forms": [
            "“banished”不是对党的领导干部的问责方式；可选：通报、诫勉、组织调整或者组织处理、纪律处分。"
        ],
        "person_name": ["请填写被问责的领导干部。"],
        "body": ["请选择问责机关（党委（党组）、纪委监委或组织部门）。"],
        "facts": ["请填写问责事实。"],
    }
    assert not item.accountabilities.exists()
    record = services.accountability_record(
        item=item,
        forms=["notice"],
        person_name="张三",
        body="discipline",
        facts="整改逾期",
        decided_on=TODAY,
        document_number="萍纪〔2026〕5号",
        actor=personas.inspector,
    )
    assert (record.forms_display(), record.get_body_display(), record.get_outcome_display()) == (
        "通报",
        "纪委监委",
        "予以问责",
    )
    with pytest.raises(PermissionDenied):
        services.accountability_record(
            item=item,
            forms=["notice"],
            person_name="张三",
            body="discipline",
            facts="整改逾期",
            decided_on=TODAY,
            actor=personas.village_a1,
        )
