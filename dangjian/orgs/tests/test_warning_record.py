"""The daily record of organisations' warnings, and wide scopes (a city, a province) counting and listing
their warnings from it while narrow ones reckon them live."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from dangjian.core import demo as core_demo
from dangjian.orgs import selectors, services
from dangjian.orgs.models import OrgWarning, Post, PostKind
from dangjian.orgs.tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db

# The county fixture: township A sees three organisations (itself and two villages), township B two.
NARROW_ENOUGH_FOR_B = override_settings(WARNINGS_LIVE_MAX_ORGS=2)


def _recorded() -> set[tuple[int, str]]:
    return set(OrgWarning.objects.values_list("org_id", "code"))


def _live(user) -> set[tuple[int, str]]:
    return {(org.pk, w.code) for org, found in selectors.warning_list(user) for w in found}


def _settle_secretary(org) -> None:
    person = make_person(org, "新任书记")
    Post.objects.create(org=org, person=person, kind=PostKind.SECRETARY, started_on=date(2026, 1, 5))


def test_the_daily_run_records_every_organisations_warnings_and_replaces_the_last_record(county, personas):
    today = timezone.localdate()
    assert services.record_warnings(today=today) == {"org_warnings": len(_live(personas.admin))}
    assert _recorded() == _live(personas.admin)
    assert set(OrgWarning.objects.values_list("found_on", flat=True)) == {today}
    assert (county.township_b.pk, "secretary_vacant") in _recorded()

    _settle_secretary(county.township_b)
    tomorrow = today + timedelta(days=1)
    call_command("daily", date=tomorrow.isoformat(), verbosity=0)  # through manage.py daily
    assert (county.township_b.pk, "secretary_vacant") not in _recorded()
    assert set(OrgWarning.objects.values_list("found_on", flat=True)) == {tomorrow}
    before = _recorded()
    services.record_warnings(today=tomorrow)  # safe to run twice
    assert _recorded() == before


def test_the_record_is_built_in_chunks_without_missing_or_doubling_an_organisation(
    county, personas, monkeypatch
):
    for i in range(7):
        make_org(county.township_a, f"扩充党支部{i}")
    monkeypatch.setattr(services, "RECORD_CHUNK", 3)
    services.record_warnings(today=timezone.localdate())
    assert _recorded() == _live(personas.admin)


@NARROW_ENOUGH_FOR_B
def test_a_wide_scope_counts_from_the_record_and_says_of_which_day(client, personas, county):
    services.record_warnings(today=date(2026, 11, 29))
    _settle_secretary(county.township_a)  # after the run: the record still counts it
    summary = selectors.warning_summary(personas.township_a)
    assert summary.recorded_on == date(2026, 11, 29)
    assert summary.total == 3
    assert summary.by_code["secretary_vacant"] == 3
    client.force_login(personas.township_a)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-warning-total">3<' in html
    assert "截至 2026-11-29 每日核查" in html


@NARROW_ENOUGH_FOR_B
def test_a_narrow_scope_reckons_live_and_a_wide_one_only_counts_its_own_subtree(client, personas, county):
    services.record_warnings(today=date(2026, 11, 29))
    _settle_secretary(county.township_b)
    summary = selectors.warning_summary(personas.township_b)  # two organisations: reckoned now
    assert summary.recorded_on is None
    assert summary.by_code["secretary_vacant"] == 1  # the village; the township's own post is filled
    client.force_login(personas.township_b)
    assert "每日核查" not in client.get(reverse("home")).content.decode()
    # Township A's count from the record holds none of township B's organisations.
    recorded_a = {org for org, _code in _recorded()} & {
        county.township_a.pk,
        county.village_a1.pk,
        county.village_a2.pk,
    }
    assert selectors.warning_summary(personas.township_a).total == len(recorded_a) == 3


@NARROW_ENOUGH_FOR_B
def test_a_wide_scope_before_the_first_daily_run_is_reckoned_live(personas, county):
    assert OrgWarning.objects.count() == 0
    summary = selectors.warning_summary(personas.township_a)
    assert summary.recorded_on is None
    assert summary.total == len({org for org, _code in _live(personas.township_a)}) == 3


@NARROW_ENOUGH_FOR_B
def test_the_wide_warnings_page_lists_the_record_with_each_rows_warnings_as_they_stand(
    client, personas, county
):
    services.record_warnings(today=date(2026, 11, 29))
    _settle_secretary(county.village_a1)
    client.force_login(personas.township_a)
    response = client.get(reverse("orgs:warnings") + "?code=secretary_vacant")
    html = response.content.decode()
    rows = {org.pk: [w.code for w in found] for org, found in response.context["page"]}
    assert rows == {
        county.township_a.pk: ["secretary_vacant"],
        county.village_a1.pk: [],  # settled since the run: shown as settled, not as a warning
        county.village_a2.pk: ["secretary_vacant"],
    }
    assert "核查后已整改" in html
    assert "按 2026-11-29 每日核查列出的组织" in html
    assert "中共B1村支部委员会" not in html
    assert response.context["page"].paginator.count == 3


@NARROW_ENOUGH_FOR_B
def test_the_wide_warnings_page_and_home_block_run_a_fixed_number_of_queries(
    client, personas, county, django_assert_num_queries
):
    for i in range(10):
        make_org(county.township_a, f"扩充党支部{i}")
    services.record_warnings(today=timezone.localdate())
    client.force_login(personas.township_a)
    for url in (reverse("orgs:warnings"), reverse("home")):
        assert client.get(url).status_code == 200
    # The warnings page: session, user; the organisations up to the limit; the record's day; the page's
    # count and its organisations; their organisations, members and posts; the bell.
    with django_assert_num_queries(10):
        response = client.get(reverse("orgs:warnings"))
    assert response.context["page"].paginator.count == 13
    for i in range(10, 20):
        make_org(county.township_a, f"扩充党支部{i}")
    services.record_warnings(today=timezone.localdate())
    with django_assert_num_queries(10):
        response = client.get(reverse("orgs:warnings"))
    assert response.context["page"].paginator.count == 23
    # The home block: the organisations up to the limit, the record's day, one count of every rule's.
    selectors.warning_summary(personas.township_a)
    with django_assert_num_queries(3):
        summary = selectors.warning_summary(personas.township_a)
    assert summary.total == 23 and summary.by_code["secretary_vacant"] == 23


def test_the_demo_build_leaves_the_record_a_wide_scope_counts_from():
    assert ("orgs_history", services.record_warnings_now) in core_demo.finishers()
