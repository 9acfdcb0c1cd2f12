"""Building the demo: each county's plan turned into rows inserted in bulk, and the contributor ``build``."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from functools import lru_cache

from django.db import reset_queries, transaction

from dangjian.core.demo import DemoContext

from .. import services
from ..models import (
    Education,
    Job,
    MemberCategory,
    Organisation,
    OrgKind,
    Person,
    Post,
    PostKind,
    Sector,
)
from ..selectors import REQUIRED_COMMITTEE_POSTS
from ._common import BATCH, _add_years, _between, reference_day
from .names import (
    CITY_NAMES,
    COMMUNITY_WORDS,
    COUNTY_WORDS,
    DEMO_COUNTY,
    DEMO_COUNTY_AREA,
    DEMO_TOWNSHIPS,
    PLACE_FIRST,
    PLACE_SECOND,
)
from .people import PeopleMaker
from .planner import WARNING_FLAGS, CountyPlanner, Node, walk
from .profiles import PROFILE_OF, PROFILES, SCALES

# ------------------------------------------------------------------ building one county


class CountyBuilder:
    """Turns a county plan into rows: organisations, people and posts, inserted in bulk."""

    def __init__(self, ctx: DemoContext, planner: CountyPlanner, people: PeopleMaker):
        self.ctx = ctx
        self.rng = ctx.rng
        self.planner = planner
        self.people = people
        self.today = reference_day()
        self.posts: list[tuple[Node, Person, str, date, date | None, str]] = []
        self.holders: set[int] = set()  # id() of people holding a leading post
        self.secretary_of: dict[int, Person] = {}  # id(node) → current secretary

    def build(self, root_node: Node, parent_path: str, step: int) -> Node:
        self._assign_paths(root_node, parent_path, step)
        nodes = list(walk(root_node))
        for node in nodes:
            self._members(node)
        for node in nodes:
            self._graduate(node)
        for node in nodes:
            self._leaders(node)
        self._special_posts(nodes)
        self._insert(nodes)
        return root_node

    def _assign_paths(self, node: Node, parent_path: str, step: int) -> None:
        node.depth = len(parent_path) // Organisation.steplen + 1
        node.path = Organisation._get_path(parent_path, node.depth, step)
        for i, child in enumerate(node.children, start=1):
            self._assign_paths(child, node.path, i)

    # -- members

    def _address(self, node: Node) -> str:
        rng, county = self.rng, self.planner.name
        place = getattr(node, "place", "")
        township = getattr(node, "township_short", "")
        if node.fields["sector"] == Sector.RURAL and place:
            return f"{county}县{township}{place}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
        if place:
            estate = f"{rng.choice(COMMUNITY_WORDS)}小区"
            return f"{county}县{township}{place}{estate}{rng.randint(1, 30)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        road = rng.choice(("人民路", "建设路", "解放路", "胜利路", "文化路", "滨江路", "府前路", "站前路"))
        return f"{county}县城{road}{rng.randint(1, 300)}号"

    def _members(self, node: Node) -> None:
        if node.size <= 0 or node.fields["kind"] not in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH):
            return
        rng = self.rng
        profile = PROFILES[PROFILE_OF.get(node.profile, node.profile) or "rural"]
        size = node.size
        probationary = sum(1 for _ in range(size) if rng.random() < 0.04)
        full = size - probationary
        if "too_small" in node.flags:
            full, probationary = 2, rng.choice((0, 1))
        elif full < 3:
            full = 3
        if "no_committee" in node.flags or "expired" in node.flags:
            full = max(full, 8)
        for _ in range(full):
            node.people.append(self.people.person(profile, address=self._address(node)))
        for _ in range(probationary):
            node.people.append(
                self.people.person(profile, address=self._address(node), category=MemberCategory.PROBATIONARY)
            )

    def _graduate(self, node: Node) -> None:
        """A college-graduate village official, added before the committee rule counts full members."""
        rng = self.rng
        if "graduate" not in node.flags:
            return
        category = rng.choices(
            [MemberCategory.FULL, MemberCategory.PROBATIONARY, MemberCategory.NON_MEMBER],
            weights=[55, 15, 30],
        )[0]
        home = node if node.fields["kind"] != OrgKind.GENERAL_BRANCH else node.children[0]
        if category == MemberCategory.FULL and len(self._full(home)) == 6:
            category = MemberCategory.PROBATIONARY  # a seventh full member would call for a committee
        person = self.people.person(
            PROFILES["rural"],
            address=self._address(node),
            category=category,
            birth_range=(1995, 2002),
            education=rng.choice((Education.BACHELOR, Education.BACHELOR, Education.COLLEGE)),
        )
        person.job = Job.OTHER
        home.people.append(person)
        node.graduate = person

    def _full(self, node: Node) -> list[Person]:
        return [p for p in node.people if p.category == MemberCategory.FULL]

    def _candidates(self, node: Node, *, young=1960, old=1998) -> list[Person]:
        pool = [
            p for p in self._full(node) if id(p) not in self.holders and young <= p.birth_date.year <= old
        ]
        return pool or [p for p in self._full(node) if id(p) not in self.holders] or self._full(node)

    def _post(self, node, person, kind, started, ended=None, note="") -> None:
        started = max(started, (person.converted_on or person.joined_on or started))
        if ended is not None and ended < started:
            started = ended - timedelta(days=365)
        self.posts.append((node, person, kind, started, ended, note))
        self.holders.add(id(person))

    # -- leaders

    def _leaders(self, node: Node) -> None:
        rng = self.rng
        kind = node.fields["kind"]
        source = node.staff_of or node
        while source.staff_of is not None and source is not source.staff_of:
            source = source.staff_of  # a committee led from a general branch: its members sit in a sub-branch
        if kind in (OrgKind.GENERAL_BRANCH,) or node.tag in ("county", "township", "committee"):
            members_of = source
        else:
            members_of = node
        if not self._full(members_of):
            return
        full_count = len(self._full(node)) if members_of is node else 99
        has_committee = (full_count >= 7 and "no_committee" not in node.flags) or members_of is not node
        elected = node.elected
        if has_committee:
            node.fields["committee_elected_on"] = elected
        elif node.fields["kind"] in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH):
            # Without a committee a branch is "中共……支部", not "……支部委员会" (支部工作条例).
            node.fields["name"] = node.fields["name"].removesuffix("委员会")
        ranks = self._candidates(members_of)
        rng.shuffle(ranks)
        if not ranks:
            return
        secretary = ranks.pop()
        re_elected = rng.random() < 0.4
        started = elected if not re_elected else _add_years(elected, -rng.choice((3, 5)))
        if "vacant" in node.flags:
            ended = self.today - timedelta(days=rng.randint(40, 260))
            self._post(
                node,
                secretary,
                PostKind.SECRETARY,
                _add_years(ended, -rng.randint(2, 6)),
                ended,
                rng.choice(("调任", "辞职", "退休", "免职")),
            )
        else:
            self._post(node, secretary, PostKind.SECRETARY, started)
            self.secretary_of[id(node)] = secretary
            node.fields["contact_name"] = secretary.name
        if not has_committee:
            if ranks and full_count >= 5 and rng.random() < 0.3:
                self._post(node, ranks.pop(), PostKind.DEPUTY_SECRETARY, elected)
            return
        seats = [PostKind.ORGANISING, PostKind.PROPAGANDA, PostKind.DISCIPLINE]
        if node.tag in ("county", "township"):
            seats = [
                PostKind.DEPUTY_SECRETARY,
                PostKind.DEPUTY_SECRETARY,
                *seats,
                PostKind.COMMITTEE,
                PostKind.COMMITTEE,
            ]
        elif full_count >= 15 or members_of is not node:
            seats = [PostKind.DEPUTY_SECRETARY, *seats]
            if full_count >= 30:
                seats.append(PostKind.COMMITTEE)
        # The posts a committee must have (组织、宣传、纪检) are filled first: a small branch that runs out of
        # candidates leaves a deputy or ordinary seat empty, never a required one (that would be a warning
        # no step of the demo planned).
        required = [seat for seat in seats if seat in REQUIRED_COMMITTEE_POSTS]
        if len(ranks) < len(required):
            # Too few members of the preferred ages: older full members take the remaining required seats.
            spare = [p for p in self._full(members_of) if id(p) not in self.holders and p not in ranks]
            rng.shuffle(spare)
            ranks = spare + ranks  # seats are taken from the end: the preferred candidates first
        for seat in required + [seat for seat in seats if seat not in REQUIRED_COMMITTEE_POSTS]:
            if not ranks:
                break
            self._post(node, ranks.pop(), seat, elected)

    def _special_posts(self, nodes: list[Node]) -> None:
        """First secretaries, college-graduate officials, village directors and grid members."""
        rng, today = self.rng, self.today
        agency_pool = [
            (p, n.fields["unit_name"])
            for n in nodes
            if n.tag == "agency"
            for p in self._full(n)
            if id(p) not in self.holders and 1976 <= p.birth_date.year <= 1996
        ]
        rng.shuffle(agency_pool)
        for node in nodes:
            if node.tag not in ("village", "community"):
                continue
            members = self._full(node) if node.people else [p for c in node.children for p in self._full(c)]
            if "first_secretary" in node.flags and agency_pool:
                person, unit = agency_pool.pop()
                if rng.random() < 0.3 and agency_pool:
                    # A rotation: the previous first secretary served two years.
                    previous, _ = agency_pool.pop()
                    start = _between(rng, date(2021, 6, 1), date(2022, 6, 30))
                    self._post(
                        node, previous, PostKind.FIRST_SECRETARY, start, _add_years(start, 2), "任期届满轮换"
                    )
                self._post(
                    node,
                    person,
                    PostKind.FIRST_SECRETARY,
                    _between(rng, date(2023, 6, 1), date(2025, 9, 30)),
                    note=f"选派单位：{unit}",
                )
            person = getattr(node, "graduate", None)
            if person is not None:
                self._post(
                    node,
                    person,
                    PostKind.GRADUATE_OFFICIAL,
                    _between(
                        rng,
                        max(date(2023, 8, 1), _add_years(person.birth_date, 22)),
                        today - timedelta(days=30),
                    ),
                )
            secretary = self.secretary_of.get(id(node))
            director_start = node.elected
            if secretary is not None and rng.random() < 0.88:
                self._post(
                    node, secretary, PostKind.VILLAGE_DIRECTOR, director_start, note="书记、主任“一肩挑”"
                )
            else:
                pool = [p for p in members if id(p) not in self.holders]
                if pool and rng.random() < 0.6:
                    director = rng.choice(pool)
                else:
                    director = self.people.person(
                        PROFILES["rural"],
                        address=self._address(node),
                        category=MemberCategory.NON_MEMBER,
                        birth_range=(1968, 1990),
                    )
                    (node if node.people else node.children[0]).people.append(director)
                self._post(node, director, PostKind.VILLAGE_DIRECTOR, director_start)
            grids = rng.randint(4, 9) if node.tag == "community" else rng.choice((0, 0, 1, 2, 3))
            for _ in range(grids):
                pool = [p for p in members if id(p) not in self.holders and p.birth_date.year >= 1962]
                if pool and rng.random() < 0.5:
                    grid = rng.choice(pool)
                else:
                    grid = self.people.person(
                        PROFILES["community"],
                        address=self._address(node),
                        category=MemberCategory.NON_MEMBER,
                        birth_range=(1970, 1998),
                    )
                    (node if node.people else node.children[0]).people.append(grid)
                self._post(
                    node,
                    grid,
                    PostKind.GRID_MEMBER,
                    _between(rng, date(2020, 1, 1), today - timedelta(days=20)),
                )

    # -- writing

    def _insert(self, nodes: list[Node]) -> None:
        rows = []
        for node in nodes:
            f = dict(node.fields)
            f["sort_key"] = services.pinyin_key(f.get("short_name") or f["name"])
            node.org = Organisation(path=node.path, depth=node.depth, numchild=len(node.children), **f)
            rows.append(node.org)
        Organisation.objects.bulk_create(rows, batch_size=500)
        self.people.reissue_taken()
        batch: list[Person] = []
        for node in nodes:
            for person in node.people:
                person.org_id = node.org.pk
                batch.append(person)
                if len(batch) >= BATCH:
                    Person.objects.bulk_create(batch)
                    batch = []
        if batch:
            Person.objects.bulk_create(batch)
        posts = [
            Post(
                org_id=node.org.pk,
                person_id=person.pk,
                kind=kind,
                started_on=started,
                ended_on=ended,
                note=note,
            )
            for node, person, kind, started, ended, note in self.posts
        ]
        Post.objects.bulk_create(posts, batch_size=BATCH)


# ------------------------------------------------------------------ the contributor


def _county_names(rng, count: int) -> list[tuple[str, str]]:
    """(name, area code) of each county; the first is always the demo county 萍川."""
    names = [(DEMO_COUNTY, DEMO_COUNTY_AREA)]
    used = {DEMO_COUNTY}
    while len(names) < count:
        word = rng.choice(COUNTY_WORDS) + rng.choice(COUNTY_WORDS)
        if word[0] != word[1] and word not in used:
            used.add(word)
            names.append((word, ""))
    return names


def _township_names(rng, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + rng.choice(("镇", "镇", "乡"))
        if name not in names:
            names.append(name)
    return names


def _county_count(scale) -> int:
    return scale.cities * scale.counties_per_city if scale.cities else 1


@lru_cache(maxsize=4)
def _all_county_names(seed: int, count: int) -> tuple[tuple[str, str], ...]:
    """The names of a build's counties, from the seed alone (a resumed build finds the same ones)."""
    return tuple(_county_names(random.Random(f"{seed}/counties"), count))


def _city_paths(scale) -> tuple[str, list[str]]:
    """The province's path ("" without one) and each city's, as ``build`` gives them."""
    if not scale.cities:
        return "", []
    top = Organisation._get_path("", 1, 1) if scale.cities > 1 else ""
    depth = len(top) // Organisation.steplen + 1
    return top, [Organisation._get_path(top, depth, i + 1) for i in range(scale.cities)]


def build(ctx: DemoContext) -> None:
    """Build the province and cities (at those scales) and the demo county: its tree, members and posts.

    The other counties of a city or province follow one by one through ``build_county``.
    """
    scale = SCALES[ctx.scale]
    today = reference_day()
    data = ctx.data
    data.update(
        reference_day=today,
        counties=[],
        warnings={},
        branch_ids=[],
        secretaries={},
        county_count=_county_count(scale),
    )
    top_rows = []
    top, city_paths = _city_paths(scale)
    if top:
        top_rows.append(
            Organisation(
                path=top,
                depth=1,
                numchild=scale.cities,
                name="中共江右省委员会",
                short_name="江右省委",
                kind=OrgKind.PROVINCE_COMMITTEE,
                sector=Sector.MIXED,
                sort_key=services.pinyin_key("江右省委"),
            )
        )
    for i, path in enumerate(city_paths):
        name = CITY_NAMES[i % len(CITY_NAMES)] + ("" if i < len(CITY_NAMES) else str(i))
        top_rows.append(
            Organisation(
                path=path,
                depth=len(path) // Organisation.steplen,
                numchild=scale.counties_per_city,
                name=f"中共{name}市委员会",
                short_name=f"{name}市委",
                kind=OrgKind.CITY_COMMITTEE,
                sector=Sector.MIXED,
                sort_key=services.pinyin_key(f"{name}市委"),
            )
        )
    if top_rows:
        Organisation.objects.bulk_create(top_rows)
        data["root"] = top_rows[0]
    _build_county(ctx, 0, foreign={})
    if not top_rows:
        data["root"] = data["county"]
    _collect(ctx)


def build_county(ctx: DemoContext) -> None:
    """The ``county`` step: county number ``ctx.data["county_number"]`` of a city or province, with its own seed."""
    _build_county(ctx, ctx.data["county_number"], foreign={})
    _collect(ctx)


def _build_county(ctx: DemoContext, number: int, *, foreign: dict) -> None:
    scale = SCALES[ctx.scale]
    started = time.monotonic()
    name, area = _all_county_names(ctx.seed, _county_count(scale))[number]
    city_index, county_step = divmod(number, scale.counties_per_city)
    if not area:
        area = f"36{(3 if city_index == 0 else 10 + city_index):02d}{25 + county_step:02d}"
    _top, city_paths = _city_paths(scale)
    parent_path = city_paths[city_index] if city_paths else ""
    townships = DEMO_TOWNSHIPS if number == 0 else _township_names(ctx.rng, scale.townships)
    planner = CountyPlanner(ctx, scale, name=name, area=area, townships=townships)
    plan = planner.plan()
    for t in plan.children:
        for child in walk(t):
            child.township_short = getattr(t, "short", "")
    people = PeopleMaker(ctx, area, foreign)
    builder = CountyBuilder(ctx, planner, people)
    with transaction.atomic():
        builder.build(plan, parent_path, county_step + 1)
    _record(ctx, plan, builder, first=number == 0)
    reset_queries()  # with DEBUG on, the logged bulk inserts would otherwise pile up county after county
    nodes = list(walk(plan))
    ctx.data.update(
        area=area,
        people=sum(len(n.people) for n in nodes),
        county_count=_county_count(scale),
        reference_day=planner.today,
    )
    ctx.out(
        f"  orgs: county {number + 1} {name}: {len(nodes)} organisations, {ctx.data['people']} people "
        f"({time.monotonic() - started:.1f} s)"
    )


def _record(ctx: DemoContext, plan: Node, builder: CountyBuilder, *, first: bool) -> None:
    """Keep what later contributors need (ids for everything; objects only for small lists)."""
    data = ctx.data
    data["county"] = plan.org
    data.setdefault("counties", []).append(plan.org)
    data.setdefault("warnings", {})
    data.setdefault("secretaries", {})
    for node in walk(plan):
        secretary = builder.secretary_of.get(id(node))
        if secretary is not None:
            data["secretaries"][node.org.pk] = secretary.pk
    if not first:
        return
    data["gaokeng"] = plan.children[0].org
    data["gaokeng_village"] = plan.first_village.org
    data["_maker"] = builder.people
    for node in walk(plan):
        for flag, code in (
            ("vacant", "secretary_vacant"),
            ("no_committee", "no_committee"),
            ("too_small", "too_small"),
            ("expired", "term_expired"),
        ):
            if flag in node.flags:
                data["warnings"].setdefault(code, []).append(node.org.pk)
    # People the history contributor may move or retire without disturbing posts or warnings:
    # members without posts, in healthy branches with a committee and at least 12 full members.
    movable = []
    for node in walk(plan):
        if (
            node.flags & WARNING_FLAGS
            or node.fields["kind"] != OrgKind.BRANCH
            or len(builder._full(node)) < 12
        ):
            continue
        movable.append((node.org.pk, [p.pk for p in builder._full(node) if id(p) not in builder.holders]))
    data["_movable"] = movable


def _collect(ctx: DemoContext) -> None:
    """The organisation lists of the county just built that later contributors use, loaded once written."""
    county = ctx.data["county"]
    current = Organisation.objects.current().filter(path__startswith=county.path)
    ctx.data["townships"] = list(current.filter(kind=OrgKind.TOWNSHIP_COMMITTEE).order_by("path"))
    ctx.data["villages"] = list(
        current.filter(
            sector__in=[Sector.RURAL, Sector.COMMUNITY], kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]
        )
        .filter(depth=county.depth + 2)  # sub-branches of a village are not villages
        .order_by("path")
    )
    ctx.data["branch_ids"] = list(
        current.filter(kind__in=[OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH]).values_list(
            "pk", flat=True
        )
    )
