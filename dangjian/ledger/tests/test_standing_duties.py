"""责任清单 are standing duties per post (第一责任人, 一岗双责): no deadline, reviewed every year."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dangjian.ledger import selectors, services
from dangjian.ledger.deadlines import is_overdue
from dangjian.ledger.models import Duty, ItemKind
from dangjian.notices.models import Notice

from .builders import TODAY, media  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


def _duty(county, personas, **fields):
    item_list = services.list_create(
        org=county.township_a,
        title="2027年党建工作责任清单",
        actor=personas.township_a,
        kind=ItemKind.RESPONSIBILITY,
    )
    item = services.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="落实“三会一课”制度",
        actor=personas.township_a,
        today=TODAY,
        deadline=TODAY + timedelta(days=30),
        **fields,
    )
    services.list_issue(item_list=item_list, actor=personas.township_a, today=TODAY)
    item.refresh_from_db()
    return item


def test_a_responsibility_has_no_deadline_and_is_reviewed_yearly(county, personas):
    item = _duty(county, personas)
    assert item.long_term and item.deadline is None
    assert (item.duty, item.review_cycle_days, item.next_review_on) == (
        Duty.FIRST,
        365,
        TODAY + timedelta(days=365),
    )
    assert not is_overdue(item, TODAY + timedelta(days=900))
    assert selectors.completion_word(item, TODAY) == "需长期坚持"


def test_a_dual_responsibility_is_kept_as_such(county, personas):
    assert _duty(county, personas, duty=Duty.DUAL).duty == Duty.DUAL


def test_the_review_comes_round_once_and_a_review_entry_moves_it_a_year_on(county, personas):
    item = _duty(county, personas)
    review_day = item.next_review_on
    services.daily_run(today=review_day)
    services.daily_run(today=review_day)
    assert Notice.objects.filter(recipient=personas.village_a1, kind="duty_review_due").count() == 1
    services.item_acknowledge(item=item, actor=personas.village_a1, today=review_day)
    services.progress_add(
        item=item,
        actor=personas.village_a1,
        on=review_day,
        text="全年召开支委会12次、党课4次。",
        percent=100,
        today=review_day,
    )
    item.refresh_from_db()
    assert item.next_review_on == review_day + timedelta(days=365)
