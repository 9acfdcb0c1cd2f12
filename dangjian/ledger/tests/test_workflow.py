"""The item workflow: every allowed and every forbidden transition, and the rules that guard them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import RoleAssignment
from dangjian.accounts.roles import Role
from dangjian.core import params as core_params
from dangjian.core import workflow
from dangjian.core.models import StatusChange
from dangjian.core.workflow import STALE_MESSAGE
from dangjian.ledger import services
from dangjian.ledger.models import Evidence, Item, ItemList

from .builders import TODAY, category, handed_item, item_in_state, media, pdf, walk  # noqa: F401

S = Item.Status
pytestmark = pytest.mark.usefixtures("media")

EXPECTED_ALLOWED = {
    (S.DRAFT, S.HANDED_DOWN),
    (S.HANDED_DOWN, S.ACKNOWLEDGED),
    (S.ACKNOWLEDGED, S.RECTIFYING),
    (S.RECTIFYING, S.CLOSURE_REQUESTED),
    (S.HANDED_DOWN, S.CLOSURE_REQUESTED),  # 立行立改
    (S.ACKNOWLEDGED, S.CLOSURE_REQUESTED),  # 立行立改
    (S.CLOSURE_REQUESTED, S.CLOSED),
    (S.CLOSURE_REQUESTED, S.RETURNED),
    (S.RETURNED, S.CLOSURE_REQUESTED),
    (S.RETURNED, S.RECTIFYING),
    (S.CLOSED, S.RECTIFYING),
}
PAIRS = [(old, new) for old in S.values for new in S.values if old != new]
LABELS = {
    S.DRAFT: "草稿",
    S.HANDED_DOWN: "待签收",
    S.ACKNOWLEDGED: "已签收",
    S.RECTIFYING: "整改中",
    S.CLOSURE_REQUESTED: "申请销号",
    S.RETURNED: "退回",
    S.CLOSED: "已销号",
}


def test_the_transition_table_is_the_documented_one():
    assert set(workflow.rules_for(Item)) == EXPECTED_ALLOWED


def _attempt(item, new, personas):
    rule = workflow.rules_for(Item).get((item.status, new))
    cap = rule.cap if rule else None
    actor = personas.village_a1 if cap == "rectify" else personas.township_a
    fields, note = {}, "依规办理"
    if new == S.RECTIFYING and item.status == S.ACKNOWLEDGED:
        fields["measures"] = "立行立改"
    if new == S.CLOSURE_REQUESTED and item.status in (S.HANDED_DOWN, S.ACKNOWLEDGED):
        services.evidence_attach(item=item, actor=actor, files=[pdf()], purpose="closure")
        fields["measures"] = "当场整改"
    if new == S.RECTIFYING and item.status == S.CLOSED:
        fields.update(deadline=TODAY + timedelta(days=30), round=item.round + 1)
    return workflow.transition(obj=item, to=new, actor=actor, note=note, fields=fields)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{o}->{n}" for o, n in PAIRS])
def test_each_move_is_allowed_exactly_when_the_table_says_so(old, new, county, personas):
    item = item_in_state(county, personas, old)
    assert item.status == old
    if (old, new) == (S.DRAFT, S.HANDED_DOWN):
        # Items go down with their list: hand the list down first (the list's move alone).
        workflow.transition(obj=item.item_list, to=ItemList.Status.ISSUED, actor=personas.township_a)
    before = StatusChange.objects.count()
    if (old, new) in EXPECTED_ALLOWED:
        moved = _attempt(item, new, personas)
        assert moved.status == new
        assert StatusChange.objects.count() == before + 1
        assert StatusChange.objects.latest("pk").new == new
    else:
        with pytest.raises(ValidationError) as exc:
            _attempt(item, new, personas)
        assert exc.value.messages == [f"“{LABELS[old]}”不能变更为“{LABELS[new]}”。"]
        item.refresh_from_db()
        assert item.status == old
        assert StatusChange.objects.count() == before


def test_the_rectifying_side_can_walk_an_item_to_closure_and_the_supervisor_closes_it(county, personas):
    item = walk(handed_item(county, personas, deadline=TODAY + timedelta(days=5)), S.CLOSED, personas)
    assert item.status == S.CLOSED
    assert item.closed_on == TODAY
    assert item.closed_by == personas.township_a
    assert item.closed_late is False
    assert item.percent == 0  # nobody reported progress: closure does not invent 100 %


def test_an_item_whose_closure_was_requested_after_its_deadline_is_marked_closed_late(county, personas):
    item = handed_item(county, personas, deadline=TODAY + timedelta(days=2))
    item = walk(item, S.RECTIFYING, personas)
    item = services.item_request_closure(
        item=item, actor=personas.village_a1, files=[pdf()], today=TODAY + timedelta(days=3)
    )
    item = services.item_verify(item=item, actor=personas.township_a, today=TODAY + timedelta(days=3))
    assert item.closed_late is True


def test_the_rectifying_organisations_own_secretary_cannot_verify(county, personas):
    """The county hands an item to A镇; A镇's secretary (verify cap in A镇 only) must not close it."""
    item = handed_item(
        county, personas, org=county.township_a, list_org=county.county, actor=personas.county_admin
    )
    item = walk(item, S.CLOSURE_REQUESTED, personas, rectifier=personas.township_a)
    with pytest.raises(PermissionDenied):
        services.item_verify(item=item, actor=personas.township_a)
    item.refresh_from_db()
    assert item.status == S.CLOSURE_REQUESTED
    assert item.closed_on is None


def test_a_branch_secretary_without_the_verify_right_cannot_verify(county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    with pytest.raises(PermissionDenied):
        services.item_verify(item=item, actor=personas.village_a1)
    item.refresh_from_db()
    assert item.status == S.CLOSURE_REQUESTED


def test_separation_of_duties_can_be_switched_off_by_the_administrator(county, personas):
    # A county official who also holds the A1 branch secretary post.
    dual = personas.county_admin
    RoleAssignment.objects.create(user=dual, role=Role.BRANCH_SECRETARY, org=county.village_a1)
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    with pytest.raises(ValidationError, match="职责分离"):
        services.item_verify(item=item, actor=dual)
    core_params.set_value("ledger.separation_of_duties", 0)
    item = services.item_verify(item=item, actor=dual)
    assert item.status == S.CLOSED


def test_a_verifier_outside_the_supervising_organisation_is_refused(county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    with pytest.raises(PermissionDenied):
        services.item_verify(item=item, actor=personas.township_b)


def test_closure_without_evidence_is_refused_when_the_category_requires_it(county, personas):
    item = walk(handed_item(county, personas, cat=category(requires_evidence=True)), S.RECTIFYING, personas)
    changes = StatusChange.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.item_request_closure(item=item, actor=personas.village_a1)
    assert exc.value.messages == ["“组织建设”类事项销号须附佐证材料：请至少上传一个文件。"]
    item.refresh_from_db()
    assert item.status == S.RECTIFYING
    assert item.closure_requested_on is None
    assert StatusChange.objects.count() == changes


def test_closure_without_evidence_is_accepted_when_the_category_does_not_require_it(county, personas):
    item = walk(handed_item(county, personas, cat=category(requires_evidence=False)), S.RECTIFYING, personas)
    item = services.item_request_closure(item=item, actor=personas.village_a1)
    assert item.status == S.CLOSURE_REQUESTED


def test_a_closure_request_with_a_file_stores_it_as_closure_evidence(county, personas):
    item = walk(handed_item(county, personas, cat=category()), S.RECTIFYING, personas)
    item = services.item_request_closure(item=item, actor=personas.village_a1, files=[pdf("会议记录.pdf")])
    assert item.status == S.CLOSURE_REQUESTED
    assert list(Evidence.objects.filter(item=item).values_list("purpose", "name", "round")) == [
        ("closure", "会议记录.pdf", 1)
    ]


def test_filing_measures_requires_measures(county, personas):
    item = walk(handed_item(county, personas), S.ACKNOWLEDGED, personas)
    with pytest.raises(ValidationError) as exc:
        services.item_file_measures(item=item, actor=personas.village_a1, measures="  ")
    assert exc.value.messages == ["请填写整改措施。"]
    item.refresh_from_db()
    assert item.status == S.ACKNOWLEDGED


def test_returning_needs_a_reason_and_the_item_can_be_requested_again(county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    with pytest.raises(ValidationError) as exc:
        services.item_return(item=item, actor=personas.township_a, note="")
    assert exc.value.messages == ["请填写理由。"]
    item = services.item_return(item=item, actor=personas.township_a, note="缺少会议记录")
    assert item.status == S.RETURNED
    item = services.item_request_closure(item=item, actor=personas.village_a1, files=[pdf()])
    assert item.status == S.CLOSURE_REQUESTED


def test_a_stale_version_is_refused_with_the_reload_message(county, personas):
    item = handed_item(county, personas)
    seen = item.version
    services.item_acknowledge(
        item=Item.objects.get(pk=item.pk), actor=personas.village_a1, expected_version=seen
    )
    with pytest.raises(ValidationError) as exc:
        services.item_acknowledge(item=item, actor=personas.village_a1, expected_version=seen)
    assert exc.value.messages == [STALE_MESSAGE]


def test_a_stale_closure_request_writes_no_evidence(county, personas):
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    seen = item.version
    services.progress_add(
        item=Item.objects.get(pk=item.pk), actor=personas.village_a1, on=TODAY, text="推进中", percent=50
    )
    with pytest.raises(ValidationError) as exc:
        services.item_request_closure(
            item=item, actor=personas.village_a1, files=[pdf()], expected_version=seen
        )
    assert exc.value.messages == [STALE_MESSAGE]
    assert not Evidence.objects.filter(item=item).exists()


def test_item_move_dispatches_to_the_service_that_owns_the_step(county, personas):
    item = handed_item(county, personas)
    item = services.item_move(item=item, to=S.ACKNOWLEDGED, actor=personas.village_a1)
    item = services.item_move(item=item, to=S.RECTIFYING, actor=personas.village_a1, measures="立行立改")
    assert item.status == S.RECTIFYING
    assert item.measures == "立行立改"
    with pytest.raises(ValidationError):
        services.item_move(item=item, to=S.CLOSED, actor=personas.township_a)


def test_handing_a_list_down_notifies_the_responsible_branch(county, personas):
    item = handed_item(county, personas)
    notices = list(personas.village_a1.notices.values_list("kind", "text"))
    assert notices == [("item_handed_down", f"向A1村党支部交办了新事项：{item.title}")]


def test_returning_and_closing_notify_the_rectifying_side(county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    item = services.item_return(item=item, actor=personas.township_a, note="缺少记录")
    item = services.item_request_closure(item=item, actor=personas.village_a1, files=[pdf()])
    services.item_verify(item=item, actor=personas.township_a)
    kinds = sorted(personas.village_a1.notices.values_list("kind", flat=True))
    assert kinds == ["item_closed", "item_handed_down", "item_returned"]
    assert personas.township_a.notices.filter(kind="closure_requested").count() == 2
