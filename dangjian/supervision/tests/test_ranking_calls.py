"""The last places of a ranking called in (排名靠后约谈、整改) with one action, through the ledger's door."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import params as core_params
from dangjian.core import registry
from dangjian.core.indicators import Indicator
from dangjian.ledger import door
from dangjian.supervision import services
from dangjian.supervision.models import RankingCall

from .helpers import TODAY

pytestmark = pytest.mark.django_db

MONTH = date(2026, 10, 1)
VALUES = {"A镇党委": 8, "B镇党委": 3}


@pytest.fixture
def ranking_set(monkeypatch, personas, county):
    monkeypatch.setitem(
        registry.indicators,
        "t.done",
        Indicator(
            "t.done",
            "重点工作完成数",
            "测试",
            "个",
            "test",
            lambda orgs, p: {o.pk: VALUES.get(o.short_name) for o in orgs},
        ),
    )
    return services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[{"key": "t.done", "weight": 100}],
        actor=personas.county_admin,
    )


def test_the_last_places_become_items_of_their_organisations_once(personas, county, ranking_set):
    call = services.ranking_call(
        ranking_set=ranking_set,
        root=county.county,
        month=MONTH,
        bottom=1,
        deadline=TODAY + timedelta(days=30),
        actor=personas.county_admin,
    )
    assert call.rows == [
        {"org_id": county.township_b.pk, "org": county.township_b.label, "rank": 2, "score": 0.0}
    ]
    items = list(door.items_of_source(call, personas.township_b))
    assert [(i.org, i.status != "draft") for i in items] == [(county.township_b, True)]
    assert items[0].title == "“七项重点工作”2026-10排名第2位（共2个），约谈并整改"
    assert items[0].item_list.source == "interview" and items[0].item_list.org == county.county
    assert not door.items_of_source(call, personas.township_a).exists()
    with pytest.raises(ValidationError) as exc:
        services.ranking_call(
            ranking_set=ranking_set,
            root=county.county,
            month=MONTH,
            bottom=1,
            deadline=TODAY + timedelta(days=30),
            actor=personas.county_admin,
        )
    assert "该排名2026-10排名靠后的党组织已约谈交办。" in exc.value.messages
    assert RankingCall.objects.count() == 1 and door.items_of_source(call, personas.admin).count() == 1


@pytest.mark.parametrize(
    ("bottom", "deadline_days", "message"),
    [
        (2, 30, "约谈的后几位须在1到1之间。"),
        (0, 30, "约谈的后几位须在1到1之间。"),
        (1, -1, "整改时限不能早于今天。"),
    ],
)
def test_a_call_beyond_the_ranked_or_with_a_past_deadline_is_refused(
    personas, county, ranking_set, bottom, deadline_days, message
):
    with pytest.raises(ValidationError) as exc:
        services.ranking_call(
            ranking_set=ranking_set,
            root=county.county,
            month=MONTH,
            bottom=bottom,
            deadline=TODAY + timedelta(days=deadline_days),
            actor=personas.county_admin,
        )
    assert message in exc.value.messages
    assert not RankingCall.objects.exists()


def test_the_ranking_page_calls_in_the_configured_last_places_with_one_action(
    client, personas, county, ranking_set
):
    core_params.set_value("supervision.bottom_n", 1)
    client.force_login(personas.county_admin)
    url = f"{reverse('supervision:ranking')}?set={ranking_set.pk}&org={county.county.pk}&month=2026-10"
    body = client.get(url).content.decode()
    assert "约谈排名后1位并整改" in body
    form_url = reverse("supervision:ranking_call_create")
    page = client.get(
        f"{form_url}?set={ranking_set.pk}&org={county.county.pk}&month=2026-10"
    ).content.decode()
    assert 'name="bottom" value="1"' in page
    data = {
        "ranking_set": ranking_set.pk,
        "root": county.county.pk,
        "month": "2026-10",
        "bottom": "1",
        "deadline": (TODAY + timedelta(days=30)).isoformat(),
    }
    response = client.post(form_url, data)
    call = RankingCall.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "supervision:ranking_call_detail", args=[call.pk]
    )
    detail = client.get(response.url).content.decode()
    assert "B镇党委" in detail and "约谈并整改" in detail
    assert 'data-testid="ranking-called"' in client.get(url).content.decode()
    # A township may not call in for the county, nor see the county's call.
    client.force_login(personas.township_b)
    assert client.get(reverse("supervision:ranking_call_detail", args=[call.pk])).status_code == 404
    response = client.post(form_url, {**data, "month": "2026-09"})
    assert response.status_code == 200 and RankingCall.objects.count() == 1


def test_a_whole_year_is_ranked_on_the_same_page_without_the_monthly_trend_or_call_in(
    client, personas, county, ranking_set, monkeypatch
):
    periods = []
    compute = registry.indicators["t.done"].compute

    def spy(orgs, period):
        periods.append(period.label)
        return compute(orgs, period)

    monkeypatch.setitem(
        registry.indicators, "t.done", Indicator("t.done", "重点工作完成数", "测试", "个", "test", spy)
    )
    client.force_login(personas.county_admin)
    url = f"{reverse('supervision:ranking')}?set={ranking_set.pk}&org={county.county.pk}&year=2025"
    body = client.get(url).content.decode()
    assert f'data-org="{county.township_b.pk}" data-rank="2"' in body and "较上年" in body
    assert periods == ["2025", "2024"]  # the year and the year before, no month
    assert 'data-testid="ranking-call"' not in body and 'data-chart="chart-trend"' not in body
