"""Roll-up, levels, ranking, my work, ageing: exact figures on a small tree and pinned query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dangjian.core import params as core_params
from dangjian.core.scoping import get_scope
from dangjian.ledger import selectors
from dangjian.ledger.models import Escalation, Item, ItemList

from .builders import TODAY

S = Item.Status


@pytest.fixture
def tree_items(county, personas):
    """Items written directly in their states (the selectors only read)."""
    lists = {
        org: ItemList.objects.create(
            org=org, title="清单", status=ItemList.Status.ISSUED, issued_on=TODAY - timedelta(days=60)
        )
        for org in (county.county, county.township_a, county.township_b)
    }
    numbers = iter(range(1, 1000))

    def add(org, status, *, deadline=TODAY + timedelta(days=20), supervisor=None, **fields):
        supervisor = supervisor or (
            county.county
            if org.depth == 2
            else county.township_a
            if org.path.startswith(county.township_a.path)
            else county.township_b
        )
        return Item.objects.create(
            item_list=lists[supervisor],
            number=next(numbers),
            title="问题",
            org=org,
            supervisor_org=supervisor,
            issued_on=TODAY - timedelta(days=60),
            deadline=deadline,
            status=status,
            **fields,
        )

    a1, a2, ta, b1 = county.village_a1, county.village_a2, county.township_a, county.village_b1
    return {
        "a1_closed": add(a1, S.CLOSED, closed_on=TODAY - timedelta(days=30)),
        "a1_late": add(a1, S.CLOSED, closed_late=True, closed_on=TODAY - timedelta(days=5)),
        "a1_red": add(a1, S.RECTIFYING, deadline=TODAY - timedelta(days=10)),
        "a1_new": add(a1, S.HANDED_DOWN),
        "a2_red": add(a2, S.RECTIFYING, deadline=TODAY - timedelta(days=3)),
        "a2_draft": add(a2, S.DRAFT, deadline=TODAY - timedelta(days=40)),
        "ta_closed": add(ta, S.CLOSED, closed_on=TODAY - timedelta(days=2)),
        "a1_request": add(a1, S.CLOSURE_REQUESTED),
        "b1_returned": add(b1, S.RETURNED),
        "b1_long": add(b1, S.RECTIFYING, deadline=None, long_term=True),
    }


def test_the_rollup_counts_each_township_subtree_exactly(county, personas, tree_items):
    rows = {r.org.pk: r for r in selectors.rollup(personas.county_admin, county.county, TODAY)}
    a, b = rows[county.township_a.pk], rows[county.township_b.pk]
    assert (a.total, a.closed, a.closed_on_time, a.closed_late, a.overdue, a.overdue_days_max) == (
        7,
        3,
        2,
        1,
        2,
        10,
    )
    assert a.by_status == {
        "handed_down": 1,
        "acknowledged": 0,
        "rectifying": 2,
        "closure_requested": 1,
        "returned": 0,
        "closed": 3,
    }
    # Due for closure: the two closed early, the one closed late, the two red ones; on time: two of five.
    assert (a.due, a.due_on_time, a.on_time_rate) == (5, 2, 40.0)
    assert a.open == 4
    assert (b.total, b.closed, b.overdue, b.overdue_days_max, b.on_time_rate) == (2, 0, 0, 0, None)
    total = selectors.rollup_totals(list(rows.values()))
    assert (total.total, total.closed, total.overdue, total.overdue_days_max) == (9, 3, 2, 10)
    assert (total.due, total.due_on_time, total.on_time_rate) == (5, 2, 40.0)


def test_the_rollup_one_level_down_splits_a_township_by_village(county, personas, tree_items):
    rows = {r.org.pk: r for r in selectors.rollup(personas.township_a, county.township_a, TODAY)}
    assert set(rows) == {county.village_a1.pk, county.village_a2.pk}
    assert (rows[county.village_a1.pk].total, rows[county.village_a2.pk].total) == (5, 1)


def test_a_township_sees_only_its_own_row_in_the_county_rollup(county, personas, tree_items):
    rows = selectors.rollup(personas.township_b, county.county, TODAY)
    assert [(r.org.pk, r.total) for r in rows] == [(county.township_b.pk, 2)]


def _more_items(county, n):
    item_list = ItemList.objects.create(org=county.township_a, title="更多", status=ItemList.Status.ISSUED)
    Item.objects.bulk_create(
        [
            Item(
                item_list=item_list,
                number=i + 1,
                title="问题",
                org=county.village_a2,
                supervisor_org=county.township_a,
                issued_on=TODAY - timedelta(days=9),
                deadline=TODAY - timedelta(days=i % 5),
                status=S.RECTIFYING,
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("extra", [0, 27])
def test_the_rollup_runs_two_queries_whatever_the_number_of_items(
    county, personas, tree_items, extra, django_assert_num_queries
):
    _more_items(county, extra)
    user = personas.county_admin
    get_scope(user)
    core_params.get("ledger.yellow_days")  # parameters are cached per process (the compiled query's key)
    with django_assert_num_queries(2):
        rows = selectors.rollup(user, county.county, TODAY)
    assert sum(r.total for r in rows) == 9 + extra


@pytest.mark.parametrize("extra", [0, 27])
def test_my_work_counts_and_ageing_run_one_query_and_levels_two(
    county, personas, tree_items, extra, django_assert_num_queries
):
    _more_items(county, extra)
    user = personas.township_a
    get_scope(user)
    core_params.get("ledger.yellow_days")  # parameters are cached per process
    with django_assert_num_queries(1):
        selectors.my_work_counts(user, TODAY)
    with django_assert_num_queries(1):
        selectors.ageing(user, TODAY)
    with django_assert_num_queries(2):  # the figures, and the kinds of organisation that name each level
        selectors.rollup_by_level(user, TODAY)


def test_levels_show_the_on_time_rate_by_tree_depth(county, personas, tree_items):
    levels = {row.depth: row for row in selectors.rollup_by_level(personas.county_admin, TODAY)}
    assert (levels[2].label, levels[2].total, levels[2].closed_on_time) == ("乡镇级", 1, 1)
    assert (levels[3].total, levels[3].closed, levels[3].closed_on_time, levels[3].overdue) == (8, 2, 1, 2)
    assert (levels[3].label, levels[3].due, levels[3].on_time_rate) == ("村（社区）及支部级", 4, 25.0)
    assert levels[2].on_time_rate == 100.0


def test_the_ranking_leaves_out_organisations_with_too_few_items_and_explains_itself(
    county, personas, tree_items
):
    core_params.set_value("ledger.ranking_min_items", 3)
    ranked, method = selectors.ranking(personas.county_admin, county.county, TODAY)
    assert [(r.rank, r.row.org.pk) for r in ranked] == [(1, county.township_a.pk)]
    assert "事项少于 3 项的组织不参加排名" in method
    core_params.set_value("ledger.ranking_min_items", 1)
    ranked, _method = selectors.ranking(personas.county_admin, county.county, TODAY)
    # B镇 has nothing due for closure yet: no rate, so no place in the ranking.
    assert [r.row.org.pk for r in ranked] == [county.township_a.pk]


def test_my_work_lists_what_waits_for_the_village_and_the_township(county, personas, tree_items):
    village = selectors.my_work(personas.village_a1, TODAY)
    assert set(village.waiting) == {tree_items["a1_new"]}
    assert set(village.overdue) == {tree_items["a1_red"]}
    township = selectors.my_work(personas.township_a, TODAY)
    # The township verifies the closure its village asks for (it handed the item down); the villages'
    # items to rectify are theirs, not the township's own work, though the township may act on them.
    assert set(township.waiting) == {tree_items["a1_request"]}
    assert set(township.to_verify) == {tree_items["a1_request"]}
    assert set(township.overdue) == set(township.to_acknowledge) == set()
    counts = selectors.my_work_counts(personas.township_b, TODAY)
    assert counts == {
        "waiting": 0,
        "due_soon": 0,
        "overdue": 0,
        "returned": 0,
        "to_acknowledge": 0,
        "to_verify": 0,
    }
    # B1's returned item is the village's to do again.
    b1 = Item.objects.filter(pk=tree_items["b1_returned"].pk)
    b1.update(org=county.township_b, supervisor_org=county.county)
    counts = selectors.my_work_counts(personas.township_b, TODAY)
    assert (counts["waiting"], counts["returned"]) == (1, 1)


def test_the_county_works_on_its_own_items_and_the_closures_it_handed_down_not_every_item_below(
    county, personas, tree_items
):
    """The county's organisation department may act anywhere in the county, but its to-do list is the county's
    own: items handed to the county, closures of what the county handed down. Everything else in the county
    is a figure of the roll-up, not a task of the department (a city's county had ~6 600 "waiting")."""
    user = personas.county_admin
    assert selectors.my_work_counts(user, TODAY) == dict.fromkeys(selectors.MY_WORK_KEYS, 0)
    Item.objects.filter(pk=tree_items["ta_closed"].pk).update(status=S.CLOSURE_REQUESTED)
    own = Item.objects.create(
        item_list=tree_items["ta_closed"].item_list,
        number=900,
        title="县委自身问题",
        org=county.county,
        supervisor_org=county.county,
        issued_on=TODAY - timedelta(days=60),
        deadline=TODAY - timedelta(days=1),
        status=S.HANDED_DOWN,
    )
    work = selectors.my_work(user, TODAY)
    assert set(work.to_verify) == {tree_items["ta_closed"]}  # handed down by the county to A镇
    assert set(work.to_acknowledge) == set(work.overdue) == {own}
    assert set(work.waiting) == {own, tree_items["ta_closed"]}
    assert selectors.my_work_counts(user, TODAY) == {
        "waiting": 2,
        "due_soon": 0,
        "overdue": 1,
        "returned": 0,
        "to_acknowledge": 1,
        "to_verify": 1,
    }


def test_a_closure_request_of_my_own_organisation_is_not_waiting_for_my_verification(
    county, personas, tree_items
):
    tree_items["ta_closed"].__class__.objects.filter(pk=tree_items["ta_closed"].pk).update(
        status=S.CLOSURE_REQUESTED
    )
    counts = selectors.my_work_counts(personas.inspector, TODAY)
    # A镇's own request, supervised by the county where the inspector is: A1's is the township's to verify.
    assert counts["waiting"] == counts["to_verify"] == 1
    waiting = set(selectors.my_work(personas.township_a, TODAY).waiting)
    assert tree_items["ta_closed"] not in waiting


def test_ageing_buckets_overdue_items_by_days(county, personas, tree_items):
    assert selectors.ageing(personas.county_admin, TODAY) == [
        ("1–7 天", 1),
        ("8–30 天", 1),
        ("31–90 天", 0),
        ("90 天以上", 0),
    ]


def test_the_escalation_list_shows_interviews_and_accountability(county, personas, tree_items):
    item = tree_items["a1_red"]
    Escalation.objects.create(item=item, deadline=item.deadline, listed_on=TODAY)
    from dangjian.ledger import services
    from dangjian.talks.services import talk_record_interview

    talk_record_interview(
        item=item,
        talker="镇党委书记",
        talkee="A1村书记",
        held_on=TODAY,
        content="约谈",
        actor=personas.township_a,
    )
    services.accountability_record(
        item=item,
        forms=["notice"],
        person_name="A1村书记",
        body="party_committee",
        facts="逾期",
        decided_on=TODAY,
        actor=personas.township_a,
    )
    (row,) = selectors.escalation_rows(personas.township_a, TODAY)
    assert (row.pk, row.interview_count, row.accountability_count, row.listed_on) == (item.pk, 1, 1, TODAY)
    assert list(selectors.escalation_rows(personas.township_b, TODAY)) == []


def test_items_by_person_the_most_overdue_first_then_the_most_items_then_in_pinyin_order(
    county, personas, tree_items, django_assert_num_queries
):
    """The roll-up's table of responsible persons: counted in the subtree asked, named with their branch."""
    from dangjian.orgs.tests.factories import make_person

    zhang, li, an = (
        make_person(county.village_a1, "张三"),
        make_person(county.village_a1, "李明"),
        make_person(county.village_a2, "安娜"),
    )
    wang = make_person(county.village_b1, "王五")
    for key, person in (
        ("a1_closed", zhang),
        ("a1_new", zhang),
        ("a1_request", li),
        ("a1_late", li),
        ("a2_red", an),
        ("b1_returned", wang),
        ("b1_long", wang),
    ):
        Item.objects.filter(pk=tree_items[key].pk).update(person=person)
    user = personas.county_admin
    get_scope(user)
    with django_assert_num_queries(2):
        rows = selectors.items_by_person(user, county.township_a, TODAY)
    assert [(r["person__name"], r["person__org__name"], r["total"], r["overdue"]) for r in rows] == [
        ("安娜", county.village_a2.name, 1, 1),  # overdue first
        ("李明", county.village_a1.name, 2, 0),  # then two items each: li before zhang (张 comes first
        ("张三", county.village_a1.name, 2, 0),  # in the character table)
    ]
    assert [r["person__name"] for r in selectors.items_by_person(user, county.county, TODAY)][-1] == "张三"
    assert (
        selectors.items_by_person(personas.township_b, county.township_b, TODAY)[0]["person__name"] == "王五"
    )
    assert [r["person__name"] for r in selectors.items_by_person(user, county.county, TODAY, limit=1)] == [
        "安娜"
    ]
