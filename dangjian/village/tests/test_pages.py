"""The village pages: phone check-in and leave, the township's approval, decisions and grid matters
through their forms, exports, refusals shown with nothing written, and pinned query counts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import params
from dangjian.orgs.models import PostKind
from dangjian.orgs.tests.factories import make_org
from dangjian.village import services
from dangjian.village.models import CheckIn, Decision, GridMatter, Leave, OfficeRota

from .builders import build_cadres, grid_category, make_cadre, report_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadres(county, personas):
    return build_cadres(county, personas)


@pytest.fixture
def open_all_day():
    params.set_value("village.checkin_from_hour", 0)
    params.set_value("village.checkin_until_hour", 24)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_anonymous_visitors_are_sent_to_login(client, cadres):
    for url in (reverse("village:my_duty"), reverse("village:rota_day"), reverse("village:decision_list")):
        assert client.get(url).status_code == 302


def test_a_cadre_checks_in_from_the_phone_page_and_asks_for_leave_which_the_township_approves(
    client, cadres, personas, open_all_day
):
    client.force_login(personas.village_a1)
    page = client.get(reverse("village:my_duty")).content.decode()
    assert "到岗打卡" in page and "A1村党支部" in page
    response = client.post(
        reverse("village:checkin", args=[cadres.secretary_a1.pk]), {"location": "村委会"}, follow=True
    )
    assert "打卡成功。" in messages_of(response)
    assert 'data-testid="checked-in"' in response.content.decode()
    assert CheckIn.objects.get().location == "村委会"
    # A second tap is refused on the form, nothing written.
    again = client.post(reverse("village:checkin", args=[cadres.secretary_a1.pk]), {"location": ""})
    assert again.status_code == 200 and "今天已经打过卡了。" in again.content.decode()
    assert CheckIn.objects.count() == 1

    start = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("village:leave_create", args=[cadres.secretary_a1.pk]),
        {"starts_on": start.isoformat(), "ends_on": start.isoformat(), "reason": "参加县里培训"},
    )
    leave = Leave.objects.get()
    assert response["Location"] == reverse("village:leave_detail", args=[leave.pk])
    own_page = client.get(response["Location"]).content.decode()
    assert 'data-testid="move-approved"' not in own_page  # nobody is offered approval of their own leave

    client.force_login(personas.township_a)
    page = client.get(reverse("village:leave_detail", args=[leave.pk])).content.decode()
    assert 'data-testid="move-approved"' in page
    response = client.post(
        reverse("village:leave_move", args=[leave.pk]),
        {"to": "approved", "version": leave.version, "note": ""},
        follow=True,
    )
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED and "已同意" in response.content.decode()


def test_checking_in_on_someone_elses_post_is_refused_on_the_form(client, cadres, personas, open_all_day):
    client.force_login(personas.village_a1)
    response = client.post(reverse("village:checkin", args=[cadres.director_a1.pk]), {"location": ""})
    assert response.status_code == 200 and "只能为本人打卡。" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_cadre_post_of_another_township_is_not_found(client, cadres, personas):
    client.force_login(personas.township_a)
    assert client.get(reverse("village:cadre_detail", args=[cadres.secretary_b1.pk])).status_code == 404
    assert (
        client.post(
            reverse("village:rota_edit", args=[cadres.secretary_b1.pk]), {"weekdays": ["1"]}
        ).status_code
        == 404
    )
    assert not OfficeRota.objects.exists()


def test_the_rota_day_page_shows_who_is_missing(client, cadres, personas, county):
    monday = date(2026, 11, 2)
    for post in (cadres.secretary_a1, cadres.director_a1):
        OfficeRota.objects.create(org=post.org, person=post.person, weekday=1, active_from=date(2026, 1, 1))
    CheckIn.objects.create(
        org=county.village_a1,
        person=cadres.secretary_a1.person,
        day=monday,
        at=timezone.make_aware(timezone.datetime(2026, 11, 2, 8)),
    )
    client.force_login(personas.township_a)
    body = client.get(reverse("village:rota_day"), {"day": "2026-11-02"}).content.decode()
    assert 'data-due="2" data-checked="1" data-leave="0" data-missing="1"' in body
    assert "钱主任" in body and "李书记" not in body  # B1's cadres are not township A's


@pytest.mark.parametrize("villages", [1, 12])
def test_the_rota_day_page_runs_a_fixed_number_of_queries(
    client, cadres, personas, county, villages, django_assert_num_queries
):
    for i in range(villages - 1):
        village = make_org(county.township_a, f"中共新村{i}支部委员会", short_name=f"新村{i}党支部")
        post = make_cadre(village, f"新干部{i}", PostKind.SECRETARY, birth=date(1970, 1, 1 + i))
        OfficeRota.objects.create(org=village, person=post.person, weekday=1, active_from=date(2026, 1, 1))
    client.force_login(personas.township_a)
    client.get(reverse("village:rota_day"))  # warm the session and the caches
    with django_assert_num_queries(10):
        response = client.get(reverse("village:rota_day"), {"day": "2026-11-02"})
    # Township A's villages: A1, A2 and the new ones, each with its own card.
    assert response.content.decode().count('data-testid="village-day"') == villages + 1


@pytest.mark.parametrize("n", [2, 25])
def test_the_decision_list_runs_a_fixed_number_of_queries(
    client, personas, county, n, django_assert_num_queries
):
    for i in range(n):
        services.decision_create(
            org=county.village_a1, title=f"决策{i}", category="plan", amount=1000, actor=personas.village_a1
        )
    from dangjian.core.tests.spies import compiled_tables

    client.force_login(personas.township_a)
    client.get(reverse("village:decision_list"))
    with django_assert_num_queries(8), compiled_tables() as compiled:
        response = client.get(reverse("village:decision_list"))
    assert response.content.decode().count('data-testid="decision-row"') == n
    # Compiled on the first visit only (the list, its counts by state, which rows are stuck, where the
    # user may record): a decision made since is on the next page, counted.
    assert "village_decision" not in compiled and "orgs_organisation" not in compiled, compiled
    services.decision_create(
        org=county.village_a1, title="新决策", category="plan", amount=1000, actor=personas.village_a1
    )
    response = client.get(reverse("village:decision_list"))
    assert response.content.decode().count('data-testid="decision-row"') == n + 1
    assert sum(response.context["counts"].values()) == n + 1


@pytest.mark.parametrize("n", [2, 25])
def test_the_grid_list_runs_a_fixed_number_of_queries(client, personas, county, n, django_assert_num_queries):
    grid = services.grid_create(
        org=county.village_a1, name="一网格", area="", members=[], actor=personas.village_a1
    )
    for i in range(n):
        services.matter_register(
            grid=grid,
            actor=personas.village_a1,
            title=f"事项{i}",
            source="patrol",
            category=grid_category("安全隐患"),
        )
    client.force_login(personas.township_a)
    client.get(reverse("village:matter_list"))
    with django_assert_num_queries(7):
        response = client.get(reverse("village:matter_list"))
    assert response.content.decode().count('data-testid="matter-row"') == n


def test_a_decision_walks_its_steps_through_the_pages_and_a_bad_quorum_is_shown(client, personas, county):
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("village:decision_create", args=[county.village_a1.pk]),
        {"title": "村集体光伏项目", "category": "project", "amount": "80000"},
    )
    decision = Decision.objects.get()
    url = reverse("village:decision_step", args=[decision.pk])
    today = timezone.localdate()
    assert client.post(url, {"step": "1", "held_on": today.isoformat()}).status_code == 302
    assert client.post(url, {"step": "2", "held_on": today.isoformat()}).status_code == 302
    meeting = {
        "step": "3",
        "held_on": today.isoformat(),
        "expected": "40",
        "votes_against": "0",
        "votes_abstain": "0",
    }
    refused = client.post(url, {**meeting, "present": "20", "votes_for": "20"})
    assert refused.status_code == 200
    assert "党员大会须有半数以上党员到会（应到40人，至少21人），实到20人。" in refused.content.decode()
    assert client.post(url, {**meeting, "present": "30", "votes_for": "28"}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.REVIEWED
    page = client.get(reverse("village:decision_detail", args=[decision.pk])).content.decode()
    assert page.count('data-testid="step"') == 3 and "村民（代表）会议决议" in page
    assert response["Location"] == reverse("village:decision_detail", args=[decision.pk])


def test_a_grid_matter_is_registered_routed_and_handled_through_the_pages(client, personas, county):
    grid = services.grid_create(
        org=county.village_a1, name="二网格", area="", members=[], actor=personas.village_a1
    )
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("village:matter_create", args=[grid.pk]),
        {
            "title": "下水道堵塞",
            "source": "resident",
            "category": grid_category("环境卫生").pk,
            "reporter_phone": "13811112222",
        },
    )
    matter = GridMatter.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert "138****2222" in detail and "13811112222" not in detail
    client.post(
        reverse("village:matter_route", args=[matter.pk]),
        {"to_org": county.township_a.pk, "reason": "需镇里协调", "version": matter.version},
    )
    matter.refresh_from_db()
    assert matter.handler_org == county.township_a
    client.force_login(personas.township_a)
    client.post(
        reverse("village:matter_move", args=[matter.pk]), {"to": "handling", "version": matter.version}
    )
    matter.refresh_from_db()
    response = client.post(
        reverse("village:matter_move", args=[matter.pk]),
        {
            "to": "resolved",
            "version": matter.version,
            "measures": "",
            "resolved_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "请填写处置措施。" in messages_of(response)
    matter.refresh_from_db()
    assert matter.status == GridMatter.Status.HANDLING


def test_the_leave_export_has_the_townships_columns(client, cadres, personas):
    services.leave_request(
        post=cadres.director_a1,
        starts_on=date(2026, 11, 9),
        ends_on=date(2026, 11, 10),
        reason="看病",
        actor=personas.village_a1,
    )
    client.force_login(personas.township_a)
    response = client.get(reverse("village:leave_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("村（社区）", "村干部", "开始日期", "结束日期", "天数", "请假事由")
    assert rows[1][:5] == ("A1村党支部", "钱主任", "2026-11-09", "2026-11-10", 2)


def test_a_work_file_is_one_page_and_a_spreadsheet(client, cadres, personas):
    client.force_login(personas.village_a1)
    year = timezone.localdate().year
    response = client.post(
        reverse("village:work_file_edit", args=[cadres.director_a1.pk]),
        {
            "year": year,
            "targets": "村集体收入增长10%",
            "commitments": "修通组道",
            "grade": "competent",
            "remuneration": "24000",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "村集体收入增长10%" in page and "称职" in page
    sheet = load_workbook(io.BytesIO(client.get(response["Location"] + "xlsx/").content)).active
    assert ("考核等次", "称职") in list(sheet.iter_rows(values_only=True))


def test_a_check_in_may_carry_a_photo_but_not_a_file_that_is_no_image(client, cadres, personas, open_all_day):
    from dangjian.core.models import Attachment
    from dangjian.core.tests.files import upload

    client.force_login(personas.village_a1)
    url = reverse("village:checkin", args=[cadres.secretary_a1.pk])
    refused = client.post(url, {"location": "", "photo": upload("现场.pdf")})
    assert refused.status_code == 200 and not CheckIn.objects.exists() and not Attachment.objects.exists()
    assert client.post(url, {"location": "", "photo": upload("现场.png")}).status_code == 302
    checkin = CheckIn.objects.get()
    assert Attachment.objects.get().owner_id == checkin.pk


@pytest.mark.parametrize("n", [2, 25])
def test_the_leave_and_report_lists_run_a_fixed_number_of_queries(
    client, cadres, personas, n, django_assert_num_queries
):
    from dangjian.village.models import MajorMatterReport

    for i in range(n):
        start = date(2026, 1, 1) + timedelta(days=3 * i)
        Leave.objects.create(
            org=cadres.director_a1.org,
            person=cadres.director_a1.person,
            starts_on=start,
            ends_on=start,
            reason=f"事假{i}",
            level="village",
        )
        MajorMatterReport.objects.create(
            org=cadres.director_a1.org,
            person=cadres.director_a1.person,
            kind=report_kind("外出（3天以上）"),
            description=f"外出{i}",
            occurs_on=start,
            filed_on=start,
        )
    client.force_login(personas.township_a)
    client.get(reverse("village:leave_list"))
    with django_assert_num_queries(5):
        leave_page = client.get(reverse("village:leave_list")).content.decode()
    with django_assert_num_queries(6):  # the leave list's and the kinds to filter by
        report_page = client.get(reverse("village:report_list")).content.decode()
    assert leave_page.count('data-testid="leave-row"') == min(n, 30)
    assert report_page.count('data-testid="report-row"') == min(n, 30)


def test_a_grid_is_drawn_with_members_of_its_village_only(client, cadres, personas, county):
    from dangjian.village.models import Grid

    client.force_login(personas.village_a1)
    url = reverse("village:grid_create", args=[county.village_a1.pk])
    refused = client.post(url, {"name": "三网格", "members": [cadres.secretary_b1.person_id]})
    assert refused.status_code == 200 and not Grid.objects.exists()
    assert client.post(url, {"name": "三网格", "members": [cadres.director_a1.person_id]}).status_code == 302
    assert list(Grid.objects.get().members.all()) == [cadres.director_a1.person]


def test_a_secretary_who_is_also_the_director_gets_one_card(client, cadres, personas, county):
    from dangjian.orgs.models import Post

    Post.objects.create(
        org=county.village_a1,
        person=cadres.secretary_a1.person,
        kind=PostKind.VILLAGE_DIRECTOR,
        started_on=date(2025, 1, 1),
    )
    client.force_login(personas.village_a1)
    body = client.get(reverse("village:my_duty")).content.decode()
    assert body.count('data-testid="duty-card"') == 1 and f'data-post="{cadres.secretary_a1.pk}"' in body


def test_the_grid_roll_up_counts_each_township_and_each_category(client, personas, county):
    grid = services.grid_create(
        org=county.village_a1, name="四网格", area="", members=[], actor=personas.village_a1
    )
    for category in ("安全隐患", "安全隐患", "邻里纠纷"):
        services.matter_register(
            grid=grid,
            actor=personas.village_a1,
            title="事项",
            source="patrol",
            category=grid_category(category),
        )
    client.force_login(personas.county_admin)
    body = client.get(reverse("village:grid_rollup"), {"org": county.county.pk}).content.decode()
    assert f'data-org="{county.township_a.pk}" data-total="3"' in body
    assert f'data-org="{county.township_b.pk}" data-total="0"' in body
    assert 'data-testid="rollup-total" data-total="3"' in body
    assert "<span>安全隐患</span><b>2</b>" in body and "<span>邻里纠纷</span><b>1</b>" in body
    client.force_login(personas.township_b)
    assert client.get(reverse("village:grid_rollup"), {"org": county.township_a.pk}).status_code == 404


def test_a_step_carries_its_minutes_file(client, personas, county):
    from dangjian.core.models import Attachment
    from dangjian.core.tests.files import upload

    decision = services.decision_create(
        org=county.village_a1, title="修缮祠堂", category="project", amount=20000, actor=personas.village_a1
    )
    client.force_login(personas.village_a1)
    response = client.post(
        reverse("village:decision_step", args=[decision.pk]),
        {"step": "1", "held_on": timezone.localdate().isoformat(), "files": [upload("支委会记录.pdf")]},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().name == "支委会记录.pdf"
    page = client.get(reverse("village:decision_detail", args=[decision.pk])).content.decode()
    assert "支委会记录.pdf" in page


def test_a_work_file_page_with_a_nonsense_year_falls_back_to_this_year(client, cadres, personas):
    client.force_login(personas.village_a1)
    response = client.get(reverse("village:work_file_edit", args=[cadres.director_a1.pk]), {"year": "abc"})
    assert response.status_code == 200
    assert f'value="{timezone.localdate().year}"' in response.content.decode()


def test_a_villages_page_shows_its_duty_and_open_work_to_those_who_see_them(client, cadres, personas, county):
    services.decision_create(
        org=county.village_a1, title="修路", category="project", amount=1, actor=personas.village_a1
    )
    client.force_login(personas.township_a)
    body = client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])).content.decode()
    assert 'data-testid="village-panel"' in body and "在办决策事项1项" in body
    client.force_login(personas.member)  # sees the branch's page, none of its records
    body = client.get(reverse("orgs:org_detail", args=[county.village_a1.pk])).content.decode()
    assert 'data-testid="village-panel"' not in body
    client.force_login(personas.township_a)
    body = client.get(reverse("orgs:org_detail", args=[county.township_a.pk])).content.decode()
    assert 'data-testid="village-panel"' not in body
