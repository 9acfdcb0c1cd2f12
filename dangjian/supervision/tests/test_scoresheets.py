"""Rating scoresheets (分类定级、评星): items and weights, indicator items filled from their figures, manual items,
thresholds, the sheet that applies, and freezing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import registry
from dangjian.core.indicators import Indicator
from dangjian.supervision import selectors, services
from dangjian.supervision.models import Rating, Scoresheet

pytestmark = pytest.mark.django_db

YEAR = 2025
FIGURES: dict = {}


def _compute(orgs, period):
    return {o.pk: FIGURES.get(o.short_name) for o in orgs}


@pytest.fixture
def figures(monkeypatch):
    """Two registered indicators for the test: a rate (higher is better) and a count (lower is better)."""
    FIGURES.clear()
    monkeypatch.setitem(
        registry.indicators, "t.rate", Indicator("t.rate", "会议完成率", "测试", "%", "test", _compute)
    )
    monkeypatch.setitem(
        registry.indicators,
        "t.late",
        Indicator("t.late", "逾期事项", "测试", "个", "test", lambda orgs, p: {o.pk: 2 for o in orgs}, False),
    )
    return FIGURES


ITEMS = [
    {"name": "三会一课", "weight": 50, "indicator": "t.rate", "full": 100},
    {"name": "整改落实", "weight": 20, "indicator": "t.late", "full": 10},
    {"name": "阵地建设", "weight": 30, "indicator": ""},
]


def _sheet(
    personas, county, org=None, items=ITEMS, grades=("90", "80", "60"), stars=("60", "65", "75", "85", "95")
):
    return services.scoresheet_save(
        org=org or county.county,
        year=YEAR,
        name="村级党组织星级评定表",
        items=items,
        grade_thresholds=list(grades),
        star_thresholds=list(stars),
        actor=personas.county_admin,
    )


def test_indicator_items_are_filled_from_their_figures_and_manual_items_entered(personas, county, figures):
    figures["A1村党支部"] = 80
    sheet = _sheet(personas, county)
    rows = {r["name"]: r for r in selectors.sheet_prefill(sheet, county.village_a1)}
    # A rate of 80 % with full marks at 100: 80 points; 2 overdue items, none earned at 10: 80 points.
    assert (rows["三会一课"]["value"], rows["三会一课"]["points"]) == (80, 80.0)
    assert (rows["整改落实"]["value"], rows["整改落实"]["points"]) == (2, 80.0)
    assert rows["阵地建设"]["points"] is None
    r = services.rating_self_assess(
        org=county.village_a1,
        year=YEAR,
        item_scores={"阵地建设": {"score": 70, "note": "场所已挂牌"}},
        actor=personas.village_a1,
    )
    # 50 % × 80 + 20 % × 80 + 30 % × 70 = 77
    assert r.self_score == Decimal("77.0") and r.sheet == sheet
    assert [(row["name"], row["points"]) for row in r.sheet_scores] == [
        ("三会一课", 80.0),
        ("整改落实", 80.0),
        ("阵地建设", 70.0),
    ]
    assert r.sheet_scores[2]["note"] == "场所已挂牌"


def test_an_indicator_without_a_figure_is_scored_by_hand(personas, county, figures):
    _sheet(personas, county)  # no rate figure for A1: 三会一课 must be entered
    with pytest.raises(ValidationError) as exc:
        services.rating_self_assess(
            org=county.village_a1,
            year=YEAR,
            item_scores={"阵地建设": {"score": 70}},
            actor=personas.village_a1,
        )
    assert "请为“三会一课”打分（0到100分）。" in exc.value.messages
    r = services.rating_self_assess(
        org=county.village_a1,
        year=YEAR,
        item_scores={"三会一课": {"score": 90}, "阵地建设": {"score": 70}},
        actor=personas.village_a1,
    )
    assert r.self_score == Decimal("82.0")  # 45 + 16 + 21


def test_a_manual_item_outside_the_scale_or_missing_is_refused_and_nothing_written(personas, county, figures):
    figures["A1村党支部"] = 80
    _sheet(personas, county)
    for scores, message in [
        ({"阵地建设": {"score": 101}}, "“阵地建设”：分数须在0到100之间。"),
        ({}, "请为“阵地建设”打分（0到100分）。"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.rating_self_assess(
                org=county.village_a1, year=YEAR, item_scores=scores, actor=personas.village_a1
            )
        assert message in exc.value.messages
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [{"name": "三会一课", "weight": 50, "indicator": "t.rate"}, {"name": "阵地", "weight": 40}],
            "各项权重合计须为100%，现为90%。",
        ),
        ([{"name": "三会一课", "weight": 100, "indicator": "no.such"}], "未知的指标“no.such”。"),
        ([{"name": "甲", "weight": 50}, {"name": "甲", "weight": 50}], "项目“甲”重复。"),
        ([{"name": "甲", "weight": 100, "indicator": "t.rate", "full": 0}], "“甲”：满分对应的数值须大于0。"),
        ([], "评分表至少需要一项。"),
    ],
)
def test_a_scoresheet_with_bad_items_is_refused(personas, county, figures, items, message):
    with pytest.raises(ValidationError) as exc:
        _sheet(personas, county, items=items)
    assert message in exc.value.messages
    assert not Scoresheet.objects.exists()


def test_thresholds_out_of_order_or_outside_the_scale_are_refused(personas, county, figures):
    with pytest.raises(ValidationError) as exc:
        _sheet(personas, county, grades=("80", "90", "60"), stars=("60", "65", "75", "85", "120"))
    errors = exc.value.message_dict
    assert errors["grade_thresholds"] == [
        "请填写三个0到100之间、由高到低的分数：评为好、较好、一般的最低分。"
    ]
    assert errors["star_thresholds"] == ["请填写五个0到100之间、由低到高的分数：一星至五星的最低分。"]
    assert not Scoresheet.objects.exists()


def test_the_scoresheet_thresholds_grade_and_star_the_rating(personas, county, figures):
    figures["A1村党支部"] = 100
    _sheet(personas, county, grades=("95", "85", "70"), stars=("70", "80", "88", "92", "97"))
    r = services.rating_self_assess(
        org=county.village_a1, year=YEAR, item_scores={"阵地建设": {"score": 90}}, actor=personas.village_a1
    )
    r = services.rating_rate(rating=r, poll_score=90, township_score=90, actor=personas.township_a)
    # Self 93 (50 + 16 + 27); overall 20 % × 93 + 30 % × 90 + 50 % × 90 = 90.6: 较好 and three stars on this
    # sheet, where the rule parameters would give 好 and four stars.
    assert r.self_score == Decimal("93.0") and r.score == Decimal("90.6")
    assert (r.grade, r.stars) == ("fairly_good", 3)
    assert (services.grade_for(r.score), services.stars_for(r.score)) == ("good", 4)


def test_the_nearest_scoresheet_applies(personas, county, figures):
    county_sheet = _sheet(personas, county)
    township_sheet = _sheet(personas, county, org=county.township_a, items=[{"name": "综合", "weight": 100}])
    assert selectors.sheet_for(county.village_a1, YEAR) == township_sheet
    assert selectors.sheet_for(county.village_b1, YEAR) == county_sheet
    assert selectors.sheet_for(county.village_b1, YEAR + 1) is None


def test_a_scoresheet_a_rating_has_used_is_frozen_and_the_rating_keeps_its_figures(personas, county, figures):
    figures["A1村党支部"] = 80
    sheet = _sheet(personas, county)
    r = services.rating_self_assess(
        org=county.village_a1, year=YEAR, item_scores={"阵地建设": {"score": 70}}, actor=personas.village_a1
    )
    with pytest.raises(ValidationError) as exc:
        services.scoresheet_save(
            org=county.county,
            year=YEAR,
            name="改名",
            items=[{"name": "综合", "weight": 100}],
            grade_thresholds=["90", "80", "60"],
            star_thresholds=["60", "65", "75", "85", "95"],
            actor=personas.county_admin,
            sheet=sheet,
        )
    assert "已有评定使用此评分表，评分表已冻结。" in exc.value.messages
    sheet.refresh_from_db()
    assert sheet.name == "村级党组织星级评定表" and len(sheet.items) == 3
    figures["A1村党支部"] = 10  # the figure changes after the self-assessment
    r.refresh_from_db()
    assert r.self_score == Decimal("77.0") and r.sheet_scores[0]["value"] == 80


def test_the_self_assessment_page_shows_the_scoresheet_filled_in_and_saves_it(
    client, personas, county, figures
):
    figures["A1村党支部"] = 80
    _sheet(personas, county)
    client.force_login(personas.village_a1)
    url = reverse("supervision:rating_create")
    body = client.get(f"{url}?org={county.village_a1.pk}&year={YEAR}").content.decode()
    assert body.count('data-testid="sheet-row"') == 3 and "会议完成率" in body
    assert 'name="item_2"' in body and 'name="item_0"' not in body and 'name="self_score"' not in body
    response = client.post(url, {"org": county.village_a1.pk, "year": YEAR, "item_2": "101", "note_2": ""})
    assert "“阵地建设”：分数须在0到100之间。" in response.content.decode()
    assert not Rating.objects.exists()
    response = client.post(url, {"org": county.village_a1.pk, "year": YEAR, "item_2": "70", "note_2": "挂牌"})
    r = Rating.objects.get()
    assert response.status_code == 302 and r.self_score == Decimal("77.0")
    assert (
        "村级党组织星级评定表"
        in client.get(reverse("supervision:rating_detail", args=[r.pk])).content.decode()
    )


def test_the_scoresheet_pages_create_refuse_and_freeze(client, personas, county, figures):
    client.force_login(personas.county_admin)
    data = {
        "org": county.county.pk,
        "year": YEAR,
        "name": "星级评定表",
        "grade_thresholds": "90,80,60",
        "star_thresholds": "60,65,75,85,95",
        "name_0": "三会一课",
        "weight_0": "60",
        "indicator_0": "t.rate",
        "full_0": "100",
        "name_1": "阵地建设",
        "weight_1": "30",
    }
    response = client.post(reverse("supervision:scoresheet_create"), data)
    assert "各项权重合计须为100%，现为90%。" in response.content.decode()
    assert not Scoresheet.objects.exists()
    response = client.post(reverse("supervision:scoresheet_create"), {**data, "weight_1": "40"})
    sheet = Scoresheet.objects.get()
    assert response.status_code == 302 and sheet.items[0] == {
        "name": "三会一课",
        "weight": 60,
        "indicator": "t.rate",
        "full": 100.0,
    }
    assert "星级评定表" in client.get(reverse("supervision:scoresheet_list")).content.decode()
    services.rating_self_assess(
        org=county.village_a1,
        year=YEAR,
        item_scores={"三会一课": {"score": 80}, "阵地建设": {"score": 80}},
        actor=personas.admin,
    )
    edit = reverse("supervision:scoresheet_edit", args=[sheet.pk])
    assert 'data-testid="sheet-frozen"' in client.get(edit).content.decode()
    edited = {k: v for k, v in data.items() if k not in ("org", "year")}
    response = client.post(edit, {**edited, "name": "改过的评分表", "weight_1": "40"})
    assert "已有评定使用此评分表，评分表已冻结。" in response.content.decode()
    assert Scoresheet.objects.get().name == "星级评定表"
    client.force_login(personas.village_a1)
    assert client.get(reverse("supervision:scoresheet_edit", args=[sheet.pk])).status_code == 404
    assert client.get(reverse("supervision:scoresheet_create")).status_code == 403
