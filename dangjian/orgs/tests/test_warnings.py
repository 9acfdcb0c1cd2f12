"""The organisation health rules of DOMAIN.md §1, one by one, and a healthy branch that raises none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core import params as core_params
from dangjian.orgs import params, selectors
from dangjian.orgs.models import Organisation, OrgKind, Post, PostKind, Sector
from dangjian.orgs.tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def _warnings(org: Organisation) -> dict[str, str]:
    """The organisation's warnings, the same whether its figures come from subqueries (one organisation's
    page) or from the grouped queries of the warnings list and the home page."""
    annotated = selectors.annotate_health(Organisation.objects.filter(pk=org.pk)).get()
    found = {w.code: w.text for w in selectors.warnings_for(annotated, today=TODAY)}
    (grouped,) = selectors.with_health(Organisation.objects.filter(pk=org.pk))
    assert {w.code: w.text for w in selectors.warnings_for(grouped, today=TODAY)} == found
    return found


def _branch(parent, name="测试党支部", *, full=3, secretary=True, **fields) -> Organisation:
    """A rural branch with ``full`` full members, the first of them secretary since 2024."""
    fields.setdefault("committee_elected_on", date(2024, 3, 1) if full >= 7 else None)
    org = make_org(parent, name, **fields)
    people = [make_person(org, f"党员{i}") for i in range(full)]
    if secretary and people:
        Post.objects.create(org=org, person=people[0], kind=PostKind.SECRETARY, started_on=date(2024, 3, 1))
    if fields["committee_elected_on"] and len(people) >= 4:
        # A committee of four: secretary, organising, propaganda and discipline members.
        kinds = (PostKind.ORGANISING, PostKind.PROPAGANDA, PostKind.DISCIPLINE)
        for person, kind in zip(people[1:4], kinds, strict=True):
            Post.objects.create(org=org, person=person, kind=kind, started_on=date(2024, 3, 1))
    return org


def test_a_healthy_branch_has_no_warnings(county):
    org = _branch(county.township_a, full=5)
    assert _warnings(org) == {}


def test_a_healthy_branch_with_a_committee_has_no_warnings(county):
    org = _branch(county.township_a, full=9)
    assert _warnings(org) == {}


def test_a_vacant_secretary_post_counts_the_days_since_the_last_secretary_left(county):
    org = _branch(county.township_a, full=4, secretary=False)
    person = org.people.first()
    Post.objects.create(
        org=org,
        person=person,
        kind=PostKind.SECRETARY,
        started_on=date(2020, 1, 1),
        ended_on=TODAY - timedelta(days=95),
    )
    assert _warnings(org) == {"secretary_vacant": "书记空缺 95 天（自 2026-08-19 起）"}


def test_a_vacant_secretary_post_counts_from_the_founding_when_there_never_was_one(county):
    org = _branch(county.township_a, full=4, secretary=False, founded_on=date(2026, 11, 1))
    assert _warnings(org) == {"secretary_vacant": "书记空缺 21 天（自 2026-11-01 起）"}


def test_a_vacant_secretary_post_without_any_date_is_still_flagged(county):
    org = _branch(county.township_a, full=4, secretary=False)
    assert _warnings(org) == {"secretary_vacant": "书记空缺"}


def test_a_future_secretary_does_not_fill_the_post_today(county):
    org = _branch(county.township_a, full=4, secretary=False)
    Post.objects.create(
        org=org, person=org.people.first(), kind=PostKind.SECRETARY, started_on=TODAY + timedelta(days=400)
    )
    assert "secretary_vacant" in _warnings(org)


def test_seven_full_members_without_a_committee_are_flagged(county):
    org = _branch(county.township_a, full=7, committee_elected_on=None)
    assert _warnings(org) == {"no_committee": "正式党员 7 名（≥7），但未设支部委员会"}


def test_six_full_members_need_no_committee(county):
    org = _branch(county.township_a, full=6)
    assert "no_committee" not in _warnings(org)


def test_probationary_members_do_not_count_towards_a_committee(county):
    org = _branch(county.township_a, full=6)
    make_person(org, "预备甲", category="probationary")
    assert "no_committee" not in _warnings(org)


def test_fewer_than_three_full_members_should_form_a_joint_branch(county):
    org = _branch(county.township_a, full=2)
    assert _warnings(org) == {"too_small": "正式党员仅 2 名（<3），应成立联合党支部"}


def test_a_joint_branch_with_two_full_members_is_fine(county):
    org = _branch(county.township_a, full=2, kind=OrgKind.JOINT_BRANCH)
    assert _warnings(org) == {}


def test_a_village_committee_term_expires_after_five_years(county):
    org = _branch(county.township_a, full=7, committee_elected_on=date(2021, 11, 1))
    assert _warnings(org) == {"term_expired": "委员会任期已满（应于 2026-11-01 换届），未按期换届"}


def test_a_village_committee_within_five_years_is_not_expired(county):
    org = _branch(county.township_a, full=7, committee_elected_on=date(2021, 12, 1))
    assert "term_expired" not in _warnings(org)


def test_an_agency_committee_term_expires_after_three_years(county):
    org = _branch(county.township_a, full=7, sector=Sector.AGENCY, committee_elected_on=date(2023, 6, 30))
    assert _warnings(org) == {"term_expired": "委员会任期已满（应于 2026-06-30 换届），未按期换届"}


def test_an_explicit_term_overrides_the_default(county):
    org = _branch(county.township_a, full=7, committee_elected_on=date(2023, 6, 30), term_years=5)
    assert "term_expired" not in _warnings(org)


def test_the_thresholds_follow_the_rule_parameters(county):
    org = _branch(county.township_a, full=4)
    core_params.set_value(params.BRANCH_MIN_FULL_MEMBERS.key, 5)
    assert _warnings(org) == {"too_small": "正式党员仅 4 名（<5），应成立联合党支部"}


def test_a_dissolved_organisation_raises_no_warnings(county):
    org = _branch(county.township_a, full=1, secretary=False)
    Organisation.objects.filter(pk=org.pk).update(dissolved_on=date(2026, 1, 1), dissolved_reason="合并")
    org.refresh_from_db()
    assert _warnings(org) == {}


def test_the_county_committee_is_not_flagged_for_a_secretary(county):
    assert _warnings(county.county) == {}


def test_the_warnings_page_shows_each_rule_and_omits_the_healthy_branch(client, personas, county):
    _branch(county.township_a, "健康党支部", full=5)
    founded = timezone.localdate() - timedelta(days=10)
    _branch(county.township_a, "缺书记党支部", full=4, secretary=False, founded_on=founded)
    _branch(county.township_a, "无支委会党支部", full=7, committee_elected_on=None)
    _branch(county.township_a, "过小党支部", full=2)
    _branch(county.township_a, "超期党支部", full=7, committee_elected_on=date(2020, 1, 1))
    client.force_login(personas.township_a)
    html = client.get(reverse("orgs:warnings")).content.decode()
    assert "书记空缺 10 天" in html
    assert "正式党员 7 名（≥7），但未设支部委员会" in html
    assert "正式党员仅 2 名（&lt;3），应成立联合党支部" in html  # escaped in HTML
    assert "委员会任期已满（应于 2025-01-01 换届），未按期换届" in html
    assert "健康党支部" not in html
    response = client.get(reverse("orgs:warnings") + "?code=term_expired")
    assert [org.name for org, _found in response.context["page"]] == ["超期党支部"]


def test_the_organisation_page_says_so_when_a_branch_is_healthy(client, personas, county):
    org = _branch(county.township_a, "健康党支部", full=5)
    client.force_login(personas.township_a)
    html = client.get(reverse("orgs:org_detail", args=[org.pk])).content.decode()
    assert 'data-testid="no-warnings"' in html
    assert "无预警。" in html


# ------------------------------------------------------------------ issue 8 item 16: the other rules, each a parameter


def test_a_branch_over_fifty_members_should_be_a_general_branch_and_over_a_hundred_a_committee(county):
    org = _branch(county.township_a, full=5)
    core_params.set_value(params.BRANCH_MAX_MEMBERS.key, 4)
    assert _warnings(org)["too_big"] == "5 名党员（超过 4 名）：应设立党总支"
    core_params.set_value(params.COMMITTEE_FROM_MEMBERS.key, 4)
    assert _warnings(org)["too_big"] == "5 名党员（超过 4 名）：应设立基层党委"


def test_a_committee_set_up_with_fewer_than_seven_full_members_is_flagged(county):
    org = _branch(county.township_a, full=5, committee_elected_on=date(2024, 3, 1))
    assert _warnings(org) == {"committee_too_early": "设有支部委员会但正式党员仅 5 名（满 7 名才设支委会）"}


def test_a_committee_outside_three_to_seven_or_without_its_posts_is_flagged(county):
    org = _branch(county.township_a, full=9)
    Post.objects.filter(org=org, kind=PostKind.DISCIPLINE).delete()
    assert _warnings(org) == {"committee_posts": "支部委员会：无纪检委员"}
    core_params.set_value(params.COMMITTEE_MIN_SIZE.key, 5)
    assert _warnings(org) == {"committee_posts": "支部委员会：委员 3 名（应为 5 至 7 名）；无纪检委员"}


def test_members_the_branch_must_settle_are_counted(county):
    org = _branch(county.township_a, full=3)
    make_person(org, "预备党员甲", category="probationary", joined_on=date(2025, 6, 1))
    make_person(org, "预备党员乙", category="probationary", joined_on=date(2026, 6, 1))
    make_person(org, "失联党员", lost_contact=True, lost_contact_on=date(2026, 1, 5))
    make_person(org, "流动党员", mobile=True, mobile_destination="")
    found = _warnings(org)
    assert found["probation_overdue"] == "1 名预备党员预备期已满未转正"
    assert found["lost_contact"] == "1 名党员失联 6 个月以上"
    assert found["mobile_unplaced"] == "1 名流动党员未登记外出流向"
    core_params.set_value(params.LOST_CONTACT_MONTHS.key, 12)
    assert "lost_contact" not in _warnings(org)


def test_a_vacant_secretary_post_turns_red_after_the_parameters_days(county):
    org = _branch(county.township_a, full=4, secretary=False, founded_on=TODAY - timedelta(days=30))
    annotated = selectors.annotate_health(Organisation.objects.filter(pk=org.pk)).get()
    assert [w.severity for w in selectors.warnings_for(annotated, today=TODAY)] == ["warning"]
    core_params.set_value(params.SECRETARY_VACANT_DAYS.key, 20)
    assert [w.severity for w in selectors.warnings_for(annotated, today=TODAY)] == ["danger"]


def test_party_groups_and_small_groups_exist_and_a_small_group_needs_no_secretary(county):
    org = _branch(county.township_a, full=5)
    cell = make_org(org, "第一党小组", kind=OrgKind.PARTY_CELL)
    group = make_org(county.county, "中共某某县财政局党组", kind=OrgKind.PARTY_GROUP, sector=Sector.AGENCY)
    assert (cell.get_kind_display(), group.get_kind_display()) == ("党小组", "党组")
    assert _warnings(cell) == {}
    assert "secretary_vacant" in _warnings(group)


def test_a_branch_without_a_committee_is_not_named_a_committee(county):
    org = _branch(county.township_a, "中共某某村支部委员会", full=5)
    assert _warnings(org) == {"branch_name": "未设支部委员会，名称应为“中共某某村支部”，而非“……支部委员会”"}
    with_committee = _branch(county.township_a, "中共另一村支部委员会", full=9)
    assert _warnings(with_committee) == {}


def test_a_joint_branch_over_five_units_is_flagged_and_the_limit_is_a_parameter(county):
    five = "、".join(f"第{i}公司" for i in range(1, 6))
    org = _branch(county.township_a, full=4, kind=OrgKind.JOINT_BRANCH, joint_units=five)
    assert org.joint_unit_names == [f"第{i}公司" for i in range(1, 6)]
    assert _warnings(org) == {}
    org.joint_units += "\n第6公司"
    org.save()
    assert _warnings(org) == {
        "joint_units": "联合支部覆盖 6 个单位（一般不超过 5 个）：应在党员较多的单位单独建立支部"
    }
    core_params.set_value(params.JOINT_BRANCH_MAX_UNITS.key, 6)
    assert _warnings(org) == {}


def test_only_a_joint_branch_lists_the_units_it_covers(personas, county):
    from django.core.exceptions import ValidationError

    from dangjian.orgs import services

    with pytest.raises(ValidationError) as refused:
        make_org(county.township_a, "中共某村支部委员会", joint_units="甲公司、乙公司")
    assert refused.value.message_dict == {"joint_units": ["只有联合支部才填写覆盖单位。"]}
    assert not Organisation.objects.filter(name="中共某村支部委员会").exists()
    branch = _branch(county.township_a, full=4)
    with pytest.raises(ValidationError):
        services.org_update(org=branch, actor=personas.township_a, joint_units="甲公司")
    branch.refresh_from_db()
    assert branch.joint_units == ""
    # Typed as clerks type them: separators of every kind, spaces and repeats are tidied.
    joint = make_org(
        county.township_a,
        "中共园区联合支部",
        kind=OrgKind.JOINT_BRANCH,
        joint_units=" 甲公司，乙公司；甲公司\n丙厂 ",
    )
    assert joint.joint_units == "甲公司\n乙公司\n丙厂"


def test_the_joint_branch_warning_is_listed_and_the_units_shown(client, personas, county):
    units = "、".join(f"第{i}公司" for i in range(1, 8))
    org = _branch(
        county.township_a, "中共园区第二联合支部", full=4, kind=OrgKind.JOINT_BRANCH, joint_units=units
    )
    client.force_login(personas.township_a)
    page = client.get(reverse("orgs:warnings") + "?code=joint_units").content.decode()
    assert org.name in page and "联合支部覆盖 7 个单位" in page
    detail = client.get(reverse("orgs:org_detail", args=[org.pk])).content.decode()
    assert "第1公司、第2公司" in detail and "共 7 个单位" in detail


def test_the_warnings_export_is_a_filed_list_of_my_subtree_only(client, personas, county):
    import io

    from openpyxl import load_workbook

    mine = _branch(
        county.township_a,
        "中共A镇园区联合支部",
        full=4,
        kind=OrgKind.JOINT_BRANCH,
        joint_units="、".join("甲乙丙丁戊己"),
    )
    other = _branch(
        county.township_b,
        "中共B镇园区联合支部",
        full=4,
        kind=OrgKind.JOINT_BRANCH,
        joint_units="、".join("甲乙丙丁戊己"),
    )
    client.force_login(personas.township_a)
    page = client.get(reverse("orgs:warnings")).content.decode()
    assert 'data-testid="warnings-export"' in page
    response = client.get(reverse("orgs:warnings_export") + "?code=joint_units")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "中共A镇委员会党组织预警清单（联合支部覆盖单位过多）"
    assert "填报单位：中共A镇委员会" in sheet["A2"].value and "制表人：A镇书记" in sheet["A2"].value
    header = [c.value for c in sheet[3]]
    assert header == ["序号", "党组织全称", "组织类别", "预警事项", "具体情况", "程度"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4) if r[0].value is not None]
    assert rows == [
        [
            1,
            mine.name,
            "联合党支部",
            "联合支部覆盖单位过多",
            "联合支部覆盖 6 个单位（一般不超过 5 个）：应在党员较多的单位单独建立支部",
            "黄色",
        ]
    ]
    assert other.name not in str([[c.value for c in r] for r in sheet.iter_rows()])
    assert sheet.freeze_panes == "A4" and sheet.page_setup.orientation == "landscape"


def test_the_warnings_export_is_refused_without_the_export_right(client, personas, county):
    client.force_login(personas.member)
    assert client.get(reverse("orgs:warnings_export")).status_code == 403
    page = client.get(reverse("orgs:warnings")).content.decode()
    assert 'data-testid="warnings-export"' not in page


def test_the_home_pages_warning_list_is_compiled_once_and_read_afresh(county, personas):
    """The home page asks the warning list on every visit: its three queries are compiled once per user,
    scope, day and rule parameters, and what changed since shows at once (a member lost, a rule changed)."""
    from dangjian.core.tests.spies import compiled_tables

    org = _branch(county.township_a, "新建党支部", full=3)

    def codes() -> list[str]:
        return [
            w.code
            for o, found in selectors.warning_list(personas.township_a)
            if o.pk == org.pk
            for w in found
        ]

    assert codes() == []
    with compiled_tables() as compiled:
        make_person(
            org, "失联党员", lost_contact=True, lost_contact_on=timezone.localdate() - timedelta(days=400)
        )
        compiled.clear()  # the person's insert
        assert codes() == ["lost_contact"]
        assert compiled == []
        core_params.set_value(params.LOST_CONTACT_MONTHS.key, 24)  # another rule: compiled again
        compiled.clear()
        assert codes() == []
        assert compiled
