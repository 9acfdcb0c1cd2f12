"""Each action's right is checked at the organisation that holds its side for this item (issue 7, finding 6).

The issuer (the list's organisation) hands down and edits drafts; the rectifier (the responsible
organisation) acknowledges, files measures and progress, asks for closure or an extension; the
supervisor (the supervising organisation) verifies, returns, decides extensions, looks back,
reopens and records accountability and interviews. Every service is tried by somebody who holds
the capability — but at the wrong side.

The item: the county hands it to A镇 and supervises it. A镇's secretary holds every ledger right
in A镇 (the rectifying side) and none at the county; ``desk`` holds the department's rights at the
county only (not below it), so at the supervising and issuing side but not at the rectifying one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.core import workflow
from dangjian.core.models import StatusChange
from dangjian.ledger import rules, services
from dangjian.ledger.models import Accountability, Evidence, ExtensionRequest, Item, Progress, Recheck
from dangjian.talks.models import TalkRecord
from dangjian.talks.services import talk_record_interview

from .builders import TODAY, handed_item, media, pdf  # noqa: F401

S = Item.Status
pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def desk(county):
    user = User.objects.create_user(username="desk", password="x-Desk-2026", display_name="县委组织部窗口")
    RoleAssignment.objects.create(user=user, role=Role.ORG_DEPT, org=county.county, include_subtree=False)
    return user


def county_item(county, personas, **fields) -> Item:
    return handed_item(
        county, personas, org=county.township_a, list_org=county.county, actor=personas.county_admin, **fields
    )


def _step(item, to, actor, **fields):
    return workflow.transition(obj=item, to=to, actor=actor, fields=fields, note="依规办理")


def at_state(item, state, rectifier, verifier) -> Item:
    """Walk ``item`` to ``state`` with the right people (a village-free path for a township's item)."""
    if state == S.HANDED_DOWN:
        return item
    item = services.item_acknowledge(item=item, actor=rectifier)
    if state == S.ACKNOWLEDGED:
        return item
    item = services.item_file_measures(item=item, actor=rectifier, measures="按月召开支委会")
    if state == S.RECTIFYING:
        return item
    item = services.item_request_closure(item=item, actor=rectifier, files=[pdf()])
    if state == S.CLOSURE_REQUESTED:
        return item
    if state == S.RETURNED:
        return services.item_return(item=item, actor=verifier, note="材料不全")
    return services.item_verify(item=item, actor=verifier)


def _fingerprint() -> tuple:
    return (
        StatusChange.objects.count(),
        list(Item.objects.order_by("pk").values_list("status", "version", "deadline", "percent", "title")),
        Progress.objects.count(),
        Evidence.objects.count(),
        list(ExtensionRequest.objects.order_by("pk").values_list("status", flat=True)),
        list(Recheck.objects.order_by("pk").values_list("result", flat=True)),
        Accountability.objects.count(),
        TalkRecord.objects.count(),
    )


# ------------------------------------------------------------------ the supervisor's acts, tried by the rectifier


def _verify(ctx):
    services.item_verify(item=ctx.item, actor=ctx.actor)


def _return(ctx):
    services.item_return(item=ctx.item, actor=ctx.actor, note="退回")


def _decide_extension(ctx):
    services.extension_decide(extension=ctx.extension, actor=ctx.actor, approve=True)


def _refuse_extension(ctx):
    services.extension_decide(extension=ctx.extension, actor=ctx.actor, approve=False, note="不同意")


def _schedule_look_back(ctx):
    services.recheck_schedule(item=ctx.item, actor=ctx.actor, scheduled_on=TODAY, today=TODAY)


def _confirm_look_back(ctx):
    services.recheck_record(recheck=ctx.recheck, actor=ctx.actor, result="confirmed", note="到位")


def _reopen_after_look_back(ctx):
    services.recheck_record(
        recheck=ctx.recheck,
        actor=ctx.actor,
        result="relapsed",
        note="又未开会",
        new_deadline=TODAY + timedelta(days=30),
        today=TODAY,
    )


def _reopen_directly(ctx):
    _step(ctx.item, S.RECTIFYING, ctx.actor, deadline=TODAY + timedelta(days=30))


def _look_back_evidence(ctx):
    services.evidence_attach(item=ctx.item, actor=ctx.actor, files=[pdf()], purpose="recheck")


def _accountability(ctx):
    services.accountability_record(
        item=ctx.item,
        actor=ctx.actor,
        forms=["notice"],
        person_name="张三",
        body="discipline",
        facts="逾期",
        decided_on=TODAY,
        today=TODAY,
    )


def _interview(ctx):
    talk_record_interview(
        item=ctx.item, talker="书记", talkee="张三", held_on=TODAY, content="约谈", actor=ctx.actor
    )


# (name, state the item must be in, action)
SUPERVISOR_ACTS: list[tuple[str, str, Callable]] = [
    ("verify", S.CLOSURE_REQUESTED, _verify),
    ("return", S.CLOSURE_REQUESTED, _return),
    ("approve an extension", S.RECTIFYING, _decide_extension),
    ("refuse an extension", S.RECTIFYING, _refuse_extension),
    ("schedule a look-back", S.CLOSED, _schedule_look_back),
    ("confirm a look-back", S.CLOSED, _confirm_look_back),
    ("reopen after a look-back", S.CLOSED, _reopen_after_look_back),
    ("reopen", S.CLOSED, _reopen_directly),
    ("attach look-back evidence", S.CLOSED, _look_back_evidence),
    ("record accountability", S.RECTIFYING, _accountability),
    ("record an interview", S.RECTIFYING, _interview),
]


class Ctx:
    def __init__(self, item, actor, extension=None, recheck=None):
        self.item, self.actor, self.extension, self.recheck = item, actor, extension, recheck


def _prepare(county, personas, desk, state, *, look_back: bool = True) -> Ctx:
    item = county_item(county, personas)
    # A. 镇 rectifies its own item; the county's desk verifies it.
    item = at_state(item, state, personas.township_a, desk)
    extension = recheck = None
    if state == S.RECTIFYING:
        extension = services.extension_request(
            item=item,
            actor=personas.township_a,
            requested_to=item.deadline + timedelta(days=9),
            reason="人手不足",
        )
    if state == S.CLOSED and look_back:
        (recheck,) = services.recheck_schedule(item=item, actor=desk, scheduled_on=TODAY, today=TODAY)
    item.refresh_from_db()
    return Ctx(item, None, extension, recheck)


@pytest.mark.parametrize(("name", "state", "act"), SUPERVISOR_ACTS, ids=[a[0] for a in SUPERVISOR_ACTS])
def test_the_rectifying_township_cannot_do_the_supervisors_part(name, state, act, county, personas, desk):
    ctx = _prepare(county, personas, desk, state)
    ctx.actor = personas.township_a  # holds verify and inspect — in A镇, not at the supervising county
    before = _fingerprint()
    with pytest.raises(PermissionDenied):
        act(ctx)
    assert _fingerprint() == before


# Reopening happens only through a recorded look-back, which the list above also tries.
SUPERVISOR_SERVICES = [a for a in SUPERVISOR_ACTS if a[0] != "reopen"]


@pytest.mark.parametrize(
    ("name", "state", "act"), SUPERVISOR_SERVICES, ids=[a[0] for a in SUPERVISOR_SERVICES]
)
def test_the_supervising_county_does_its_part_with_a_right_held_there_only(
    name, state, act, county, personas, desk
):
    ctx = _prepare(county, personas, desk, state, look_back=name != "schedule a look-back")
    ctx.actor = desk  # the department's rights at the county itself, not over A镇
    before = _fingerprint()
    act(ctx)
    assert _fingerprint() != before


# ------------------------------------------------------------------ the rectifier's acts, tried by the supervisor


def _acknowledge(ctx):
    services.item_acknowledge(item=ctx.item, actor=ctx.actor)


def _measures(ctx):
    services.item_file_measures(item=ctx.item, actor=ctx.actor, measures="措施")


def _on_the_spot(ctx):
    services.item_request_closure(item=ctx.item, actor=ctx.actor, measures="当场整改", files=[pdf()])


def _request_closure(ctx):
    services.item_request_closure(item=ctx.item, actor=ctx.actor, files=[pdf()])


def _resume(ctx):
    services.item_resume(item=ctx.item, actor=ctx.actor)


def _progress(ctx):
    services.progress_add(item=ctx.item, actor=ctx.actor, on=TODAY, text="推进中", percent=50, today=TODAY)


def _extension(ctx):
    services.extension_request(
        item=ctx.item, actor=ctx.actor, requested_to=ctx.item.deadline + timedelta(days=5), reason="人手不足"
    )


def _evidence(ctx):
    services.evidence_attach(item=ctx.item, actor=ctx.actor, files=[pdf()])


RECTIFIER_ACTS: list[tuple[str, str, Callable]] = [
    ("acknowledge", S.HANDED_DOWN, _acknowledge),
    ("file measures", S.ACKNOWLEDGED, _measures),
    ("fix on the spot", S.HANDED_DOWN, _on_the_spot),
    ("request closure", S.RECTIFYING, _request_closure),
    ("continue after a return", S.RETURNED, _resume),
    ("report progress", S.RECTIFYING, _progress),
    ("request an extension", S.RECTIFYING, _extension),
    ("attach evidence", S.RECTIFYING, _evidence),
]


@pytest.mark.parametrize(("name", "state", "act"), RECTIFIER_ACTS, ids=[a[0] for a in RECTIFIER_ACTS])
def test_the_supervising_desk_cannot_do_the_rectifiers_part(name, state, act, county, personas, desk):
    item = at_state(county_item(county, personas), state, personas.township_a, desk)
    item.refresh_from_db()
    before = _fingerprint()
    with pytest.raises(PermissionDenied):
        act(Ctx(item, desk))  # holds "rectify" at the county only, not at A镇
    assert _fingerprint() == before


# ------------------------------------------------------------------ the issuer's acts, tried by the receiver


def test_the_receiving_township_cannot_edit_or_add_to_the_countys_list(county, personas):
    item = county_item(county, personas)
    before = _fingerprint()
    with pytest.raises(PermissionDenied):
        services.item_update(item=item, actor=personas.township_a, title="改个标题")
    with pytest.raises(PermissionDenied):
        services.item_create(
            item_list=item.item_list,
            org=county.township_a,
            title="自己加一项",
            actor=personas.township_a,
            deadline=TODAY + timedelta(days=5),
        )
    with pytest.raises(PermissionDenied):
        services.item_hand_down_many(
            item_list=item.item_list,
            orgs=[county.village_a1],
            title="再下发",
            actor=personas.township_a,
            long_term=True,
        )
    assert _fingerprint() == before


def test_the_receiving_township_cannot_move_the_countys_draft_list(county, personas):
    item_list = services.list_create(
        org=county.county, title="县委清单", actor=personas.county_admin, issued_on=TODAY
    )
    services.item_create(
        item_list=item_list,
        org=county.township_a,
        title="草稿事项",
        actor=personas.county_admin,
        deadline=TODAY + timedelta(days=5),
        today=TODAY,
    )
    for move in (services.list_issue, services.list_submit):
        with pytest.raises(PermissionDenied):
            move(item_list=item_list, actor=personas.township_a)
    item_list.refresh_from_db()
    assert item_list.status == item_list.Status.DRAFT


# ------------------------------------------------------------------ one mechanism


def test_every_ledger_move_names_the_side_that_holds_its_right():
    for table in rules.WORKFLOWS.values():
        for pair, rule in table.items():
            assert isinstance(rule.at, rules.Side), pair


def test_the_moves_offered_follow_the_sides(county, personas, desk):
    item = at_state(county_item(county, personas), S.CLOSURE_REQUESTED, personas.township_a, desk)
    assert [to for to, _rule in workflow.allowed_moves(item, personas.township_a)] == []
    assert sorted(to for to, _rule in workflow.allowed_moves(item, desk)) == [S.CLOSED, S.RETURNED]


def test_the_side_check_in_sql_agrees_with_the_python_one(county, personas, desk):
    items = [county_item(county, personas), handed_item(county, personas)]
    users = [personas.township_a, personas.village_a1, personas.county_admin, personas.inspector, desk]
    for side, cap in [
        (rules.ISSUER, rules.HAND_DOWN),
        (rules.RECTIFIER, rules.RECTIFY),
        (rules.SUPERVISOR, rules.VERIFY),
        (rules.SUPERVISOR, rules.INSPECT),
    ]:
        for user in users:
            in_sql = set(Item.objects.filter(pk__in=[i.pk for i in items]).on_side(user, cap, side))
            in_python = {i for i in items if rules.can_act(user, cap, i, side)}
            assert in_sql == in_python, (side, cap, user)
