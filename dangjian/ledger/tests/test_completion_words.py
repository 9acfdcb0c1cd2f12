"""The six published status words on screens, filters and statistics, one rule in Python and SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.ledger import selectors, services
from dangjian.ledger.models import Item

from .builders import S, handed_item, media, walk  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def items(county, personas):
    today = timezone.localdate()
    made = {
        "closed": walk(handed_item(county, personas, today=today), S.CLOSED, personas, today=today),
        "requested": walk(
            handed_item(county, personas, today=today), S.CLOSURE_REQUESTED, personas, today=today
        ),
        "working": walk(handed_item(county, personas, today=today), S.RECTIFYING, personas, today=today),
        "new": handed_item(county, personas, today=today),
        "long": handed_item(county, personas, today=today, long_term=True),
        "late": handed_item(county, personas, today=today),
        "extension": handed_item(county, personas, today=today),
    }
    Item.objects.filter(pk=made["late"].pk).update(deadline=today - timedelta(days=3))
    services.extension_request(
        item=made["extension"],
        actor=personas.village_a1,
        requested_to=today + timedelta(days=60),
        reason="汛期",
    )
    return {k: Item.objects.get(pk=v.pk) for k, v in made.items()}


def test_every_word_has_one_rule_in_python_and_in_sql(items):
    today = timezone.localdate()
    qs = selectors.with_pending_extension(Item.objects.all())
    expected = {
        "closed": "已整改销号",
        "requested": "基本完成",
        "working": "正在推进",
        "new": "正在推进",
        "long": "需长期坚持",
        "late": "未完成",
        "extension": "申请延期",
    }
    for key, item in items.items():
        row = qs.get(pk=item.pk)
        word = selectors.completion_word(row, today)
        assert word == expected[key], key
        assert Item.objects.filter(selectors.completion_q(word, today), pk=item.pk).exists(), key
        others = [w for w in selectors.COMPLETION_WORDS if w != word]
        assert not any(
            Item.objects.filter(selectors.completion_q(w, today), pk=item.pk).exists() for w in others
        )
    counts = selectors.completion_counts(Item.objects.all(), today)
    assert counts == {
        "已整改销号": 1,
        "基本完成": 1,
        "正在推进": 2,
        "需长期坚持": 1,
        "申请延期": 1,
        "未完成": 1,
    }


def test_the_ledger_shows_the_word_with_the_state_beside_it_and_filters_by_it(client, personas, items):
    client.force_login(personas.township_a)
    body = client.get(reverse("ledger:ledger")).content.decode()
    assert body.count('data-testid="completion-word"') == 7
    assert '正在推进</span> <span class="badge bg-secondary-lt">待签收</span>' in body
    body = client.get(reverse("ledger:ledger"), {"completion": "未完成"}).content.decode()
    assert body.count('data-testid="completion-word"') == 1
    assert 'name="completion"' in body


def test_the_roll_up_counts_in_the_published_words(client, county, personas, items):
    client.force_login(personas.county_admin)
    response = client.get(reverse("ledger:rollup"))
    row = next(r for r in response.context["rows"] if r.org == county.township_a)
    assert (
        row.by_word["未完成"] == 1 and row.by_word["申请延期"] == 1 and sum(row.by_word.values()) == row.total
    )
    assert "需长期坚持" in response.content.decode()


def test_the_roll_up_export_counts_in_the_published_words(client, county, personas, items):
    import io

    from openpyxl import load_workbook

    client.force_login(personas.county_admin)
    response = client.get(reverse("ledger:rollup_export"), {"org": county.county.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    header, township_a = rows[0], rows[1]
    assert header[2:8] == tuple(selectors.COMPLETION_WORDS)
    assert dict(zip(header, township_a, strict=True))["未完成"] == 1
