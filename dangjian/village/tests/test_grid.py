"""Grid matters: time limits in working days, the routing chain, handling, feedback and supervision."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.indicators import Period
from dangjian.village import selectors, services
from dangjian.village.indicators import grid_on_time_rate
from dangjian.village.models import GridHop, GridMatter

from .builders import grid_category

pytestmark = pytest.mark.django_db
S = GridMatter.Status


@pytest.fixture
def grid(county, personas):
    return services.grid_create(
        org=county.village_a1, name="第一网格", area="一组、二组", members=[], actor=personas.village_a1
    )


def register(grid, actor, **extra):
    data = {
        "title": "路灯损坏",
        "source": "resident",
        "category": grid_category("公共设施"),
        "reporter_name": "王大爷",
        "reporter_phone": "13812345678",
        "registered_on": date(2026, 9, 30),
        **extra,
    }
    return services.matter_register(grid=grid, actor=actor, today=date(2026, 10, 9), **data)


def test_time_limits_count_working_days_across_the_holiday(grid, personas):
    # Registered on 30 September 2026: the National Day holiday (1–7 October) does not count, the
    # Saturday 10 October worked in exchange (调休) does: 8, 9, 10, 12, 13 October are the five days.
    matter = register(grid, personas.village_a1)
    assert (matter.respond_by, matter.resolve_by) == (date(2026, 10, 8), date(2026, 10, 13))
    complex_matter = register(grid, personas.village_a1, complex=True)
    assert complex_matter.resolve_by == date(2026, 10, 27)


def test_a_matter_is_routed_up_handled_fed_back_and_closed_by_someone_else(grid, personas, county):
    matter = register(grid, personas.village_a1)
    services.matter_route(
        matter=matter, to_org=county.township_a, reason="涉及供电所，需镇协调", actor=personas.village_a1
    )
    matter.refresh_from_db()
    assert (matter.status, matter.handler_org) == (S.ROUTED, county.township_a)
    # The village no longer holds the right to handle it; the township does.
    with pytest.raises(PermissionDenied):
        services.matter_move(matter=matter, to=S.HANDLING, actor=personas.village_a1)
    services.matter_route(
        matter=matter,
        to_org=county.village_a1,
        reason="已协调供电所，退回村里维修",
        actor=personas.township_a,
    )
    matter.refresh_from_db()
    services.matter_move(matter=matter, to=S.HANDLING, actor=personas.village_a1, today=date(2026, 10, 8))
    services.matter_move(
        matter=matter,
        to=S.RESOLVED,
        actor=personas.village_a1,
        measures="更换灯泡",
        resolved_on=date(2026, 10, 9),
        today=date(2026, 10, 9),
    )
    services.matter_move(
        matter=matter,
        to=S.ANSWERED,
        actor=personas.village_a1,
        feedback_how="电话回访",
        feedback_on=date(2026, 10, 9),
        satisfaction="satisfied",
        today=date(2026, 10, 9),
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        services.matter_move(matter=matter, to=S.CLOSED, actor=personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        services.matter_move(matter=matter, to=S.CLOSED, actor=personas.township_a)
    assert exc.value.messages == ["登记、流转或处置过该事项的人不能对其督查问效。"]
    services.matter_move(matter=matter, to=S.CLOSED, actor=personas.inspector)
    matter.refresh_from_db()
    assert (matter.status, matter.responded_on, matter.satisfaction) == (
        S.CLOSED,
        date(2026, 10, 8),
        "satisfied",
    )
    hops = list(
        GridHop.objects.filter(matter=matter).values_list("from_org__short_name", "to_org__short_name")
    )
    assert hops == [("A1村党支部", "A镇党委"), ("A镇党委", "A1村党支部")]


def test_routing_outside_ones_scope_is_refused(grid, personas, county):
    matter = register(grid, personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        services.matter_route(
            matter=matter, to_org=county.township_b, reason="转B镇", actor=personas.village_a1
        )
    assert exc.value.message_dict == {"to_org": ["只能将事项流转至您管辖范围内的组织。"]}
    matter.refresh_from_db()
    assert matter.status == S.REGISTERED and not GridHop.objects.exists()


def test_feedback_before_handling_is_refused(grid, personas):
    matter = register(grid, personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        services.matter_move(
            matter=matter,
            to=S.ANSWERED,
            actor=personas.village_a1,
            feedback_how="电话",
            feedback_on=date(2026, 10, 9),
            satisfaction="satisfied",
        )
    assert exc.value.messages == ["“已登记”不能变更为“已反馈”。"]
    services.matter_move(matter=matter, to=S.HANDLING, actor=personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        services.matter_move(
            matter=matter, to=S.RESOLVED, actor=personas.village_a1, measures="", resolved_on=None
        )
    assert exc.value.message_dict == {
        "measures": ["请填写处置措施。"],
        "resolved_on": ["处置日期不能早于登记日期。"],
    }


def test_an_unsatisfied_reporter_gets_the_matter_reopened(grid, personas):
    matter = register(grid, personas.village_a1)
    services.matter_move(matter=matter, to=S.HANDLING, actor=personas.village_a1)
    services.matter_move(
        matter=matter,
        to=S.RESOLVED,
        actor=personas.village_a1,
        measures="口头劝说",
        resolved_on=date(2026, 10, 9),
        today=date(2026, 10, 9),
    )
    services.matter_move(
        matter=matter,
        to=S.ANSWERED,
        actor=personas.village_a1,
        feedback_how="上门",
        feedback_on=date(2026, 10, 9),
        satisfaction="unsatisfied",
        today=date(2026, 10, 9),
    )
    with pytest.raises(ValidationError) as exc:
        services.matter_move(matter=matter, to=S.HANDLING, actor=personas.township_a, note="")
    assert exc.value.messages == ["请填写理由。"]
    services.matter_move(matter=matter, to=S.HANDLING, actor=personas.township_a, note="群众不满意，重新处置")
    matter.refresh_from_db()
    assert matter.status == S.HANDLING


def test_traffic_lights_and_the_on_time_rate(grid, personas, county):
    late = register(grid, personas.village_a1)
    assert selectors.light(late, date(2026, 10, 9)) == "red"  # no response by 8 October
    fresh = register(grid, personas.village_a1, registered_on=date(2026, 10, 9))
    assert (fresh.respond_by, fresh.resolve_by) == (date(2026, 10, 10), date(2026, 10, 15))
    assert selectors.light(fresh, date(2026, 10, 9)) == "green"
    for matter in (late, fresh):
        services.matter_move(matter=matter, to=S.HANDLING, actor=personas.village_a1)
    assert selectors.light(fresh, date(2026, 10, 14)) == "yellow"  # one day left
    assert selectors.light(fresh, date(2026, 10, 16)) == "red"
    for matter, day in ((late, date(2026, 10, 15)), (fresh, date(2026, 10, 12))):
        services.matter_move(
            matter=matter,
            to=S.RESOLVED,
            actor=personas.village_a1,
            measures="已修复",
            resolved_on=day,
            today=day,
        )
    period = Period.month(2026, 10)
    assert grid_on_time_rate([county.township_a, county.township_b], period) == {
        county.township_a.pk: 50.0,
        county.township_b.pk: None,
    }


def test_the_roll_up_counts_each_subtree(grid, personas, county):
    register(grid, personas.village_a1)
    register(grid, personas.village_a1, category=grid_category("安全隐患"))
    rows = {
        r["org"]: r
        for r in selectors.grid_rollup(
            personas.county_admin, [county.county, county.township_a, county.township_b]
        )
    }
    assert (
        rows[county.county]["total"],
        rows[county.township_a]["total"],
        rows[county.township_b]["total"],
    ) == (2, 2, 0)
    assert rows[county.township_a]["on_time_rate"] is None


def test_an_overdue_matter_becomes_a_ledger_item_of_its_community_once(grid, personas, county):
    from dangjian.ledger.models import Item

    matter = register(grid, personas.village_a1)  # resolve by 13 October 2026
    fresh = register(grid, personas.village_a1, registered_on=date(2026, 10, 9))
    services.matter_move(matter=fresh, to=S.HANDLING, actor=personas.village_a1, today=date(2026, 10, 9))
    with pytest.raises(ValidationError) as exc:
        services.matter_to_ledger(
            matter=fresh, actor=personas.township_a, deadline=date(2026, 11, 1), today=date(2026, 10, 12)
        )
    assert exc.value.messages == ["只有逾期或反映人不满意的事项才能转入整改台账。"]
    with pytest.raises(PermissionDenied):
        services.matter_to_ledger(
            matter=matter, actor=personas.village_a1, deadline=date(2026, 11, 1), today=date(2026, 10, 20)
        )
    with pytest.raises(PermissionDenied):
        services.matter_to_ledger(
            matter=matter, actor=personas.township_b, deadline=date(2026, 11, 1), today=date(2026, 10, 20)
        )
    item = services.matter_to_ledger(
        matter=matter, actor=personas.township_a, deadline=date(2026, 11, 1), today=date(2026, 10, 20)
    )
    again = services.matter_to_ledger(
        matter=matter, actor=personas.township_a, deadline=date(2026, 11, 1), today=date(2026, 10, 20)
    )
    assert item.pk == again.pk and Item.objects.count() == 1
    assert (item.org, item.item_list.org, item.deadline) == (
        county.village_a1,
        county.township_a,
        date(2026, 11, 1),
    )
    assert item.title == "网格事项未办结：路灯损坏"
