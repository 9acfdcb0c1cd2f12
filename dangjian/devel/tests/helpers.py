"""Shared set-up of the development tests: a branch with sponsors, quotas, and a file walked to a step."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from dangjian.devel import demo, services
from dangjian.orgs.tests.factories import make_id, make_person

WALK_DAYS = 950  # a whole walk (OFFSETS) fits between the application and today


def sponsors(org):
    return [make_person(org, "赵介绍"), make_person(org, "钱介绍")]


def quotas(county, personas, number=5):
    """The same quota for township A in each of the last four years (a walk's admission falls in one of them)."""
    this = timezone.localdate().year
    for year in range(this - 3, this + 1):
        services.quota_set(org=county.township_a, year=year, number=number, actor=personas.county_admin)


def open_file(
    org, actor, *, applied_on: date | None = None, name="孙申请", birth=date(1998, 3, 5), male=True, **kw
):
    applied_on = applied_on or timezone.localdate() - timedelta(days=WALK_DAYS)
    return services.file_open(
        org=org,
        actor=actor,
        name=name,
        id_number=make_id(birth, male=male),
        applied_on=applied_on,
        files=[demo.scan("申请书.pdf")],
        **kw,
    )


def walk(file, to_step, personas, people, **kw):
    return demo.advance(
        file, to_step, branch=personas.village_a1, higher=personas.township_a, sponsors=people, **kw
    )


def walk_as(file, to_step, branch, higher, people, **kw):
    return demo.advance(file, to_step, branch=branch, higher=higher, sponsors=people, **kw)


def bare_files(org, n, *, status="s01", applied_on=None, prefix="档案"):
    """``n`` files created straight in the database (for page and query-count tests, not for rules)."""
    from dangjian.devel.models import DevelopmentFile

    applied_on = applied_on or timezone.localdate() - timedelta(days=40)
    files = []
    for i in range(n):
        person = make_person(
            org, f"{prefix}{i:02d}", birth=date(1995, 1, 1 + i % 28), category="non_member", joined_on=None
        )
        files.append(
            DevelopmentFile.objects.create(
                org=org, person=person, applied_on=applied_on, last_step_on=applied_on, status=status
            )
        )
    return files
