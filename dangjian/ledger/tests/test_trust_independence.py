"""Nobody fixes and signs off the same item (issue 7, finding 8).

Whoever did a rectifying step in the item's current round — acknowledging, measures, progress,
evidence, a closure or extension request, continuing after a return — never verifies, returns,
looks back on or decides on it, whatever their roles and whatever ``ledger.separation_of_duties``
says. A superior entering steps for a village (代录) is allowed and marked on the item and in the
ledger export. Closure keeps the last reported progress.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core import params as core_params
from dangjian.core.models import StatusChange
from dangjian.ledger import rules, selectors, services
from dangjian.ledger.models import ExtensionRequest, Item

from . import test_trust_sides as sides
from .builders import TODAY, handed_item, media, pdf, walk  # noqa: F401

S = Item.Status
pytestmark = pytest.mark.usefixtures("media")

SELF_CHECK = (
    "职责分离：您办理过该事项的整改（签收、报送措施、报送进展、申请销号或延期，或代为录入），"
    "不能核验、退回该事项或对其回头看，也不能审批其延期申请。"
)


def test_a_township_secretary_who_did_the_villages_steps_cannot_verify_them(county, personas):
    """The reported case: A镇's secretary acknowledged, filed measures, requested closure and verified alone."""
    ta = personas.township_a
    item = handed_item(county, personas)  # A镇 hands it to A1村 and supervises it
    item = services.item_acknowledge(item=item, actor=ta)
    item = services.item_file_measures(item=item, actor=ta, measures="补齐会议记录")
    item = services.item_request_closure(item=item, actor=ta, files=[pdf()])
    changes = StatusChange.objects.count()
    for act in (
        lambda: services.item_verify(item=item, actor=ta),
        lambda: services.item_return(item=item, actor=ta, note="退回"),
    ):
        with pytest.raises(ValidationError) as exc:
            act()
        assert exc.value.messages == [SELF_CHECK]
    item.refresh_from_db()
    assert (item.status, item.closed_on, item.closed_by) == (S.CLOSURE_REQUESTED, None, None)
    assert StatusChange.objects.count() == changes
    # Somebody else of the supervising side can.
    assert services.item_verify(item=item, actor=personas.county_admin).status == S.CLOSED


# (name, the state in which the step is taken, the step)
STEPS: list[tuple[str, str, Callable]] = [
    ("acknowledged", S.HANDED_DOWN, sides._acknowledge),
    ("filed the measures", S.ACKNOWLEDGED, sides._measures),
    ("reported progress", S.RECTIFYING, sides._progress),
    ("uploaded evidence", S.RECTIFYING, sides._evidence),
    ("asked for an extension", S.RECTIFYING, sides._extension),
    ("asked for closure", S.RECTIFYING, sides._request_closure),
]


@pytest.mark.parametrize(("name", "state", "step"), STEPS, ids=[s[0] for s in STEPS])
def test_any_rectifying_step_bars_the_person_from_verifying(name, state, step, county, personas):
    ta, village = personas.township_a, personas.village_a1
    item = walk(handed_item(county, personas), state, personas)
    step(sides.Ctx(item, ta))  # the township takes this one step on the village's behalf
    item.refresh_from_db()
    item = walk_rest(item, village)
    assert item.status == S.CLOSURE_REQUESTED
    assert ta.pk in rules.rectifier_ids(item)
    with pytest.raises(ValidationError) as exc:
        services.item_verify(item=item, actor=ta)
    assert exc.value.messages == [SELF_CHECK]
    # The verify button is not offered either.
    assert S.CLOSED not in [to for to, _rule in selectors.item_moves(item, ta)]


def walk_rest(item, village) -> Item:
    item.refresh_from_db()
    if item.status == S.HANDED_DOWN:
        item = services.item_acknowledge(item=item, actor=village)
    if item.status == S.ACKNOWLEDGED:
        item = services.item_file_measures(item=item, actor=village, measures="措施")
    if item.status == S.RECTIFYING:
        item = services.item_request_closure(item=item, actor=village, files=[pdf()])
    return item


def test_the_step_rule_holds_even_with_separation_of_duties_switched_off(county, personas):
    core_params.set_value("ledger.separation_of_duties", 0)
    ta = personas.township_a
    item = walk(handed_item(county, personas), S.RECTIFYING, personas, rectifier=ta)
    item = services.item_request_closure(item=item, actor=ta, files=[pdf()])
    with pytest.raises(ValidationError) as exc:
        services.item_verify(item=item, actor=ta)
    assert exc.value.messages == [SELF_CHECK]


def test_who_requested_an_extension_cannot_decide_it(county, personas):
    ta = personas.township_a
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    ext = services.extension_request(
        item=item, actor=ta, requested_to=item.deadline + timedelta(days=5), reason="汛期"
    )
    with pytest.raises(ValidationError) as exc:
        services.extension_decide(extension=ext, actor=ta, approve=True)
    assert exc.value.messages == [SELF_CHECK]
    ext.refresh_from_db()
    assert ext.status == ExtensionRequest.Status.PENDING


def test_who_rectified_an_item_cannot_certify_its_look_back(county, personas):
    ta = personas.township_a
    item = walk(handed_item(county, personas), S.RECTIFYING, personas, rectifier=ta)
    item = services.item_request_closure(item=item, actor=ta, files=[pdf()])
    item = services.item_verify(item=item, actor=personas.county_admin)
    (check,) = services.recheck_schedule(item=item, actor=ta, scheduled_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.recheck_record(recheck=check, actor=ta, result="confirmed", note="到位")
    assert exc.value.messages == [SELF_CHECK]
    check.refresh_from_db()
    assert check.done_on is None


def test_a_new_round_after_a_relapse_starts_with_a_clean_slate(county, personas):
    """The round-one rectifier may verify round two if somebody else did its steps."""
    ta, village = personas.township_a, personas.village_a1
    item = walk(handed_item(county, personas), S.RECTIFYING, personas, rectifier=ta)
    item = services.item_request_closure(item=item, actor=ta, files=[pdf()], today=TODAY)
    item = services.item_verify(item=item, actor=personas.county_admin, today=TODAY)
    (check,) = services.recheck_schedule(item=item, actor=personas.inspector, scheduled_on=TODAY, today=TODAY)
    services.recheck_record(
        recheck=check,
        actor=personas.inspector,
        result="relapsed",
        note="又未开会",
        new_deadline=TODAY + timedelta(days=30),
        today=TODAY + timedelta(days=1),
    )
    item.refresh_from_db()
    assert (item.round, item.proxy_by) == (2, None)  # the 代录 mark belonged to round one
    item = services.item_request_closure(
        item=item, actor=village, files=[pdf()], today=TODAY + timedelta(days=2)
    )
    assert ta.pk not in rules.rectifier_ids(item)
    item = services.item_verify(item=item, actor=ta, today=TODAY + timedelta(days=2))
    assert (item.status, item.closed_by) == (S.CLOSED, ta)


def test_the_sql_and_python_forms_of_who_rectified_agree(county, personas):
    ta, village = personas.township_a, personas.village_a1
    items = [
        walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas),
        walk(handed_item(county, personas), S.RECTIFYING, personas, rectifier=ta),
        handed_item(county, personas),
    ]
    services.item_acknowledge(item=items[2], actor=village)
    services.progress_add(item=items[2], actor=ta, on=TODAY, text="代为报送", percent=10, today=TODAY)
    services.extension_request(
        item=items[1], actor=village, requested_to=items[1].deadline + timedelta(days=3), reason="汛期"
    )
    users = [ta, village, personas.county_admin, personas.inspector]
    for user in users:
        in_sql = set(Item.objects.filter(rules.rectified_by_q(user)))
        in_python = {i for i in Item.objects.all() if user.pk in rules.rectifier_ids(i)}
        assert in_sql == in_python, user


def test_the_waiting_queue_does_not_offer_what_i_rectified(county, personas):
    ta = personas.township_a
    mine = walk(handed_item(county, personas), S.RECTIFYING, personas, rectifier=ta)
    services.item_request_closure(item=mine, actor=ta, files=[pdf()])
    theirs = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    waiting = selectors.my_work(ta, TODAY).waiting
    assert list(waiting) == [theirs]
    assert selectors.my_work_counts(ta, TODAY)["waiting"] == 1


# ------------------------------------------------------------------ 代录


def _export_rows(client) -> list[list]:
    book = load_workbook(io.BytesIO(client.get(reverse("ledger:ledger_export")).content), read_only=True)
    return [list(r) for r in book.active.iter_rows(min_row=3, values_only=True)]


def test_a_superiors_entry_for_a_village_is_marked_on_the_item_and_in_the_ledger(client, county, personas):
    ta, village = personas.township_a, personas.village_a1
    item = handed_item(county, personas)
    services.item_acknowledge(item=item, actor=village)
    item.refresh_from_db()
    assert item.proxy_by is None  # the village's own step is not 代录
    services.progress_add(item=item, actor=ta, on=TODAY, text="镇里代为报送进展", percent=30, today=TODAY)
    item.refresh_from_db()
    assert item.proxy_by == ta and item.proxy_at is not None
    client.force_login(personas.county_admin)
    page = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    assert "代录" in page and "A镇书记" in page
    header, row = _export_rows(client)[:2]
    assert row[header.index("代录")].startswith("A镇书记代录（")


def test_closure_keeps_the_last_reported_progress(client, county, personas):
    village = personas.village_a1
    item = walk(handed_item(county, personas), S.RECTIFYING, personas)
    services.progress_add(item=item, actor=village, on=TODAY, text="完成大半", percent=60, today=TODAY)
    item = services.item_request_closure(item=item, actor=village, files=[pdf()])
    item = services.item_verify(item=item, actor=personas.township_a)
    item.refresh_from_db()
    assert (item.status, item.percent) == (S.CLOSED, 60)
    client.force_login(personas.township_a)
    header, row = _export_rows(client)[:2]
    assert row[header.index("审核人")] == "A镇书记"
    assert "100%" not in row[header.index("整改进展")] and "60%" in row[header.index("整改进展")]
    page = client.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="item-verifier">A镇书记' in page
