"""Rankings and monthly briefings (逐月通报): arithmetic, refusals, publication by another person, frozen figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import params as core_params
from dangjian.core import registry
from dangjian.core.indicators import Indicator, Period
from dangjian.supervision import selectors, services
from dangjian.supervision.models import Briefing, RankingSet

from .helpers import TODAY, plan, visit

pytestmark = pytest.mark.django_db


def _fake(values: dict, higher=True):
    """An indicator returning fixed values by organisation label (registered for the test only)."""

    def compute(orgs, period):
        return {o.pk: values.get(o.short_name) for o in orgs}

    return compute


@pytest.fixture
def fake_indicators(monkeypatch):
    def add(key, values, higher=True):
        monkeypatch.setitem(
            registry.indicators,
            key,
            Indicator(key, key, "测试指标", "个", "test", _fake(values), higher_is_better=higher),
        )

    return add


def test_points_scale_between_the_weakest_and_the_strongest():
    assert selectors._points([10, 20, 30, None], True) == [0.0, 50.0, 100.0, None]
    assert selectors._points([10, 20, 30], False) == [100.0, 50.0, 0.0]
    assert selectors._points([5, 5], True) == [100.0, 100.0]


def test_weighted_ranking_with_ties_and_missing_figures(county, fake_indicators):
    fake_indicators("t.done", {"A1村党支部": 10, "A2村党支部": 10, "B1村党支部": 0})
    fake_indicators("t.late", {"A1村党支部": 0, "A2村党支部": 0, "B1村党支部": None}, higher=False)
    items = [
        {"key": "t.done", "weight": 60, "higher_is_better": True},
        {"key": "t.late", "weight": 40, "higher_is_better": False},
    ]
    rows = selectors.compute_ranking(
        items, [county.village_a1, county.village_a2, county.village_b1], Period.month(2026, 11)
    )
    by = {r.org.short_name: r for r in rows}
    # A1 and A2 tie at 100 and share first place; B1 has no "late" figure, so only "done" counts: 0.
    assert (by["A1村党支部"].score, by["A1村党支部"].rank) == (100.0, 1)
    assert (by["A2村党支部"].score, by["A2村党支部"].rank) == (100.0, 1)
    assert (by["B1村党支部"].score, by["B1村党支部"].rank) == (0.0, 3)


def test_an_organisation_with_figures_for_less_than_half_the_weight_is_not_ranked(county, fake_indicators):
    fake_indicators("t.done", {"A1村党支部": 10, "A2村党支部": 5, "B1村党支部": 0})
    fake_indicators("t.late", {"A1村党支部": 0, "A2村党支部": 1, "B1村党支部": None}, higher=False)
    items = [
        {"key": "t.done", "weight": 40, "higher_is_better": True},
        {"key": "t.late", "weight": 60, "higher_is_better": False},
    ]
    orgs = [county.village_a1, county.village_a2, county.village_b1]
    by = {r.org.short_name: r for r in selectors.compute_ranking(items, orgs, Period.month(2026, 11))}
    assert (by["A1村党支部"].rank, by["A2村党支部"].rank) == (1, 2)
    assert by["B1村党支部"].score is None and by["B1村党支部"].rank is None


@pytest.mark.parametrize("extra", [0, 30])
def test_the_ranking_page_shows_places_moves_and_the_bottom_flag(
    client, personas, county, fake_indicators, django_assert_num_queries, extra
):
    from dangjian.orgs.models import OrgKind
    from dangjian.orgs.tests.factories import make_org

    for i in range(extra):  # the same number of queries for 2 or 32 townships
        make_org(
            county.county, f"中共Z{i}镇委员会", kind=OrgKind.TOWNSHIP_COMMITTEE, short_name=f"Z{i}镇党委"
        )
    fake_indicators("t.done", {"A镇党委": 8, "B镇党委": 3})
    core_params.set_value("supervision.bottom_n", 1)
    rs = services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[{"key": "t.done", "weight": 100}],
        actor=personas.county_admin,
    )
    client.force_login(personas.county_admin)
    url = f"{reverse('supervision:ranking')}?set={rs.pk}&org={county.county.pk}&month=2026-11"
    client.get(url)
    with django_assert_num_queries(RANKING_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert f'data-org="{county.township_a.pk}" data-rank="1" data-score="100.0"' in body
    assert f'data-org="{county.township_b.pk}" data-rank="2" data-score="0.0"' in body
    assert "七项重点工作" in body
    assert body.count('data-testid="flagged"') == 1
    flagged_row = body[body.index(f'data-org="{county.township_b.pk}"') :]
    assert flagged_row.index('data-testid="flagged"') < flagged_row.index("</tr>")


# Session, the user with its grants, the ranking sets, the root, the children ONCE (the month's ranking and its
# six-month trend share their computed months), the recorded figures of the months that have ended (one query
# for all of them), the month's call-ins and the shell's badges; the fake indicator runs no query.
RANKING_QUERIES = 8


def test_weights_must_total_one_hundred(personas, county):
    with pytest.raises(ValidationError) as exc:
        services.ranking_set_save(
            org=county.county,
            name="七项重点工作",
            items=[{"key": "ledger.open_items", "weight": 60}, {"key": "ledger.overdue_items", "weight": 30}],
            actor=personas.county_admin,
        )
    assert "各项权重合计须为100%，现为90%。" in exc.value.messages
    assert not RankingSet.objects.exists()


def test_an_unknown_indicator_is_refused_by_name(client, personas, county):
    client.force_login(personas.county_admin)
    response = client.post(
        reverse("supervision:ranking_set_create"),
        {"org": county.county.pk, "name": "七项重点工作", "key_0": "ledger.nonsense", "weight_0": "100"},
    )
    assert response.status_code == 200 and "未知的指标“ledger.nonsense”。" in response.content.decode()
    assert not RankingSet.objects.exists()


def test_weights_and_directions_are_edited_and_checked_again(client, personas, county):
    rs = services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.admin,
    )
    client.force_login(personas.county_admin)
    url = reverse("supervision:ranking_set_edit", args=[rs.pk])
    assert 'value="ledger.open_items" selected' in client.get(url).content.decode()
    data = {"name": "七项重点工作", "key_0": "ledger.open_items", "weight_0": "70", "direction_0": "up"}
    response = client.post(url, {**data, "key_1": "ledger.overdue_items", "weight_1": "20"})
    assert "各项权重合计须为100%，现为90%。" in response.content.decode()
    client.post(url, {**data, "key_1": "ledger.overdue_items", "weight_1": "30"})
    rs.refresh_from_db()
    assert rs.items == [
        {"key": "ledger.open_items", "weight": 70, "higher_is_better": True},
        {"key": "ledger.overdue_items", "weight": 30, "higher_is_better": False},
    ]
    client.force_login(personas.township_a)
    assert client.get(url).status_code == 404


def _briefing(personas, county, **extra):
    rs = services.ranking_set_save(
        org=county.county,
        name="七项重点工作",
        items=[
            {"key": "supervision.inspection_score", "weight": 70},
            {"key": "ledger.overdue_items", "weight": 30},
        ],
        actor=personas.county_admin,
    )
    return services.briefing_create(
        org=county.county,
        month=TODAY,
        title=f"{TODAY:%Y年%m月}基层党建工作通报",
        ranking_set=rs,
        summary="本月各乡镇扎实推进基层党建工作。",
        actor=personas.county_admin,
        **extra,
    )


def _issue(b, personas):
    """Reviewed and issued by the administrator (the county's organisation department wrote it)."""
    services.briefing_review(briefing=b, actor=personas.admin)
    return services.briefing_publish(briefing=b, actor=personas.admin)


def test_the_author_may_not_review_his_own_briefing(client, personas, county):
    b = _briefing(personas, county)
    client.force_login(personas.county_admin)
    response = client.post(reverse("supervision:briefing_review", args=[b.pk]), follow=True)
    assert "通报须由起草人以外的人员审核。" in response.content.decode()
    b.refresh_from_db()
    assert b.status == Briefing.Status.DRAFT and b.reviewed_by is None
    assert 'data-testid="briefing-review"' not in response.content.decode()


def test_the_author_may_not_issue_his_own_briefing(client, personas, county):
    b = _briefing(personas, county)
    services.briefing_review(briefing=b, actor=personas.admin)
    client.force_login(personas.county_admin)
    response = client.post(reverse("supervision:briefing_publish", args=[b.pk]), follow=True)
    assert "通报须由起草人以外的人员印发。" in response.content.decode()
    b.refresh_from_db()
    assert b.status == Briefing.Status.REVIEWED and not b.number and b.snapshot is None


def test_a_draft_is_not_issued_before_it_is_reviewed(client, personas, county):
    b = _briefing(personas, county)
    client.force_login(personas.admin)
    response = client.post(reverse("supervision:briefing_publish", args=[b.pk]), follow=True)
    assert "通报须经审核后才能印发。" in response.content.decode()
    b.refresh_from_db()
    assert b.status == Briefing.Status.DRAFT and not b.number and b.snapshot is None


def test_draft_reviewed_issued_through_the_pages(client, personas, county):
    b = _briefing(personas, county)
    client.force_login(personas.admin)
    detail = reverse("supervision:briefing_detail", args=[b.pk])
    assert 'data-testid="briefing-publish"' not in client.get(detail).content.decode()
    client.post(reverse("supervision:briefing_review", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == Briefing.Status.REVIEWED and b.reviewed_by == personas.admin
    assert b.reviewed_on == TODAY and not b.number
    body = client.get(detail).content.decode()
    assert 'data-testid="briefing-publish"' in body and 'data-testid="briefing-return"' in body
    client.post(reverse("supervision:briefing_publish", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == Briefing.Status.PUBLISHED and b.number and b.snapshot is not None
    assert b.published_by == personas.admin


def test_a_reviewed_briefing_returns_to_draft_with_a_reason_and_is_edited_only_then(client, personas, county):
    b = _briefing(personas, county)
    services.briefing_review(briefing=b, actor=personas.admin)
    with pytest.raises(ValidationError) as exc:
        services.briefing_update(briefing=b, title="改", summary="改", actor=personas.county_admin)
    assert "通报已审核，须退回草稿后才能修改。" in exc.value.messages
    client.force_login(personas.admin)
    url = reverse("supervision:briefing_return", args=[b.pk])
    response = client.post(url, {"note": "  "})
    assert "请填写理由。" in response.content.decode()
    assert Briefing.objects.get(pk=b.pk).status == Briefing.Status.REVIEWED
    client.post(url, {"note": "排名表须补充本月暗访结果"})
    b.refresh_from_db()
    assert b.status == Briefing.Status.DRAFT and b.reviewed_by is None and b.reviewed_on is None
    body = client.get(reverse("supervision:briefing_detail", args=[b.pk])).content.decode()
    assert "排名表须补充本月暗访结果" in body
    services.briefing_update(briefing=b, title="改过的标题", summary="改", actor=personas.county_admin)
    assert Briefing.objects.get(pk=b.pk).title == "改过的标题"
    # Back in draft, it needs a review again before it is issued.
    with pytest.raises(ValidationError):
        services.briefing_publish(briefing=b, actor=personas.admin)


def test_a_draft_cannot_be_returned_to_draft(personas, county):
    b = _briefing(personas, county)
    with pytest.raises(ValidationError):
        services.briefing_return(briefing=b, actor=personas.admin, note="退回")
    assert Briefing.objects.get(pk=b.pk).status == Briefing.Status.DRAFT


def test_a_township_may_not_review_a_county_briefing(personas, county):
    from django.core.exceptions import PermissionDenied

    b = _briefing(personas, county)
    with pytest.raises(PermissionDenied):
        services.briefing_review(briefing=b, actor=personas.township_a)
    assert Briefing.objects.get(pk=b.pk).status == Briefing.Status.DRAFT


def test_a_published_briefing_keeps_its_figures_and_cannot_be_edited(
    client, personas, county, django_assert_num_queries
):
    p = plan(county, personas.inspector)
    visit(p, county.village_a1, personas.inspector, findings=("公开栏内容未更新",))
    b = _briefing(personas, county)
    _issue(b, personas)
    b.refresh_from_db()
    assert b.status == Briefing.Status.PUBLISHED and b.number == f"萍党建通〔{TODAY.year}〕1号"
    assert set(b.recipients.all()) == {county.township_a, county.township_b}
    # Data changes after publication: a new visit with another finding.
    visit(p, county.village_a2, personas.inspector, findings=("党旗破损",), scores=(1, 1, 1))
    client.force_login(personas.county_admin)
    url = reverse("supervision:briefing_detail", args=[b.pk])
    client.get(url)
    with django_assert_num_queries(PUBLISHED_QUERIES):
        body = client.get(url).content.decode()
    assert "公开栏内容未更新" in body and "党旗破损" not in body
    assert "党旗破损" in str(selectors.briefing_content(b))  # the live figures did change
    with pytest.raises(ValidationError) as exc:
        services.briefing_update(briefing=b, title="改", summary="改", actor=personas.county_admin)
    assert "通报已印发，不能再修改。" in exc.value.messages
    response = client.post(
        reverse("supervision:briefing_edit", args=[b.pk]),
        {"title": "改过的标题", "summary": "改", "good_practice": ""},
    )
    assert "通报已印发，不能再修改。" in response.content.decode()
    assert Briefing.objects.get(pk=b.pk).title != "改过的标题"


# The shell (session, the user with its grants, badge, nav: 4), the briefing (1), the timeline and its audit scope
# (several; core's timeline resolves the content type once for all its status changes — it was once
# per change, 15 queries; and 9 while it looked up the records the briefing's creation names), no indicator at
# all: an issued briefing reads its snapshot.
PUBLISHED_QUERIES = 7


def test_the_townships_named_read_the_published_briefing_but_not_a_draft(client, personas, county):
    b = _briefing(personas, county)
    client.force_login(personas.township_a)
    assert client.get(reverse("supervision:briefing_detail", args=[b.pk])).status_code == 404
    _issue(b, personas)
    assert client.get(reverse("supervision:briefing_detail", args=[b.pk])).status_code == 200
    client.force_login(personas.village_a1)
    assert client.get(reverse("supervision:briefing_detail", args=[b.pk])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_the_briefing_list_runs_a_fixed_number_of_queries(
    client, personas, county, django_assert_num_queries, n
):
    for i in range(n):
        services.briefing_create(
            org=county.county, month=TODAY, title=f"通报{i}", summary="概况", actor=personas.county_admin
        )
    client.force_login(personas.county_admin)
    client.get(reverse("supervision:briefing_list"))
    with django_assert_num_queries(LIST_QUERIES):
        body = client.get(reverse("supervision:briefing_list")).content.decode()
    assert body.count('data-testid="briefing-row"') == n


# The shell (session, the user with its grants, badge, session save…) and the briefings: a count and a page.
LIST_QUERIES = 5


def test_the_word_document_holds_the_ranking_and_the_findings(client, personas, county):
    from docx import Document

    p = plan(county, personas.inspector)
    visit(p, county.village_a1, personas.inspector, findings=("公开栏内容未更新",))
    b = _briefing(personas, county, good_practice="A镇推行“党建+网格”。")
    _issue(b, personas)
    client.force_login(personas.county_admin)
    response = client.get(reverse("supervision:briefing_document", args=[b.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(par.text for par in doc.paragraphs)
    assert f"萍党建通〔{TODAY.year}〕1号" in text and "A镇推行“党建+网格”。" in text
    ranking, _indicators, findings = doc.tables
    assert [c.text for c in ranking.rows[0].cells] == ["名次", "单位", "得分", "较上月"]
    names = [row.cells[1].text for row in ranking.rows[1:]]
    assert sorted(names) == ["A镇党委", "B镇党委"]
    assert [c.text for c in findings.rows[1].cells] == ["A1村党支部", TODAY.isoformat(), "公开栏内容未更新"]
    # A finding after the issue is not in the issued document (its snapshot), though it is in the live figures.
    visit(p, county.village_a2, personas.inspector, findings=("党旗破损",), scores=(1, 1, 1))
    again = Document(io.BytesIO(client.get(reverse("supervision:briefing_document", args=[b.pk])).content))
    assert [[c.text for c in row.cells] for row in again.tables[2].rows] == [
        [c.text for c in row.cells] for row in findings.rows
    ]


def test_the_annex_holds_the_ranking_and_every_registered_indicator(client, personas, county):
    from openpyxl import load_workbook

    from dangjian.core import indicators

    b = _briefing(personas, county)
    client.force_login(personas.county_admin)
    response = client.get(reverse("supervision:briefing_export", args=[b.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "七项重点工作"
    headers = [c.value for c in book["指标"][1]]
    assert len(headers) == 1 + len(indicators.all_indicators())
    assert [row[0].value for row in book["指标"].iter_rows(min_row=2)] == ["A镇党委", "B镇党委"]


def test_a_month_is_stored_as_its_first_day(personas, county):
    b = services.briefing_create(
        org=county.county, month=date(2026, 11, 17), title="通报", summary="概况", actor=personas.county_admin
    )
    assert b.month == date(2026, 11, 1)


def test_a_word_template_missing_a_field_the_briefing_needs_is_refused_by_name(personas):
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.core import documents

    source = documents.template_bytes("supervision.briefing", default=True)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ summary }}", b"")
            dst.writestr(info, data)
    upload = SimpleUploadedFile("通报.docx", out.getvalue())
    with pytest.raises(ValidationError) as exc:
        documents.document_template_upload(key="supervision.briefing", file=upload, actor=personas.admin)
    assert "summary" in str(exc.value)


def test_a_ranking_of_an_organisation_outside_my_subtree_is_not_found(client, personas, county):
    rs = services.ranking_set_save(
        org=county.township_a,
        name="村级考评",
        items=[{"key": "ledger.open_items", "weight": 100}],
        actor=personas.admin,
    )
    client.force_login(personas.township_a)
    url = reverse("supervision:ranking")
    assert client.get(f"{url}?set={rs.pk}&org={county.township_a.pk}").status_code == 200
    assert client.get(f"{url}?set={rs.pk}&org={county.township_b.pk}").status_code == 404
    assert client.get(f"{url}?set={rs.pk}&org={county.county.pk}").status_code == 404


def test_under_a_county_townships_are_ranked_among_themselves(county):
    from dangjian.orgs.models import OrgKind
    from dangjian.orgs.tests.factories import make_org

    make_org(
        county.county, "中共县直机关工作委员会", kind=OrgKind.GRASSROOTS_COMMITTEE, short_name="县直机关工委"
    )
    assert selectors.children_of(county.county) == [county.township_a, county.township_b]
    assert selectors.children_of(county.township_a) == [county.village_a1, county.village_a2]
