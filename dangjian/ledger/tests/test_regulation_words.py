"""The regulations' words as rules (issue 8, point 5): 立行立改, extensions, 问责条例, sources, 审核人."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from dangjian.core import params as core_params
from dangjian.core.models import StatusChange
from dangjian.ledger import services
from dangjian.ledger.filters import ItemFilter
from dangjian.ledger.models import Accountability, Evidence, ExtensionRequest, Item, Source

from .builders import TODAY, category, handed_item, media, pdf, walk  # noqa: F401

S = Item.Status
A = Accountability
pytestmark = pytest.mark.usefixtures("media")


# ------------------------------------------------------------------ 立行立改


@pytest.mark.parametrize("state", [S.HANDED_DOWN, S.ACKNOWLEDGED])
def test_an_item_fixed_on_the_spot_goes_straight_to_verification_with_its_evidence(state, county, personas):
    village = personas.village_a1
    item = walk(handed_item(county, personas), state, personas)
    item = services.item_move(
        item=item, to=S.CLOSURE_REQUESTED, actor=village, measures="当场补齐会议记录", files=[pdf("现场.pdf")]
    )
    assert (item.status, item.fixed_on_the_spot, item.measures) == (
        S.CLOSURE_REQUESTED,
        True,
        "当场补齐会议记录",
    )
    assert Evidence.objects.filter(item=item, purpose="closure").count() == 1
    # The verifier still verifies — somebody else than who fixed it.
    with pytest.raises(PermissionDenied):
        services.item_verify(item=item, actor=village)
    item = services.item_verify(item=item, actor=personas.township_a)
    assert (item.status, item.closed_by) == (S.CLOSED, personas.township_a)


def test_fixing_on_the_spot_needs_evidence_even_when_the_category_does_not(county, personas):
    item = handed_item(county, personas, cat=category(requires_evidence=False))
    changes = StatusChange.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.item_request_closure(item=item, actor=personas.village_a1, measures="当场整改")
    assert exc.value.messages == ["立行立改须附佐证材料：请至少上传一个文件。"]
    with pytest.raises(ValidationError) as exc:
        services.item_request_closure(item=item, actor=personas.village_a1, measures=" ", files=[pdf()])
    assert exc.value.message_dict == {"measures": ["请填写立行立改的整改内容。"]}
    item.refresh_from_db()
    assert (item.status, item.fixed_on_the_spot) == (S.HANDED_DOWN, False)
    assert StatusChange.objects.count() == changes


def test_the_item_page_offers_fixing_on_the_spot_to_the_rectifying_side(client, county, personas):
    item = handed_item(county, personas)
    client.force_login(personas.village_a1)
    page = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="move-closure_requested"' in page and "立行立改，申请销号" in page


# ------------------------------------------------------------------ extensions


def test_an_extension_is_asked_before_the_deadline_only(county, personas):
    deadline = TODAY + timedelta(days=2)
    item = walk(handed_item(county, personas, deadline=deadline), S.RECTIFYING, personas)
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            item=item,
            actor=personas.village_a1,
            requested_to=deadline + timedelta(days=10),
            reason="汛期",
            today=deadline + timedelta(days=1),
        )
    assert exc.value.messages == [
        f"延期须在整改时限（{deadline.isoformat()}）届满前申请；该事项已逾期，不能再申请延期。"
    ]
    assert not ExtensionRequest.objects.exists()
    # On the deadline day itself it is still in time.
    ext = services.extension_request(
        item=item,
        actor=personas.village_a1,
        requested_to=deadline + timedelta(days=10),
        reason="汛期",
        today=deadline,
    )
    assert ext.status == ExtensionRequest.Status.PENDING


def test_an_item_is_extended_at_most_the_configured_number_of_times(county, personas):
    village, township = personas.village_a1, personas.township_a
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    for _n in range(2):
        item.refresh_from_db()
        ext = services.extension_request(
            item=item,
            actor=village,
            requested_to=item.deadline + timedelta(days=5),
            reason="汛期",
            today=TODAY,
        )
        services.extension_decide(extension=ext, actor=township, approve=True, today=TODAY)
    item.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            item=item,
            actor=village,
            requested_to=item.deadline + timedelta(days=5),
            reason="汛期",
            today=TODAY,
        )
    assert exc.value.messages == ["每项事项最多可申请延期 2 次，该事项已用完。"]
    assert ExtensionRequest.objects.count() == 2
    core_params.set_value("ledger.max_extensions", 3)
    services.extension_request(
        item=item, actor=village, requested_to=item.deadline + timedelta(days=5), reason="汛期", today=TODAY
    )
    assert ExtensionRequest.objects.count() == 3


# ------------------------------------------------------------------ 问责条例 (2019)


def _record(item, actor, **fields):
    values = {
        "target": A.Target.CADRE,
        "person_name": "张三",
        "forms": [A.Form.NOTICE],
        "body": A.Body.DISCIPLINE,
        "facts": "整改逾期三个月",
        "decided_on": TODAY,
        "today": TODAY,
    }
    values.update(fields)
    return services.accountability_record(item=item, actor=actor, **values)


def test_forms_for_a_leading_cadre_may_be_combined(county, personas):
    item = handed_item(county, personas)
    record = _record(item, personas.inspector, forms=[A.Form.ADMONITION, A.Form.ORGANISATIONAL])
    assert record.forms_display() == "诫勉、组织调整或者组织处理"
    assert (record.get_target_display(), record.get_body_display()) == ("党的领导干部", "纪委监委")


def test_an_organisation_is_held_accountable_with_the_organisations_forms(county, personas):
    item = handed_item(county, personas)
    record = _record(
        item,
        personas.inspector,
        target=A.Target.ORGANISATION,
        person_name="",
        target_org=county.village_a1,
        forms=[A.Form.SELF_EXAMINATION, A.Form.NOTICE],
        body=A.Body.PARTY_COMMITTEE,
    )
    assert (record.held_label(), record.forms_display()) == ("A1村党支部", "检查、通报")
    with pytest.raises(ValidationError) as exc:
        _record(
            item,
            personas.inspector,
            target=A.Target.ORGANISATION,
            target_org=county.village_a1,
            forms=[A.Form.DISCIPLINARY],
        )
    assert exc.value.message_dict == {"forms": ["“纪律处分”不是对党组织的问责方式；可选：检查、通报、改组。"]}
    with pytest.raises(ValidationError) as exc:
        _record(item, personas.inspector, target=A.Target.ORGANISATION, target_org=county.village_b1)
    assert exc.value.message_dict == {"target_org": ["被问责的党组织须是整改单位或其上级党组织。"]}
    assert item.accountabilities.count() == 1


@pytest.mark.parametrize("outcome", [A.Outcome.TOLERATED, A.Outcome.CLEARED, A.Outcome.EXEMPT])
def test_tolerating_an_error_or_clearing_a_name_is_recorded_as_such_without_a_form(outcome, county, personas):
    item = handed_item(county, personas)
    with pytest.raises(ValidationError) as exc:
        _record(item, personas.inspector, outcome=outcome)
    label = A.Outcome(outcome).label
    assert exc.value.message_dict == {"forms": [f"“{label}”不给予问责处理：请不要选择问责方式。"]}
    record = _record(item, personas.inspector, outcome=outcome, forms=[])
    assert (record.forms, record.get_outcome_display()) == ([], label)


def test_an_imposed_accountability_needs_a_form(county, personas):
    item = handed_item(county, personas)
    with pytest.raises(ValidationError) as exc:
        _record(item, personas.inspector, forms=[])
    assert exc.value.message_dict == {"forms": ["请至少选择一种问责方式。"]}
    assert not item.accountabilities.exists()


@pytest.mark.django_db(transaction=True)
def test_old_accountability_rows_are_migrated_to_the_regulations_terms(county, personas):
    item_id = handed_item(county, personas).pk
    executor = MigrationExecutor(connection)
    executor.migrate([("ledger", "0005_door")])
    old_apps = executor.loader.project_state([("ledger", "0005_door")]).apps
    OldAccountability = old_apps.get_model("ledger", "Accountability")
    OldAccountability.objects.create(
        item_id=item_id, form="notice", person_name="张三", decided_on=TODAY, note="逾期通报"
    )
    OldAccountability.objects.create(
        item_id=item_id, form="criticism", person_name="李四", decided_on=TODAY, note="当面批评"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {a.person_name: a for a in Accountability.objects.all()}
    assert (rows["张三"].forms, rows["张三"].outcome, rows["张三"].facts) == (
        ["notice"],
        "accountable",
        "逾期通报",
    )
    assert (rows["李四"].forms, rows["李四"].outcome, rows["李四"].facts) == (
        [],
        "exempt",
        "批评教育。当面批评",
    )
    assert {a.target for a in rows.values()} == {"cadre"}


# ------------------------------------------------------------------ sources and the verifier


def test_sources_include_supervision_inspection_assessment_audit_and_the_talk_kinds():
    labels = {str(label) for _value, label in Source.choices}
    assert {
        "日常监督",
        "巡视巡察",
        "考核",
        "审计",
        "政治谈话",
        "谈心谈话",
        "提醒谈话",
        "诫勉谈话",
        "约谈",
        "谈话函询",
    } <= labels
    assert {str(label) for _value, label in ItemFilter().form.fields["source"].choices if _value} == labels


def test_the_verifier_is_recorded_and_shown(client, county, personas):
    item = walk(handed_item(county, personas), S.CLOSED, personas)
    assert item.closed_by == personas.township_a
    client.force_login(personas.village_a1)
    page = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    assert "审核人" in page and 'data-testid="item-verifier">A镇书记' in page
