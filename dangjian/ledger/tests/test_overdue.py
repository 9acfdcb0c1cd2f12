"""One definition of "overdue", judged at the closure request (issue 8, points 1 and 3).

The rectifying side is late when it has not asked for closure by the deadline; the verifier's delay
is its own figure (核验用时). ``deadlines.overdue_q`` (SQL) and ``deadlines.days_overdue`` (Python)
are that one definition; every page, count, job and indicator uses them, drafts never count, and
the escalation list holds every item overdue beyond N days whatever its history.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dangjian.core import indicators as core_indicators
from dangjian.core.indicators import Period
from dangjian.ledger import deadlines, selectors, services
from dangjian.ledger.models import Escalation, Item, ItemList, RollupSnapshot

from .builders import TODAY, handed_item, media, pdf, walk  # noqa: F401

S = Item.Status
NOW = timezone.localdate()  # the pages reckon from the real today
pytestmark = pytest.mark.usefixtures("media")


# ------------------------------------------------------------------ the rule on real items


def test_a_closure_requested_in_time_and_verified_late_is_not_overdue_nor_closed_late(
    client, county, personas
):
    deadline = TODAY + timedelta(days=2)
    item = walk(handed_item(county, personas, deadline=deadline), S.RECTIFYING, personas)
    item = services.item_request_closure(item=item, actor=personas.village_a1, files=[pdf()], today=deadline)
    later = deadline + timedelta(days=20)
    # Waiting for the verifier long after the deadline: not overdue, not red, not escalated.
    assert not Item.objects.overdue(later).exists()
    assert deadlines.light(item, later) == deadlines.GREEN
    assert set(Item.objects.with_light(later).values_list("light", flat=True)) == {deadlines.GREEN}
    assert list(selectors.escalation_rows(personas.township_a, later)) == []
    assert services.escalations_run(today=later)["listed"] == 0
    assert selectors.completion_word(item, later) == selectors.NEARLY_DONE_WORD
    item = services.item_verify(item=item, actor=personas.township_a, today=later)
    assert (item.closed_late, selectors.verification_days(item)) == (False, 20)


def test_a_returned_item_asked_again_after_its_deadline_is_late(county, personas):
    deadline = TODAY + timedelta(days=2)
    village, township = personas.village_a1, personas.township_a
    item = walk(handed_item(county, personas, deadline=deadline), S.RECTIFYING, personas)
    item = services.item_request_closure(item=item, actor=village, files=[pdf()], today=deadline)
    item = services.item_return(
        item=item, actor=township, note="材料不全", today=deadline + timedelta(days=1)
    )
    assert (
        deadlines.light(item, deadline + timedelta(days=1)) == deadlines.RED
    )  # the request no longer stands
    again = deadline + timedelta(days=5)
    item = services.item_request_closure(item=item, actor=village, files=[pdf()], today=again)
    assert deadlines.days_overdue(item, again + timedelta(days=30)) == 5  # frozen at the request
    item = services.item_verify(item=item, actor=township, today=again + timedelta(days=1))
    assert item.closed_late is True


def test_the_verification_time_is_shown_to_the_supervising_side_only(client, county, personas):
    item = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas, today=TODAY)
    services.item_verify(item=item, actor=personas.township_a, today=TODAY + timedelta(days=3))
    url = reverse("ledger:item_detail", args=[item.pk])
    client.force_login(personas.township_a)
    assert 'data-testid="verification-days">3 天' in client.get(url).content.decode()
    client.force_login(personas.village_a1)
    assert "verification-days" not in client.get(url).content.decode()


def test_the_verification_time_indicator_averages_the_items_verified_in_the_period(county, personas):
    first = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas, today=TODAY)
    second = walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas, today=TODAY)
    services.item_verify(item=first, actor=personas.township_a, today=TODAY + timedelta(days=2))
    services.item_verify(item=second, actor=personas.township_a, today=TODAY + timedelta(days=5))
    period = Period.month(TODAY.year, TODAY.month)
    values = core_indicators.compute("ledger.verification_days", [county.county, county.township_b], period)
    assert values == {county.county.pk: 3.5, county.township_b.pk: None}


# ------------------------------------------------------------------ SQL and Python agree on every shape


@pytest.fixture
def shapes(county, personas):
    """Items written directly in every shape that matters: state × deadline × request date × long-term."""
    lst = ItemList.objects.create(
        org=county.township_a,
        title="形状",
        status=ItemList.Status.ISSUED,
        issued_on=TODAY - timedelta(days=120),
    )
    numbers = itertools.count(1)
    rows = []
    offsets = (None, -40, -8, -7, -1, 0, 2, 3, 10)
    for status, deadline_off, request_off, long_term in itertools.product(
        S.values, offsets, (None, -20, -8, -1, 0), (False, True)
    ):
        deadline = None if deadline_off is None else TODAY + timedelta(days=deadline_off)
        requested = None if request_off is None else TODAY + timedelta(days=request_off)
        closed_on = requested + timedelta(days=3) if status == S.CLOSED and requested else None
        rows.append(
            Item(
                item_list=lst,
                number=next(numbers),
                title="形状",
                org=county.village_a1,
                supervisor_org=county.township_a,
                issued_on=TODAY - timedelta(days=120),
                deadline=deadline,
                long_term=long_term,
                status=status,
                closure_requested_on=requested,
                closed_on=closed_on,
            )
        )
    Item.objects.bulk_create(rows)
    return list(Item.objects.all())


@pytest.mark.parametrize("offset", [-10, 0, 1, 5, 30])
def test_overdue_in_sql_and_in_python_agree_on_every_shape(shapes, offset):
    on = TODAY + timedelta(days=offset)
    for beyond in (0, 7):
        in_sql = set(Item.objects.overdue(on, beyond=beyond).values_list("pk", flat=True))
        in_python = {i.pk for i in shapes if deadlines.is_overdue(i, on, beyond=beyond)}
        assert in_sql == in_python, beyond
    days = dict(Item.objects.overdue(on).annotate(d=deadlines.days_overdue_expr(on)).values_list("pk", "d"))
    assert {pk: d.days for pk, d in days.items()} == {
        i.pk: deadlines.days_overdue(i, on) for i in shapes if deadlines.is_overdue(i, on)
    }
    lights = dict(Item.objects.with_light(on).values_list("pk", "light"))
    assert lights == {i.pk: deadlines.light(i, on) for i in shapes}
    # Drafts never; closed items not once closed (a closure verified later leaves earlier days overdue).
    done = [i for i in shapes if i.status == S.DRAFT or (i.status == S.CLOSED and (i.closed_on or on) <= on)]
    assert done and not any(deadlines.is_overdue(i, on) for i in done)


# ------------------------------------------------------------------ every figure says the same


@pytest.fixture
def history(county, personas):
    """Items that never passed through the daily job: overdue 3, 10 and 85 days, one asked in time, a draft."""
    lst = ItemList.objects.create(
        org=county.township_a,
        title="历史",
        status=ItemList.Status.ISSUED,
        issued_on=NOW - timedelta(days=200),
    )
    draft = ItemList.objects.create(org=county.township_a, title="草稿", issued_on=NOW - timedelta(days=200))
    numbers = itertools.count(1)

    def add(days_late, status=S.RECTIFYING, item_list=lst, **fields):
        return Item.objects.create(
            item_list=item_list,
            number=next(numbers),
            title=f"逾期{days_late}天",
            org=county.village_a1,
            supervisor_org=county.township_a,
            issued_on=NOW - timedelta(days=200),
            deadline=NOW - timedelta(days=days_late),
            status=status,
            **fields,
        )

    return {
        "3": add(3),
        "10": add(10, S.RETURNED),
        "85": add(85, S.HANDED_DOWN),
        "late_request": add(40, S.CLOSURE_REQUESTED, closure_requested_on=NOW - timedelta(days=20)),
        "in_time": add(30, S.CLOSURE_REQUESTED, closure_requested_on=NOW - timedelta(days=31)),
        "draft": add(90, S.DRAFT, item_list=draft),
        "future": add(-5),
    }


def test_every_overdue_figure_counts_the_same_items(client, county, personas, history):
    user = personas.township_a
    expected = {history[k].pk for k in ("3", "10", "85", "late_request")}
    assert set(Item.objects.visible_to(user).overdue(NOW).values_list("pk", flat=True)) == expected
    # "My work" is the village's own (the township follows them in its figures, not as its own to-do).
    assert selectors.my_work_counts(user, NOW)["overdue"] == 0
    assert selectors.my_work_counts(personas.village_a1, NOW)["overdue"] == 4
    assert {i.pk for i in selectors.my_work(personas.village_a1, NOW).overdue} == expected
    assert sum(n for _label, n in selectors.ageing(user, NOW)) == 4
    (row,) = [
        r for r in selectors.rollup(personas.county_admin, county.county, NOW) if r.org == county.township_a
    ]
    assert (row.overdue, row.overdue_days_max) == (4, 85)
    assert [r.overdue for r in selectors.rollup_by_level(user, NOW)] == [4]
    (listed,) = selectors.list_rows(ItemList.objects.filter(pk=history["3"].item_list_id), user=user)
    assert listed.overdue_count == 4
    end = Period(NOW - timedelta(days=30), NOW, "本期")
    assert core_indicators.compute("ledger.overdue_items", [county.township_a], end) == {
        county.township_a.pk: 4
    }
    services.snapshot_month(month=NOW, today=NOW)
    assert RollupSnapshot.objects.get(org=county.village_a1).overdue == 4
    client.force_login(user)
    api = client.get(reverse("api-item-list") + "?light=red").json()
    assert {i["id"] for i in api["results"]} == expected


def test_the_escalation_list_holds_every_item_overdue_beyond_n_days_whatever_its_history(
    client, personas, history
):
    """Escalation page and home page on the same data: the township's page lists the overdue items late > 7
    days that its village's home shows."""
    user = personas.township_a
    home = {i.pk: deadlines.days_overdue(i, NOW) for i in selectors.my_work(personas.village_a1, NOW).overdue}
    expected = {pk for pk, days in home.items() if days > 7}
    assert expected == {history[k].pk for k in ("10", "85", "late_request")}
    assert {i.pk for i in selectors.escalation_rows(user, NOW)} == expected
    # The daily job, never run before, records every one of them at once.
    assert services.escalations_run(today=NOW)["listed"] == 3
    assert set(Escalation.objects.values_list("item_id", flat=True)) == expected
    client.force_login(user)
    body = client.get(reverse("ledger:escalations")).content.decode()
    assert {int(pk) for pk in re.findall(r'data-testid="escalation-row" data-item="(\d+)"', body)} == expected
    assert "共 3 项事项逾期超过 7 天。" in body


def test_an_escalation_is_resolved_once_its_item_is_no_longer_overdue(county, personas, history):
    services.escalations_run(today=NOW)
    Item.objects.filter(pk=history["10"].pk).update(status=S.CLOSED, closed_on=NOW)
    services.escalations_run(today=NOW + timedelta(days=1))
    assert Escalation.objects.get(item=history["10"]).resolved_on == NOW + timedelta(days=1)
    assert Escalation.objects.filter(resolved_on__isnull=True).count() == 2


def test_drafts_never_count_as_overdue(personas, history):
    assert not Item.objects.overdue(NOW).filter(status=S.DRAFT).exists()
    counts = Item.objects.aggregate(n=Count("pk", filter=deadlines.overdue_q(NOW)))
    assert counts["n"] == 4
