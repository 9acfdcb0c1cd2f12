"""The demo built county by county: an interrupted build resumes without duplicates; a province needs PostgreSQL."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from dangjian.core import demo
from dangjian.core.models import DemoBuild, DemoCounty, Job
from dangjian.devel.models import DevelopmentFile
from dangjian.ledger.models import Item, RollupSnapshot
from dangjian.orglife.models import Meeting
from dangjian.orglife.tests.factories import write_default_rules
from dangjian.orgs.models import Organisation, Person


class Interrupted(Exception):
    pass


def county_records() -> dict:
    """What the build wrote, county by county (by path), with the people's ID digests."""
    counties = Organisation.objects.filter(kind="county").order_by("path")
    result = {}
    for county in counties:
        under = {"org__path__startswith": county.path}
        result[county.name] = {
            "organisations": list(
                Organisation.objects.filter(path__startswith=county.path)
                .order_by("path")
                .values_list("path", "name")
            ),
            "people": list(
                Person.objects.filter(**under).order_by("id_digest").values_list("id_digest", "name")
            ),
            "items": Item.objects.filter(**under).count(),
            "meetings": Meeting.objects.filter(**under).count(),
            "files": DevelopmentFile.objects.filter(**under).count(),
            "snapshots": RollupSnapshot.objects.filter(**under).count(),
        }
    return result


def build(**kwargs) -> str:
    out = StringIO()
    call_command("demo", scale="tiny_province", seed=11, stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_build_resumes_after_its_last_county_and_ends_as_an_uninterrupted_one(monkeypatch):
    # Both builds start from what migrations leave: an earlier transactional test, or the flush below,
    # empties the rows data migrations write (the training targets decide whether the demo raises
    # coverage items: 132 items against 135 when only one build had them).
    write_default_rules()
    build()
    whole = county_records()
    assert len(whole) == 4 and DemoCounty.objects.count() == 4
    assert DemoBuild.objects.get().finished_at is not None
    assert all(c["people"] and c["items"] and c["meetings"] and c["files"] for c in list(whole.values())[1:])
    call_command("flush", interactive=False, verbosity=0)
    write_default_rules()

    # Stopped after two counties (the demo county and one more), as `demo --counties 2` does.
    build(counties=2)
    assert list(DemoCounty.objects.values_list("number", flat=True)) == [0, 1]
    assert DemoBuild.objects.get().finished_at is None
    first_two = county_records()
    assert len(first_two) == 2
    for other in ({"scale": "tiny_province", "seed": 12}, {"scale": "tiny", "seed": 11}):
        with pytest.raises(CommandError, match="unfinished tiny_province demo build"):
            call_command("demo", stdout=StringIO(), **other)
    assert county_records() == first_two

    # Killed in the middle of the third county, after its tree was written: the county is rolled back whole.
    steps = demo.county_contributors()

    def breaking_steps():
        def crash(ctx):
            if ctx.data["county_number"] == 2:
                raise Interrupted

        return [steps[0], ("crash", crash), *steps[1:]]

    monkeypatch.setattr(demo, "county_contributors", breaking_steps)
    with pytest.raises(Interrupted):
        build()
    assert county_records() == first_two
    assert DemoCounty.objects.count() == 2

    # Run again: the build goes on from the third county and ends with what one run built.
    monkeypatch.setattr(demo, "county_contributors", lambda: steps)
    out = build()
    assert "Resuming" in out
    assert county_records() == whole
    assert list(DemoCounty.objects.values_list("number", flat=True)) == [0, 1, 2, 3]
    assert Person.objects.count() == Person.objects.values("id_digest").distinct().count()
    assert DemoBuild.objects.get().finished_at is not None
    with pytest.raises(CommandError, match="already has records"):
        build()


def test_the_province_needs_postgresql_with_a_message_in_chinese_naming_it():
    with translation.override("zh-hans"):
        message = demo.refusal("province", "sqlite")
    assert "PostgreSQL" in message and "省级演示数据" in message
    with translation.override("en"):
        assert "PostgreSQL" in demo.refusal("province", "sqlite")
    assert demo.refusal("province", "postgresql") is None
    assert demo.refusal("city", "sqlite") is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is for SQLite")
@pytest.mark.django_db
def test_a_province_build_on_sqlite_is_refused_and_writes_nothing():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("demo", scale="province", stdout=StringIO())
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("demo", "--background", scale="province", stdout=StringIO())
    assert not Organisation.objects.exists()
    assert not Job.objects.exists()
    assert not DemoBuild.objects.exists()


@pytest.mark.django_db
def test_the_daily_job_step_refreshes_postgresqls_statistics_first(monkeypatch):
    """The first county's rows are all new and uncommitted: without ANALYZE the daily job's step took
    559 s on PostgreSQL instead of ~15 s (the planner guessed a handful of rows per subtree)."""
    from django.test.utils import CaptureQueriesContext

    from dangjian.ledger import demo as ledger_demo

    monkeypatch.setattr(ledger_demo, "run_daily_over_the_months", lambda until: 0)
    lines: list[str] = []
    ctx = demo.DemoContext(scale="tiny", seed=1, rng=None, out=lines.append)
    with CaptureQueriesContext(connection) as captured:
        ledger_demo.build_daily(ctx)
    analyzed = [q["sql"] for q in captured.captured_queries if q["sql"].strip().upper() == "ANALYZE"]
    if connection.vendor == "postgresql":
        assert analyzed and "planner statistics refreshed" in lines[0]
    else:
        assert not analyzed and not any("planner" in line for line in lines)


@pytest.mark.django_db(transaction=True)
def test_a_finished_build_is_vacuumed_so_that_counts_read_an_index_alone():
    """VACUUM sets PostgreSQL's visibility map (a county's member count: an index-only scan, 5 ms instead of
    19 ms); it cannot run inside a transaction, where the refresh stays an ANALYZE."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    lines: list[str] = []
    with CaptureQueriesContext(connection) as outside:
        demo.refresh_planner_statistics(lines.append, vacuum=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        demo.refresh_planner_statistics(lines.append, vacuum=True)
    asked = [[q["sql"] for q in captured.captured_queries] for captured in (outside, inside)]
    if connection.vendor == "postgresql":
        assert asked == [["VACUUM (ANALYZE)"], ["ANALYZE"]]
        assert lines[0].startswith("  vacuumed and planner statistics refreshed in ")
        assert lines[1].startswith("  planner statistics refreshed in ")
    else:
        assert asked == [[], []] and lines == []
