"""Annual assessment (年度党建考核): indicator and manual items, weights, ranks, and results frozen at confirmation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import registry
from dangjian.core.indicators import Indicator
from dangjian.supervision import selectors, services
from dangjian.supervision.models import Assessment

pytestmark = pytest.mark.django_db

VALUES = {"A镇党委": 10, "B镇党委": 0}


@pytest.fixture
def done(monkeypatch):
    """A yearly indicator with fixed values (township A best), registered for the test only."""

    def compute(orgs, period):
        return {o.pk: VALUES.get(o.short_name) for o in orgs}

    monkeypatch.setitem(
        registry.indicators, "t.done", Indicator("t.done", "重点任务完成数", "测试", "项", "test", compute)
    )


def _assessment(personas, county, manual="述职评议 40"):
    return services.assessment_create(
        org=county.county,
        year=2025,
        title="2025年度乡镇党建考核",
        items=[{"key": "t.done", "weight": 60}],
        manual_items=manual,
        actor=personas.county_admin,
    )


def test_indicator_and_manual_items_make_the_score_grade_and_rank(personas, county, done):
    a = _assessment(personas, county)
    services.assessment_score(
        assessment=a,
        org=county.township_a,
        item="述职评议",
        score=80,
        note="述职评议结果为“好”",
        actor=personas.admin,
    )
    services.assessment_score(
        assessment=a,
        org=county.township_b,
        item="述职评议",
        score=100,
        note="述职评议结果为“好”",
        actor=personas.admin,
    )
    a.refresh_from_db()
    rows = {r["org"]: r for r in selectors.assessment_results(a)["rows"]}
    # A: 60 % × 100 + 40 % × 80 = 92 (好); B: 60 % × 0 + 40 % × 100 = 40 (较差).
    assert (rows["A镇党委"]["score"], rows["A镇党委"]["grade"], rows["A镇党委"]["rank"]) == (92.0, "好", 1)
    assert (rows["B镇党委"]["score"], rows["B镇党委"]["grade"], rows["B镇党委"]["rank"]) == (40.0, "较差", 2)


def test_without_a_manual_score_only_the_indicators_count_when_they_weigh_half(personas, county, done):
    a = _assessment(personas, county)
    rows = {r["org"]: r for r in selectors.assessment_results(a)["rows"]}
    assert rows["A镇党委"]["score"] == 100.0 and rows["B镇党委"]["score"] == 0.0
    b = _assessment(personas, county, manual="述职评议 40")
    b.items[0]["weight"], b.items[1]["weight"] = 40, 60
    rows = {r["org"]: r for r in selectors.assessment_results(b)["rows"]}
    assert rows["A镇党委"]["score"] is None and rows["A镇党委"]["rank"] is None


def test_weights_and_manual_lines_are_checked(personas, county, done):
    with pytest.raises(ValidationError) as exc:
        _assessment(personas, county, manual="述职评议 30")
    assert "各项权重合计须为100%，现为90%。" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        _assessment(personas, county, manual="述职评议")
    assert "“述职评议”：请填写名称和大于0的权重，如：述职评议 20。" in exc.value.messages
    assert not Assessment.objects.exists()


def test_manual_scores_are_refused_outside_the_scale_scope_or_without_a_reason(
    client, personas, county, done
):
    a = _assessment(personas, county)
    client.force_login(personas.admin)
    url = reverse("supervision:assessment_score", args=[a.pk])
    body = client.post(
        url, {"org": county.village_a1.pk, "item": "述职评议", "score": "80", "note": "好"}
    ).content.decode()
    assert "本次考核不包括该组织。" in body
    body = client.post(
        url, {"org": county.township_a.pk, "item": "党课", "score": "120", "note": ""}
    ).content.decode()
    assert "不是本考核的评分项目。" in body and "分数须在0到100之间。" in body and "请说明评分依据。" in body
    a.refresh_from_db()
    assert a.manual == {}


def test_confirmed_results_are_frozen_and_shown_on_the_organisation_page(client, personas, county, done):
    a = _assessment(personas, county)
    with pytest.raises(ValidationError) as exc:
        services.assessment_confirm(assessment=a, actor=personas.county_admin)
    assert "考核结果须由设置考核以外的人员确认。" in exc.value.messages
    services.assessment_score(
        assessment=a, org=county.township_a, item="述职评议", score=80, note="好", actor=personas.admin
    )
    client.force_login(personas.admin)
    client.post(reverse("supervision:assessment_confirm", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == Assessment.Status.CONFIRMED
    VALUES["B镇党委"] = 20  # the figures change after confirmation: the results do not
    try:
        body = client.get(reverse("supervision:assessment_detail", args=[a.pk])).content.decode()
        assert f'data-org="{county.township_b.pk}" data-score="0.0"' in body
    finally:
        VALUES["B镇党委"] = 0
    with pytest.raises(ValidationError) as exc:
        services.assessment_score(
            assessment=a, org=county.township_a, item="述职评议", score=90, note="改", actor=personas.admin
        )
    assert "考核结果已确认，不能再修改。" in exc.value.messages
    client.force_login(personas.township_a)
    page = client.get(reverse("orgs:org_detail", args=[county.township_a.pk])).content.decode()
    assert 'data-testid="panel-assessment"' in page and "2025年度乡镇党建考核" in page and "第1名" in page
