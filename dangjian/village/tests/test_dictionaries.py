"""The dictionaries an administrator keeps: grid-matter categories (with their time limits) and kinds of
major matters — shared entries and a committee's own, who keeps which, what forms offer, every refusal."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dangjian.village import services
from dangjian.village.forms import MatterForm, ReportForm
from dangjian.village.models import GridCategory, GridMatter, MajorMatterReport, ReportKind

from .builders import build_cadres, grid_category, report_kind

pytestmark = pytest.mark.django_db


def file_report(cadres, personas, kind, occurs_on, description):
    """The A1 village director files a major matter of ``kind`` on 2026-11-20."""
    return services.report_file(
        post=cadres.director_a1,
        kind=kind,
        occurs_on=occurs_on,
        description=description,
        actor=personas.village_a1,
        today=date(2026, 11, 20),
    )


def add_category(org, actor, name="物业管理", respond=1, resolve=8, **extra):
    return services.dictionary_entry_create(
        model=GridCategory,
        org=org,
        actor=actor,
        name=name,
        respond_days=respond,
        resolve_days=resolve,
        **extra,
    )


@pytest.fixture
def grids(county, personas):
    make = services.grid_create
    return (
        make(org=county.village_a1, name="一网格", area="", members=[], actor=personas.admin),
        make(org=county.village_b1, name="一网格", area="", members=[], actor=personas.admin),
    )


def register(grid, actor, category, title="电梯停运", **extra):
    return services.matter_register(
        grid=grid,
        actor=actor,
        title=title,
        source="resident",
        category=category,
        registered_on=date(2026, 11, 2),
        today=date(2026, 11, 3),
        **extra,
    )


def test_the_former_choices_are_the_shared_entries_and_keep_their_limits():
    assert set(GridCategory.objects.filter(org__isnull=True).values_list("name", flat=True)) == {
        "邻里纠纷",
        "环境卫生",
        "安全隐患",
        "公共设施",
        "民生救助",
        "其他",
    }
    assert report_kind("突发事件").report_within_days == 3
    assert report_kind("外出（3天以上）").report_within_days is None


def test_a_townships_category_is_offered_and_timed_in_its_villages_only(county, personas, grids):
    own = add_category(county.township_a, personas.township_a, respond=2, resolve=8)
    offered_a1 = set(MatterForm(org=county.village_a1).fields["category"].queryset)
    offered_b1 = set(MatterForm(org=county.village_b1).fields["category"].queryset)
    assert own in offered_a1 and own not in offered_b1
    assert grid_category("安全隐患") in offered_a1 & offered_b1
    # Monday 2 November 2026: two and eight working days.
    matter = register(grids[0], personas.village_a1, own)
    assert (matter.respond_by, matter.resolve_by) == (date(2026, 11, 4), date(2026, 11, 12))
    # A complex matter gets the longer of the category's limit and the complex limit (15 working days).
    matter = register(grids[0], personas.village_a1, own, complex=True)
    assert matter.resolve_by == date(2026, 11, 23)
    with pytest.raises(ValidationError) as exc:
        register(grids[1], personas.township_b, own)
    assert exc.value.message_dict == {"category": ["请选择事项类别。"]}
    assert GridMatter.objects.filter(org=county.village_b1).count() == 0


def test_an_entry_no_longer_in_use_is_not_offered_but_its_matters_keep_it(county, personas, grids):
    own = add_category(county.county, personas.county_admin)
    matter = register(grids[0], personas.village_a1, own)
    services.dictionary_entry_update(entry=own, actor=personas.county_admin, active=False)
    assert own not in set(MatterForm(org=county.village_a1).fields["category"].queryset)
    with pytest.raises(ValidationError):
        register(grids[0], personas.village_a1, own)
    matter.refresh_from_db()
    assert matter.category == own


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写名称。"),
        ({"name": "安全隐患"}, "name", "“安全隐患”在此范围内已有同名条目。"),
        ({"respond": 0}, "respond_days", "响应时限应为1至60个工作日。"),
        ({"resolve": 61}, "resolve_days", "办结时限应为1至60个工作日。"),
        (
            {"respond": 5, "resolve": 3},
            "resolve_days",
            "办结时限（3个工作日）不能短于响应时限（5个工作日）。",
        ),
    ],
)
def test_a_bad_category_is_refused_with_nothing_written(county, personas, values, field, message):
    before = GridCategory.objects.count()
    with pytest.raises(ValidationError) as exc:
        add_category(county.township_a, personas.township_a, **values)
    assert exc.value.message_dict[field] == [message]
    assert GridCategory.objects.count() == before


def test_one_name_once_above_at_and_below_the_keeper(county, personas):
    add_category(county.township_a, personas.township_a, name="电梯故障")
    # The county would offer it again in township A's villages; township B has no such entry.
    with pytest.raises(ValidationError):
        add_category(county.county, personas.county_admin, name="电梯故障")
    add_category(county.township_b, personas.township_b, name="电梯故障")
    assert GridCategory.objects.filter(name="电梯故障").count() == 2


def test_an_after_the_fact_kind_is_late_after_its_days_and_never_dated_ahead(county, personas):
    cadres = build_cadres(county, personas)
    flood = services.dictionary_entry_create(
        model=ReportKind,
        org=county.county,
        actor=personas.county_admin,
        name="汛情险情",
        report_within_days=1,
    )
    assert flood in set(ReportForm(org=county.village_a1).fields["kind"].queryset)
    on_time = file_report(cadres, personas, flood, date(2026, 11, 19), "河堤渗水")
    late = file_report(cadres, personas, flood, date(2026, 11, 18), "河堤渗水")
    assert (on_time.late, late.late) == (False, True)
    with pytest.raises(ValidationError) as exc:
        file_report(cadres, personas, flood, date(2026, 11, 21), "x")
    assert exc.value.message_dict == {"occurs_on": ["汛情险情的日期不能晚于今天。"]}
    with pytest.raises(ValidationError) as exc:
        services.dictionary_entry_create(
            model=ReportKind,
            org=county.county,
            actor=personas.county_admin,
            name="长期",
            report_within_days=31,
        )
    assert exc.value.message_dict == {"report_within_days": ["事后报告的期限最长为30天。"]}
    assert MajorMatterReport.objects.count() == 2


def test_a_kind_of_another_township_is_refused_on_a_report(county, personas):
    cadres = build_cadres(county, personas)
    other = services.dictionary_entry_create(
        model=ReportKind, org=county.township_b, actor=personas.township_b, name="乙镇自设事项"
    )
    with pytest.raises(ValidationError) as exc:
        file_report(cadres, personas, other, date(2026, 12, 20), "x")
    assert exc.value.message_dict == {"kind": ["请选择事项类别。"]}
    assert MajorMatterReport.objects.count() == 0


def test_who_keeps_which_entry(county, personas):
    own = add_category(county.township_a, personas.township_a)
    shared = grid_category("其他")
    # Nobody keeps another township's entries, a village keeps none, only the administrator keeps shared ones.
    for actor, entry in (
        (personas.township_b, own),
        (personas.village_a1, own),
        (personas.county_admin, shared),
        (personas.township_a, shared),
    ):
        with pytest.raises(PermissionDenied):
            services.dictionary_entry_update(entry=entry, actor=actor, name="改名")
    for actor, org in ((personas.township_a, None), (personas.village_a1, county.village_a1)):
        with pytest.raises(PermissionDenied):
            add_category(org, actor, name="越权类别")
    services.dictionary_entry_update(entry=own, actor=personas.county_admin, resolve_days=9)
    services.dictionary_entry_update(entry=shared, actor=personas.admin, name="其他事项")
    own.refresh_from_db()
    shared.refresh_from_db()
    assert (own.resolve_days, shared.name) == (9, "其他事项")
    assert not GridCategory.objects.filter(name="越权类别").exists()


# --- pages ---


def test_the_page_lists_what_applies_and_offers_edit_only_where_one_keeps(client, county, personas):
    add_category(county.township_a, personas.township_a, name="甲镇类别")
    add_category(county.township_b, personas.township_b, name="乙镇类别")
    client.force_login(personas.township_a)
    body = client.get(reverse("village:dictionaries")).content.decode()
    assert "甲镇类别" in body and "乙镇类别" not in body and "安全隐患" in body
    # Township A's own entry is editable; the shared ones are not.
    assert body.count('data-testid="edit-entry"') == 1
    client.force_login(personas.village_a1)
    body = client.get(reverse("village:dictionaries")).content.decode()
    assert (
        "甲镇类别" in body and 'data-testid="edit-entry"' not in body and 'data-testid="add-grid"' not in body
    )


def test_a_township_adds_and_changes_its_category_through_the_pages(client, county, personas):
    client.force_login(personas.township_a)
    url = reverse("village:dictionary_create", args=["grid"])
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["keeper"].choices] == [str(county.township_a.pk)]
    response = client.post(
        url,
        {
            "keeper": county.township_a.pk,
            "name": "物业纠纷",
            "respond_days": 1,
            "resolve_days": 7,
            "order": 10,
        },
    )
    assert response.status_code == 302
    entry = GridCategory.objects.get(name="物业纠纷")
    assert (entry.org, entry.resolve_days, entry.active) == (county.township_a, 7, False)
    edit = reverse("village:dictionary_edit", args=["grid", entry.pk])
    response = client.post(
        edit, {"name": "物业纠纷", "respond_days": 2, "resolve_days": 1, "order": 10, "active": "on"}
    )
    assert "办结时限（1个工作日）不能短于响应时限（2个工作日）。" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.respond_days, entry.resolve_days, entry.active) == (1, 7, False)
    client.post(edit, {"name": "物业纠纷", "respond_days": 2, "resolve_days": 9, "order": 10, "active": "on"})
    entry.refresh_from_db()
    assert (entry.respond_days, entry.resolve_days, entry.active) == (2, 9, True)


def test_a_township_cannot_name_another_keeper_or_a_shared_entry(client, county, personas):
    client.force_login(personas.township_a)
    url = reverse("village:dictionary_create", args=["report"])
    for keeper in (county.township_b.pk, county.county.pk, "shared"):
        response = client.post(url, {"keeper": keeper, "name": "越权事项", "order": 1})
        assert response.status_code == 200
    assert not ReportKind.objects.filter(name="越权事项").exists()
    assert client.get(reverse("village:dictionary_create", args=["nothing"])).status_code == 404


def test_edit_pages_refuse_who_does_not_keep_the_entry(client, county, personas):
    own = add_category(county.township_a, personas.township_a)
    edit = reverse("village:dictionary_edit", args=["grid", own.pk])
    client.force_login(personas.township_b)
    assert client.get(edit).status_code == 404  # not even seen
    client.force_login(personas.village_a1)
    assert client.get(edit).status_code == 403  # seen (it applies there), not kept there
    client.force_login(personas.county_admin)
    shared = reverse("village:dictionary_edit", args=["grid", grid_category("其他").pk])
    assert (
        client.post(shared, {"name": "改", "respond_days": 1, "resolve_days": 5, "order": 1}).status_code
        == 403
    )
    client.force_login(personas.admin)
    body = client.get(reverse("village:dictionary_create", args=["grid"])).content.decode()
    assert "通用（各级共用）" in body


def test_lists_filter_by_category_and_kind(client, county, personas, grids):
    register(grids[0], personas.village_a1, grid_category("安全隐患"), title="消防通道堵塞")
    register(grids[0], personas.village_a1, grid_category("环境卫生"), title="垃圾堆放")
    client.force_login(personas.township_a)
    body = client.get(
        reverse("village:matter_list"), {"category": grid_category("安全隐患").pk}
    ).content.decode()
    assert "消防通道堵塞" in body and "垃圾堆放" not in body
    other = add_category(county.township_b, personas.township_b, name="乙镇类别")
    # An entry one does not see filters nothing (the whole list, not an empty one that confirms it exists).
    body = client.get(reverse("village:matter_list"), {"category": other.pk}).content.decode()
    assert "消防通道堵塞" in body and "垃圾堆放" in body
    cadres = build_cadres(county, personas)
    for kind, text in (("突发事件", "暴雨塌方"), ("婚丧嫁娶", "女儿出嫁")):
        file_report(
            cadres,
            personas,
            report_kind(kind),
            date(2026, 11, 19) if kind == "突发事件" else date(2026, 12, 19),
            text,
        )
    body = client.get(reverse("village:report_list"), {"kind": report_kind("突发事件").pk}).content.decode()
    assert "暴雨塌方" in body and "女儿出嫁" not in body


def test_a_kept_list_names_whether_the_entry_it_filters_by_is_seen(client, county, personas, grids):
    """A list kept per request (``list_key``) filters by a category only if the user sees it: the key names
    what was read, so an entry that becomes one the user sees filters the next visit (a key naming only
    the id kept the unfiltered list); the same for the leave list's ?category= and the reports' ?kind=."""
    register(grids[0], personas.village_a1, grid_category("安全隐患"), title="消防通道堵塞")
    other = add_category(county.township_b, personas.township_b, name="乙镇类别")
    client.force_login(personas.township_a)
    url = reverse("village:matter_list")
    for _visit in range(2):  # the second visit runs the kept query
        assert "消防通道堵塞" in client.get(url, {"category": other.pk}).content.decode()
    GridCategory.objects.filter(pk=other.pk).update(org=None)  # now shared: seen everywhere
    assert "消防通道堵塞" not in client.get(url, {"category": other.pk}).content.decode()
    kind = ReportKind.objects.create(org=county.township_b, name="乙镇事项")
    url = reverse("village:report_list")
    cadres = build_cadres(county, personas)
    file_report(cadres, personas, report_kind("突发事件"), date(2026, 11, 19), "暴雨塌方")
    for _visit in range(2):
        assert "暴雨塌方" in client.get(url, {"kind": kind.pk}).content.decode()
    ReportKind.objects.filter(pk=kind.pk).update(org=None)
    assert "暴雨塌方" not in client.get(url, {"kind": kind.pk}).content.decode()


def test_the_leave_list_and_its_export_take_no_category(client, county, personas):
    """Leave has no category: a ?category= added to its address (the page offers none) changes nothing, and
    is no server error."""
    client.force_login(personas.township_a)
    category = {"category": grid_category("安全隐患").pk}
    plain = client.get(reverse("village:leave_list"))
    asked = client.get(reverse("village:leave_list"), category)
    assert asked.status_code == 200 and list(asked.context["page"]) == list(plain.context["page"])
    assert client.get(reverse("village:leave_export"), category).status_code == 200


def test_the_shared_entries_come_back_after_a_flush_and_are_not_doubled():

    assert services.dictionary_defaults_install() == 0
    GridCategory.objects.filter(org__isnull=True, name="其他").delete()
    ReportKind.objects.filter(org__isnull=True, name="突发事件").delete()
    assert services.dictionary_defaults_install() == 2
    assert report_kind("突发事件").report_within_days == 3
    assert GridCategory.objects.filter(org__isnull=True).count() == 6
