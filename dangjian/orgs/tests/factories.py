"""Factories for organisations and people; they go through the services so the rules hold."""

from __future__ import annotations

import itertools
from datetime import date

from dangjian.orgs import services
from dangjian.orgs.models import Organisation, OrgKind, Sector
from dangjian.orgs.validators import id_check_char

_seq = itertools.count(1)


def make_id(birth: date = date(1980, 1, 1), *, male: bool = True, area: str = "360321") -> str:
    """A valid, unique 18-digit citizen ID number."""
    n = next(_seq) % 500
    seq = n * 2 + (1 if male else 0)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def make_org(parent: Organisation | None = None, name: str | None = None, **fields) -> Organisation:
    n = next(_seq)
    fields.setdefault("kind", OrgKind.BRANCH if parent else OrgKind.COUNTY_COMMITTEE)
    fields.setdefault("sector", Sector.RURAL if parent else Sector.MIXED)
    return services.org_create(parent=parent, name=name or f"测试组织{n}", check=False, **fields)


def make_person(
    org: Organisation, name: str = "张三", *, birth: date = date(1980, 5, 4), male: bool = True, **fields
):
    fields.setdefault("category", "full")
    fields.setdefault("joined_on", date(2005, 7, 1))
    if fields["category"] == "full":
        fields.setdefault("converted_on", date(2006, 7, 1))
    person = services.build_person(org=org, id_number=make_id(birth, male=male), name=name, **fields)
    person.save()
    return person
