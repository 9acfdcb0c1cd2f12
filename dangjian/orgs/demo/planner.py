"""The plan of one county: its organisations, their sizes and the deliberately wrong ones."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangjian.core.demo import DemoContext

from ..models import (
    Organisation,
    OrgKind,
    Sector,
    UnitKind,
    UnitRelation,
)
from ._common import _between, reference_day
from .names import (
    AGENCIES,
    BRANDS,
    COMMUNITY_WORDS,
    COMPANY_FORMS,
    COUNTY_INSTITUTIONS,
    COUNTY_SCHOOLS,
    GENERAL_AGENCY,
    GENERAL_INSTITUTION,
    GENERAL_SCHOOL,
    INDUSTRIES,
    PARK_FIRMS,
    PLACE_FIRST,
    PLACE_SECOND,
    SOCIAL_ORGS,
    credit_code,
)
from .profiles import PROFILE_OF, Scale

WARNING_FLAGS = {"vacant", "no_committee", "too_small", "expired"}


@dataclass
class Node:
    """One planned organisation with its planned members (before it exists in the database)."""

    fields: dict
    tag: str  # county, township, committee, village, community, agency, school, health, enterprise, joint, social, sub
    size: int = 0  # planned party members
    profile: str = ""
    flags: set = field(default_factory=set)
    children: list = field(default_factory=list)
    path: str = ""
    depth: int = 0
    org: Organisation | None = None
    people: list = field(default_factory=list)  # Person objects (unsaved until inserted)
    staff_of: Node | None = None  # where a committee's leaders are members


class CountyPlanner:
    """Plans one county: organisations, their sizes and the deliberately wrong ones."""

    def __init__(self, ctx: DemoContext, scale: Scale, *, name: str, area: str, townships: list[str]):
        self.rng = ctx.rng
        self.scale = scale
        self.name = name  # e.g. 萍川
        self.area = area
        self.township_names = townships
        self.today = reference_day()

    def org(
        self,
        name,
        short,
        kind,
        sector,
        tag,
        *,
        unit_name="",
        unit_kind="",
        relation=UnitRelation.SAME_AS_PARENT,
        code_prefix="",
        founded=(1980, 2015),
        size=0,
        profile="",
        term_years=None,
    ) -> Node:
        rng = self.rng
        founded_on = _between(rng, date(founded[0], 1, 1), date(founded[1], 12, 31))
        fields = {
            "name": name,
            "short_name": short,
            "kind": kind,
            "sector": sector,
            "unit_relation": relation,
            "unit_name": unit_name,
            "unit_kind": unit_kind,
            "credit_code": credit_code(rng, code_prefix, self.area) if code_prefix else "",
            "founded_on": founded_on,
            "term_years": term_years,
            "phone": f"0799-{rng.choice('3456789')}{rng.randrange(100000, 999999)}",
        }
        return Node(fields, tag, size=size, profile=profile)

    def tri(self, low, high, mode) -> int:
        """A planned branch size."""
        return int(round(self.rng.triangular(low, high, mode) * self.scale.size_factor))

    def plan(self) -> Node:
        s, rng, n = self.scale, self.rng, self.name
        county = self.org(
            f"中共{n}县委员会",
            f"{n}县委",
            OrgKind.COUNTY_COMMITTEE,
            Sector.MIXED,
            "county",
            founded=(1949, 1950),
            term_years=5,
        )
        townships = []
        for t in self.township_names[: s.townships]:
            node = self.org(
                f"中共{n}县{t}委员会",
                f"{t}党委",
                OrgKind.TOWNSHIP_COMMITTEE,
                Sector.MIXED,
                "township",
                unit_name=f"{n}县{t}人民政府",
                unit_kind=UnitKind.AGENCY,
                relation=UnitRelation.LEGAL_ENTITY,
                founded=(1956, 1984),
                term_years=5,
            )
            node.short = t
            townships.append(node)
        county.children.extend(townships)
        # Township agency branches come first so that committee leaders can be drawn from them.
        for t in townships:
            staff = self.org(
                f"中共{n}县{t.short}机关支部委员会",
                f"{t.short}机关党支部",
                OrgKind.BRANCH,
                Sector.AGENCY,
                "agency",
                unit_name=f"{n}县{t.short}人民政府",
                unit_kind=UnitKind.AGENCY,
                relation=UnitRelation.LEGAL_ENTITY,
                founded=(1980, 2000),
                size=self.tri(18, 45, 28),
                profile="agency",
            )
            t.children.append(staff)
            t.staff_of = staff
        self._villages(townships)
        for t in townships:
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                t.children.append(self._enterprise(t.short))
        # County-level systems, each led by a grassroots committee.
        agencies = self.org(
            f"中共{n}县直属机关工作委员会",
            "县直机关工委",
            OrgKind.GRASSROOTS_COMMITTEE,
            Sector.AGENCY,
            "committee",
            founded=(1985, 1995),
            term_years=5,
        )
        for name, year in AGENCIES[: s.agencies]:
            unit = f"{n}{name}" if name.startswith("县") else f"共青团{n}县委员会"
            if name in GENERAL_AGENCY:
                node = self._general(
                    f"中共{unit}总支部委员会",
                    f"{name.removeprefix('县')}党总支",
                    Sector.AGENCY,
                    "agency",
                    unit,
                    UnitKind.AGENCY,
                    "11",
                    (year, year + 5),
                    self.tri(60, 90, 70),
                )
            else:
                node = self.org(
                    f"中共{unit}机关支部委员会",
                    f"{name.removeprefix('县')}机关党支部",
                    OrgKind.BRANCH,
                    Sector.AGENCY,
                    "agency",
                    unit_name=unit,
                    unit_kind=UnitKind.AGENCY,
                    relation=UnitRelation.LEGAL_ENTITY,
                    code_prefix="11",
                    founded=(year, year + 3),
                    size=self.tri(6, 45, 16),
                    profile="agency",
                )
            agencies.children.append(node)
        agencies.staff_of = agencies.children[0]
        county.staff_of = agencies.children[0]
        county.children.append(agencies)
        education = self.org(
            f"中共{n}县教育体育局委员会",
            "县教体局党委",
            OrgKind.GRASSROOTS_COMMITTEE,
            Sector.SCHOOL,
            "committee",
            unit_name=f"{n}县教育体育局",
            unit_kind=UnitKind.AGENCY,
            founded=(1990, 2005),
            term_years=5,
        )
        schools = list(COUNTY_SCHOOLS[: s.county_schools])
        if s.township_units:
            for t in townships:
                schools.append(f"{t.short}中心小学")
                if rng.random() < 0.6:
                    schools.append(f"{t.short}中学")
        for school in schools:
            unit = f"{n}县{school.removeprefix('县')}"
            short = school.removeprefix("县")
            if school in GENERAL_SCHOOL:
                node = self._general(
                    f"中共{unit}总支部委员会",
                    f"{short}党总支",
                    Sector.SCHOOL,
                    "school",
                    unit,
                    UnitKind.SCHOOL,
                    "12",
                    (1958, 1990),
                    self.tri(55, 80, 62),
                )
            else:
                node = self.org(
                    f"中共{unit}支部委员会",
                    f"{short}党支部",
                    OrgKind.BRANCH,
                    Sector.SCHOOL,
                    "school",
                    unit_name=unit,
                    unit_kind=UnitKind.SCHOOL,
                    relation=UnitRelation.LEGAL_ENTITY,
                    code_prefix="12",
                    founded=(1960, 2010),
                    size=self.tri(6, 40, 14),
                    profile="school",
                )
            education.children.append(node)
        education.staff_of = education.children[0]
        county.children.append(education)
        health = self.org(
            f"中共{n}县卫生健康委员会委员会",
            "县卫健委党委",
            OrgKind.GRASSROOTS_COMMITTEE,
            Sector.INSTITUTION,
            "committee",
            unit_name=f"{n}县卫生健康委员会",
            unit_kind=UnitKind.AGENCY,
            founded=(2019, 2019),
            term_years=5,
        )
        institutions = list(COUNTY_INSTITUTIONS[: s.county_institutions])
        if s.township_units:
            institutions += [f"{t.short}卫生院" for t in townships]
        for inst in institutions:
            unit = f"{n}县{inst.removeprefix('县')}"
            short = inst.removeprefix("县")
            if inst in GENERAL_INSTITUTION:
                node = self._general(
                    f"中共{unit}总支部委员会",
                    f"{short}党总支",
                    Sector.INSTITUTION,
                    "health",
                    unit,
                    UnitKind.INSTITUTION,
                    "12",
                    (1952, 1980),
                    self.tri(70, 110, 85),
                )
            else:
                size = self.tri(5, 15, 8) if inst.endswith("卫生院") else self.tri(8, 30, 14)
                node = self.org(
                    f"中共{unit}支部委员会",
                    f"{short}党支部",
                    OrgKind.BRANCH,
                    Sector.INSTITUTION,
                    "health",
                    unit_name=unit,
                    unit_kind=UnitKind.INSTITUTION,
                    relation=UnitRelation.LEGAL_ENTITY,
                    code_prefix="12",
                    founded=(1970, 2012),
                    size=size,
                    profile="health",
                )
            health.children.append(node)
        health.staff_of = health.children[0]
        county.children.append(health)
        two_new = self.org(
            f"中共{n}县非公有制经济组织和社会组织委员会",
            "县两新组织党委",
            OrgKind.GRASSROOTS_COMMITTEE,
            Sector.NON_PUBLIC,
            "committee",
            founded=(2012, 2016),
            term_years=5,
        )
        for _ in range(s.enterprises):
            two_new.children.append(self._enterprise(None))
        park_firms = iter(PARK_FIRMS)
        for i in range(s.joint_branches):
            ordinal = "一二三四五六七八九"[i]
            units = rng.randint(3, 5)
            if i == s.joint_branches - 1 and i:
                units = 7  # the park's last joint branch has grown past five units: the orgs warning shows it
            node = self.org(
                f"中共{n}县工业园区非公企业第{ordinal}联合支部委员会",
                f"工业园区第{ordinal}联合党支部",
                OrgKind.JOINT_BRANCH,
                Sector.NON_PUBLIC,
                "joint",
                unit_name=f"{n}县工业园区{units}家企业",
                unit_kind=UnitKind.NON_PUBLIC,
                relation=UnitRelation.JOINT,
                founded=(2015, 2022),
                size=self.tri(5, 14, 8),
                profile="enterprise",
            )
            node.fields["joint_units"] = "\n".join(
                f"{n}{firm}" for firm in itertools.islice(park_firms, units)
            )
            two_new.children.append(node)
        for name, prefix in SOCIAL_ORGS[: s.social]:
            unit = f"{n}{name}"
            two_new.children.append(
                self.org(
                    f"中共{unit}支部委员会",
                    f"{name.removeprefix('县')}党支部",
                    OrgKind.BRANCH,
                    Sector.SOCIAL_ORG,
                    "social",
                    unit_name=unit,
                    unit_kind=UnitKind.SOCIAL_ORG,
                    relation=UnitRelation.LEGAL_ENTITY,
                    code_prefix=prefix,
                    founded=(2010, 2022),
                    size=self.tri(3, 9, 4),
                    profile="social",
                )
            )
        two_new.staff_of = two_new.children[0]
        county.children.append(two_new)
        for node in walk(county):
            if node.staff_of is not None and node.staff_of.fields["kind"] == OrgKind.BRANCH:
                node.staff_of.size = max(node.staff_of.size, 25)
                node.staff_of.flags.add("staff")
        self._flags(county)
        self._dates(county)
        return county

    def _general(self, name, short, sector, tag, unit, unit_kind, prefix, founded, size) -> Node:
        """A general branch (党总支) whose members sit in two to four sub-branches."""
        node = self.org(
            name,
            short,
            OrgKind.GENERAL_BRANCH,
            sector,
            tag,
            unit_name=unit,
            unit_kind=unit_kind,
            relation=UnitRelation.LEGAL_ENTITY,
            code_prefix=prefix,
            founded=founded,
        )
        parts = max(2, min(4, math.ceil(size / 30)))
        base = short.removesuffix("党总支")
        for i in range(parts):
            ordinal = "一二三四"[i]
            sub = self.org(
                name.replace("总支部委员会", f"第{ordinal}支部委员会"),
                f"{base}第{ordinal}党支部",
                OrgKind.BRANCH,
                sector,
                "sub",
                founded=(founded[1], founded[1] + 10),
                size=size // parts + (1 if i < size % parts else 0),
                profile=PROFILE_OF.get(tag, tag),
            )
            node.children.append(sub)
        node.staff_of = node.children[0]
        node.staff_of.flags.add("staff")
        return node

    def _villages(self, townships: list[Node]) -> None:
        rng, s = self.rng, self.scale
        total = s.villages
        weights = [rng.uniform(0.7, 1.3) for _ in townships]
        counts = [max(2, int(total * w / sum(weights))) for w in weights]
        counts[0] += total - sum(
            counts
        )  # the remainder goes to the first township (高坑镇 in the demo county)
        counts[0] = max(counts[0], 2)
        used: set[str] = set()
        for t, count in zip(townships, counts, strict=True):
            urban = t.short in ("城关镇",) or t.short.endswith("街道")
            communities = count * 2 // 3 if urban else (rng.choice((0, 1, 1, 2)) if count > 4 else 1)
            for i in range(count):
                is_community = i < communities
                for attempt in range(1000):
                    # Street-style community names run out in a big town; then they take place names too.
                    if is_community and attempt < 20:
                        word = rng.choice(COMMUNITY_WORDS)
                    else:
                        word = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
                    if word not in used:
                        break
                used.add(word)
                place = f"{word}社区" if is_community else f"{word}村"
                size = self.tri(12, 60, 24) if is_community else self.tri(14, 95, 33)
                tag, sector = ("community", Sector.COMMUNITY) if is_community else ("village", Sector.RURAL)
                unit = f"{place}{'居民' if is_community else '村民'}委员会"
                kind_unit = UnitKind.COMMUNITY if is_community else UnitKind.RURAL
                founded = (1998, 2012) if is_community else (1952, 1985)
                if size >= 50:
                    node = self._general(
                        f"中共{self.name}县{t.short}{place}总支部委员会",
                        f"{place}党总支",
                        sector,
                        tag,
                        unit,
                        kind_unit,
                        "",
                        founded,
                        size,
                    )
                else:
                    node = self.org(
                        f"中共{self.name}县{t.short}{place}支部委员会",
                        f"{place}党支部",
                        OrgKind.BRANCH,
                        sector,
                        tag,
                        unit_name=unit,
                        unit_kind=kind_unit,
                        relation=UnitRelation.LEGAL_ENTITY,
                        founded=founded,
                        size=size,
                        profile=tag,
                    )
                node.place = place
                for sub in node.children:
                    sub.place = place
                t.children.append(node)

    def _enterprise(self, township: str | None) -> Node:
        rng, n = self.rng, self.name
        brand, industry, form = rng.choice(BRANDS), rng.choice(INDUSTRIES), rng.choice(COMPANY_FORMS)
        unit = f"{n}县{brand}{industry}{form}" if rng.random() < 0.8 else f"江西{brand}{industry}{form}"
        return self.org(
            f"中共{unit}支部委员会",
            f"{brand}{industry}党支部",
            OrgKind.BRANCH,
            Sector.NON_PUBLIC,
            "enterprise",
            unit_name=unit,
            unit_kind=UnitKind.NON_PUBLIC,
            relation=UnitRelation.LEGAL_ENTITY,
            code_prefix="91",
            founded=(2005, 2023),
            size=self.tri(3, 30, 6),
            profile="enterprise",
        )

    # -- deliberate problems and first secretaries

    def _flags(self, county: Node) -> None:
        rng, s = self.rng, self.scale
        nodes = list(walk(county))
        villages = [
            x for x in nodes if x.tag in ("village", "community") and x.fields["kind"] == OrgKind.BRANCH
        ]
        small_units = [
            x for x in nodes if x.tag in ("enterprise", "social") and x.fields["kind"] == OrgKind.BRANCH
        ]
        agencies = [x for x in nodes if x.tag == "agency" and x.fields["kind"] == OrgKind.BRANCH]
        taken: set[int] = {id(x) for x in nodes if "staff" in x.flags}

        def pick(pool, k):
            pool = [x for x in pool if id(x) not in taken]
            chosen = rng.sample(pool, min(k, len(pool)))
            taken.update(id(x) for x in chosen)
            return chosen

        # The first village of the first township (高坑镇) is the branch-secretary persona's; keep it healthy.
        first_village = next((x for x in county.children[0].children if x.tag == "village"), None) or next(
            x for x in county.children[0].children if x.tag == "community"
        )
        taken.add(id(first_village))
        county.first_village = first_village
        for x in pick(villages + small_units, s.vacancies):
            x.flags.add("vacant")
        for x in pick(small_units + agencies[-5:], s.no_committee):
            x.flags.add("no_committee")
            x.size = self.tri(8, 12, 9)
        for x in pick(small_units, s.too_small):
            x.flags.add("too_small")
            x.size = 2
        expired_pool = [x for x in villages if x.size >= 10] + [x for x in agencies if x.size >= 10]
        for x in pick(expired_pool, s.expired):
            x.flags.add("expired")
        for x in rng.sample(villages, min(s.first_secretaries, len(villages))):
            x.flags.add("first_secretary")
        for x in rng.sample(
            [v for v in villages if v.tag == "village"] or villages, min(s.graduates, len(villages))
        ):
            x.flags.add("graduate")

    def _dates(self, county: Node) -> None:
        """Committee terms: villages elected in the 2026 round, others within their three years."""
        rng = self.rng
        for x in walk(county):
            f = x.fields
            kind = f["kind"]
            if x.tag in ("county", "township"):
                elected = _between(rng, date(2026, 6, 1), date(2026, 9, 30))
            elif kind == OrgKind.GRASSROOTS_COMMITTEE:
                elected = _between(rng, date(2023, 3, 1), date(2025, 12, 31))
            elif x.tag in ("village", "community") or (
                x.tag == "sub" and f["sector"] in (Sector.RURAL, Sector.COMMUNITY)
            ):
                elected = (
                    _between(rng, date(2021, 1, 10), date(2021, 4, 30))
                    if "expired" in x.flags
                    else _between(rng, date(2026, 3, 1), date(2026, 5, 31))
                )
            else:
                elected = (
                    _between(rng, date(2022, 3, 1), date(2022, 12, 31))
                    if "expired" in x.flags
                    else _between(rng, date(2024, 1, 1), date(2026, 10, 31))
                )
            if f["founded_on"] > elected:
                f["founded_on"] = _between(rng, date(elected.year - 6, 1, 1), elected - timedelta(days=30))
            x.elected = elected


def walk(node: Node):
    yield node
    for child in node.children:
        yield from walk(child)
