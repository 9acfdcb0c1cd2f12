"""Classification and stars (分类定级、评星), weak organisations (后进整顿) and venues (六有、清零)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.core import params as core_params
from dangjian.ledger import door
from dangjian.supervision import services
from dangjian.supervision.models import Rating, Venue, WeakOrg

from .helpers import TODAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "grade", "stars"),
    [
        (95, "good", 5),
        (94.9, "good", 4),
        (90, "good", 4),
        (89, "fairly_good", 4),
        (85, "fairly_good", 4),
        (80, "fairly_good", 3),
        (75, "average", 3),
        (65, "average", 2),
        (60, "average", 1),
        (59.9, "poor", 0),
    ],
)
def test_thresholds_of_classification_and_stars(score, grade, stars):
    value = Decimal(str(score))
    assert (services.grade_for(value), services.stars_for(value)) == (grade, stars)


def _rated(personas, org, self_score=90, poll=90, town=90):
    r = services.rating_self_assess(org=org, year=2025, self_score=self_score, actor=personas.admin)
    return services.rating_rate(rating=r, poll_score=poll, township_score=town, actor=personas.township_a)


def test_the_overall_score_weighs_self_poll_and_township(personas, county):
    r = _rated(personas, county.village_a1, self_score=100, poll=80, town=70)
    # 20 % × 100 + 30 % × 80 + 50 % × 70 = 79
    assert r.score == Decimal("79.0") and r.grade == "average" and r.stars == 3


def test_a_score_outside_the_scale_is_refused(client, personas, county):
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("supervision:rating_create"), {"org": county.village_a1.pk, "year": 2025, "self_score": "120"}
    )
    assert "分数须在0到100之间。" in response.content.decode()
    r = services.rating_self_assess(
        org=county.village_a1, year=2025, self_score=80, actor=personas.village_a1
    )
    with pytest.raises(ValidationError) as exc:
        services.rating_rate(rating=r, poll_score=-1, township_score=90, actor=personas.township_a)
    assert "分数须在0到100之间。" in str(exc.value)
    assert Rating.objects.get().status == Rating.Status.SELF_ASSESSED


def test_five_stars_beyond_the_quota_are_refused(personas, county):
    core_params.set_value("supervision.five_star_quota_percent", 50)  # one of township A's two villages
    _rated(personas, county.village_a1, 98, 98, 98)
    r = services.rating_self_assess(org=county.village_a2, year=2025, self_score=99, actor=personas.admin)
    with pytest.raises(ValidationError) as exc:
        services.rating_rate(rating=r, poll_score=99, township_score=99, actor=personas.township_a)
    assert (
        "A镇党委2025年五星级党组织最多1个（不超过所属党组织的50%），已评1个，超出名额。" in exc.value.messages
    )
    r.refresh_from_db()
    assert r.status == Rating.Status.SELF_ASSESSED and r.stars == 0


def test_the_rater_never_confirms_and_the_county_does(client, personas, county):
    r = _rated(personas, county.village_a1)
    client.force_login(personas.township_a)
    assert client.post(reverse("supervision:rating_confirm", args=[r.pk])).status_code == 403
    r2 = services.rating_self_assess(org=county.village_a2, year=2025, self_score=80, actor=personas.admin)
    services.rating_rate(rating=r2, poll_score=80, township_score=80, actor=personas.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.rating_confirm(rating=r2, actor=personas.county_admin)
    assert "评定人不能确认自己的评定。" in exc.value.messages
    client.force_login(personas.county_admin)
    client.post(reverse("supervision:rating_confirm", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == Rating.Status.CONFIRMED
    body = client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])).content.decode()
    assert 'data-testid="supervision-panel"' in body and "2025" in body


def test_the_star_plaques_list_holds_confirmed_ratings_only(client, personas, county):
    from io import BytesIO

    from openpyxl import load_workbook

    r = _rated(personas, county.village_a1)
    services.rating_confirm(rating=r, actor=personas.county_admin)
    _rated(personas, county.village_a2)
    client.force_login(personas.county_admin)
    book = load_workbook(BytesIO(client.get(reverse("supervision:rating_export") + "?year=2025").content))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [county.village_a1.name]


def _flag(personas, county, actor=None):
    return services.weak_flag(
        org=county.village_a1,
        year=TODAY.year,
        reasons=["secretary", "meetings"],
        county_contact="县委常委 张明",
        township_contact="镇党委副书记 李强",
        actor=actor or personas.township_a,
    )


def test_the_flag_is_lifted_only_when_the_rectification_list_is_closed(client, personas, county):
    weak = _flag(personas, county, actor=personas.admin)
    with pytest.raises(ValidationError):
        services.weak_lift(weak=weak, actor=personas.county_admin)
    services.weak_hand_down(
        weak=weak,
        problems=["选优配强村党支部书记", "恢复三会一课"],
        deadline=TODAY + timedelta(days=60),
        actor=personas.township_a,
    )
    items = door.items_of_source(weak, personas.admin)
    assert items.count() == 2 and {i.org for i in items} == {county.village_a1}
    assert {i.item_list.org for i in items} == {county.township_a}
    client.force_login(personas.county_admin)
    response = client.post(reverse("supervision:weak_lift", args=[weak.pk]), follow=True)
    assert "整改清单还有未销号的问题，全部销号后才能整顿销号。" in response.content.decode()
    assert WeakOrg.objects.get().status == WeakOrg.Status.RECTIFYING
    items.update(status="closed", closed_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.weak_lift(weak=weak, actor=personas.admin)  # whoever flagged does not lift
    assert "认定人不能为自己认定的组织销号。" in exc.value.messages
    client.post(reverse("supervision:weak_lift", args=[weak.pk]))
    weak.refresh_from_db()
    assert weak.status == WeakOrg.Status.LIFTED and weak.lifted_on == TODAY


def test_a_flag_needs_reasons_and_both_contacts(client, personas, county):
    client.force_login(personas.township_a)
    response = client.post(
        reverse("supervision:weak_create"), {"org": county.village_a1.pk, "year": TODAY.year}
    )
    body = response.content.decode()
    assert "请至少选择一种情形。" in body and "请填写县级联系领导。" in body
    assert not WeakOrg.objects.exists()


def test_a_vacant_secretary_is_suggested(client, personas, county):
    client.force_login(personas.township_a)
    body = client.get(reverse("supervision:weak_list")).content.decode()
    assert 'data-testid="weak-suggestions"' in body and "书记空缺" in body


def test_a_long_vacancy_is_suggested_even_behind_twenty_recent_ones(personas, county):
    """The rule's days are applied before the first twenty are taken, not after."""
    from django.utils import timezone

    from dangjian.orgs.tests.factories import make_org
    from dangjian.supervision.selectors import weak_suggestions

    recent = timezone.localdate() - timedelta(days=10)
    for i in range(21):
        make_org(county.township_a, f"新建党支部{i:02d}", founded_on=recent)
    old = make_org(county.township_a, "久缺书记党支部", founded_on=timezone.localdate() - timedelta(days=700))
    suggested = {s.org.pk for s in weak_suggestions(personas.township_a)}
    assert old.pk in suggested
    assert suggested == {county.village_a1.pk, county.village_a2.pk, old.pk}  # no founding date: since ever


def test_the_suggestions_are_compiled_once_and_read_afresh(personas, county):
    """The branches judged and the vacant ones are kept queries (per user, scope, day and rule parameters):
    asked again they compile nothing, yet a secretary appointed since takes a branch off the list."""
    from dangjian.core.tests.spies import compiled_tables
    from dangjian.orgs.models import Post, PostKind
    from dangjian.orgs.tests.factories import make_person
    from dangjian.supervision.selectors import weak_suggestions

    def suggested(user):
        return {s.org.pk for s in weak_suggestions(user)}

    assert suggested(personas.township_a) == {county.village_a1.pk, county.village_a2.pk}
    secretary = make_person(county.village_a1, "王书记")
    Post.objects.create(org=county.village_a1, person=secretary, kind=PostKind.SECRETARY, started_on=TODAY)
    with compiled_tables() as compiled:
        assert suggested(personas.township_a) == {county.village_a2.pk}
    assert "orgs_organisation" not in compiled, compiled
    assert suggested(personas.township_b) == {county.village_b1.pk}  # another user: their own branches


def test_a_branch_without_a_venue_needs_a_plan_and_counts_towards_zero(client, personas, county):
    with pytest.raises(ValidationError) as exc:
        services.venue_save(org=county.village_a1, kind="none", actor=personas.village_a1)
    assert "没有活动场所的，须说明解决方式（新建、改建或共享）。" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.venue_save(
            org=county.village_a2, kind="own", address="A2村", checked=["有电视"], actor=personas.township_a
        )
    assert "不是“六有”标准的项目：有电视。" in str(exc.value)
    assert not Venue.objects.exists()
    venue = services.venue_save(
        org=county.village_a1,
        kind="none",
        plan="new_build",
        plan_deadline=TODAY + timedelta(days=30),
        actor=personas.village_a1,
    )
    services.venue_save(
        org=county.village_a2,
        kind="own",
        address="A2村委会二楼",
        area=120,
        checked=["有场所", "有党旗"],
        actor=personas.township_a,
    )
    client.force_login(personas.county_admin)
    body = client.get(reverse("supervision:venue_list")).content.decode()
    assert "1个党组织无活动场所" in body
    # Township A: two villages, both recorded, one without a venue; township B's village not recorded.
    row = '<td>%s</td><td class="text-end">%s</td><td class="text-end%s">%s</td><td class="text-end">%s</td>'
    assert row % ("A镇党委", 2, " text-red", 1, 0) in body
    assert row % ("B镇党委", 1, "", 0, 1) in body
    items = services.venue_hand_down(venue=venue, actor=personas.township_a)
    assert [i.title for i in items] == ["解决活动场所：新建"] and items[0].org == county.village_a1


def test_the_venue_page_compiles_its_figures_once_and_shows_each_visit_s_records(client, personas, county):
    """The figures and the 清零 table are kept queries (per user, scope, day and root): a second visit
    compiles none of them, yet a new venue and a new township are on it, and another user sees their own."""
    from dangjian.core.tests.spies import compiled_tables
    from dangjian.orgs.models import OrgKind, Sector
    from dangjian.orgs.tests.factories import make_org

    row = '<td>%s</td><td class="text-end">%s</td><td class="text-end%s">%s</td><td class="text-end">%s</td>'
    client.force_login(personas.county_admin)
    assert row % ("A镇党委", 2, "", 0, 2) in client.get(reverse("supervision:venue_list")).content.decode()
    services.venue_save(
        org=county.village_a1, kind="none", plan="new_build", plan_deadline=TODAY, actor=personas.village_a1
    )
    with compiled_tables() as compiled:
        body = client.get(reverse("supervision:venue_list")).content.decode()
    assert "1个党组织无活动场所" in body and row % ("A镇党委", 2, " text-red", 1, 1) in body
    assert "orgs_organisation" not in compiled, compiled  # the root, the townships, the roll-ups
    # At most the page of venues (a kept list: compiled on the first visit that has rows, or by an earlier
    # test of the same user and scope); never the figures or the roll-ups.
    assert compiled.count("supervision_venue") <= 1, compiled
    township = make_org(county.county, "中共C镇委员会", kind=OrgKind.TOWNSHIP_COMMITTEE, short_name="C镇党委")
    make_org(township, "中共C1村支部委员会", sector=Sector.RURAL)
    assert row % ("C镇党委", 1, "", 0, 1) in client.get(reverse("supervision:venue_list")).content.decode()
    client.force_login(personas.township_b)
    body = client.get(reverse("supervision:venue_list")).content.decode()
    assert "A镇党委" not in body and "0个党组织无活动场所" in body


def test_venue_photos_are_checked_by_content_and_shown_on_its_page(client, personas, county):
    from dangjian.core.tests.files import upload

    client.force_login(personas.village_a1)
    form = {
        "org": county.village_a1.pk,
        "kind": "own",
        "address": "A1村委会",
        "area": "120",
        "checked": ["有场所"],
    }
    response = client.post(
        reverse("supervision:venue_save"), {**form, "photos": upload("场所.jpg", b"not a picture")}
    )
    assert response.status_code == 200 and not Venue.objects.exists()
    client.post(reverse("supervision:venue_save"), {**form, "photos": upload("场所.jpg")})
    venue = Venue.objects.get()
    assert "场所.jpg" in client.get(reverse("supervision:venue_detail", args=[venue.pk])).content.decode()


@pytest.mark.parametrize("years", [1, 5])
def test_the_organisation_panel_runs_a_fixed_number_of_queries(
    rf, personas, county, django_assert_num_queries, years
):
    from dangjian.supervision import selectors

    for year in range(2020, 2020 + years):
        services.rating_self_assess(org=county.village_a1, year=year, self_score=80, actor=personas.admin)
    services.venue_save(org=county.village_a1, kind="own", address="A1村委会", actor=personas.admin)
    request = rf.get("/")
    request.user = personas.county_admin
    selectors.org_panel(request, county.village_a1)
    # Ratings, weak organisations, the venue and the confirmed assessments naming the organisation.
    with django_assert_num_queries(4):
        panel = selectors.org_panel(request, county.village_a1)
    assert len(panel["ratings"]) == years and panel["venue"] is not None


def test_overdue_items_suggest_a_branch_as_of_today_not_the_months_end(monkeypatch, personas, county):
    """Three items overdue today suggest A2; three falling due later this month do not suggest A1 (a whole
    month's figure counts them as they will stand at its end)."""
    from datetime import date

    from django.utils import timezone

    from dangjian.ledger.tests.builders import handed_item
    from dangjian.supervision.models import WeakReason
    from dangjian.supervision.selectors import weak_suggestions

    today = date(2026, 11, 22)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    for _i in range(3):
        handed_item(
            county, personas, org=county.village_a2, today=date(2026, 10, 8), deadline=date(2026, 11, 20)
        )
        handed_item(
            county, personas, org=county.village_a1, today=date(2026, 10, 8), deadline=date(2026, 11, 25)
        )
    reasons = {s.org.pk: (s.reasons, s.texts) for s in weak_suggestions(personas.township_a)}
    assert WeakReason.OVERDUE in reasons[county.village_a2.pk][0]
    assert "逾期事项3个" in reasons[county.village_a2.pk][1]
    assert WeakReason.OVERDUE not in reasons[county.village_a1.pk][0]


def test_a_scope_wider_than_the_limit_is_asked_to_focus_before_suggestions(
    client, settings, personas, county
):
    """More branches than ``WEAK_SUGGEST_MAX_BRANCHES``: nothing judged, the page says to choose a scope;
    focused on one village, its vacancy is suggested again."""
    settings.WEAK_SUGGEST_MAX_BRANCHES = 1
    client.force_login(personas.township_a)
    body = client.get(reverse("supervision:weak_list")).content.decode()
    assert 'data-testid="weak-suggestions-too-wide"' in body and "超过 1 个党支部" in body
    assert 'data-testid="weak-suggestions"' not in body
    client.post(reverse("orgs:focus"), {"org": county.village_a1.pk})
    body = client.get(reverse("supervision:weak_list")).content.decode()
    assert 'data-testid="weak-suggestions-too-wide"' not in body
    assert (
        'data-testid="weak-suggestions"' in body and "书记空缺" in body and county.village_a2.name not in body
    )


def test_the_rating_list_and_page_show_the_stars(client, personas, county):
    r = _rated(personas, county.village_a1, self_score=100, poll=80, town=70)  # 79: three stars
    client.force_login(personas.township_a)
    body = client.get(reverse("supervision:rating_list"), {"year": 2025}).content.decode()
    assert '<span title="3★" data-stars="3">★★★</span>' in body
    detail = client.get(reverse("supervision:rating_detail", args=[r.pk])).content.decode()
    assert 'data-stars="3">★★★</span>' in detail
