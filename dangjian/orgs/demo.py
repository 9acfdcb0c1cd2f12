"""The orgs contributor to ``manage.py demo``: a realistic fictional county (or a city, or a province).

The county is 萍川县 (fictional; citizen IDs use the unassigned area code 360325), with 19
township committees (高坑镇 from the seeds among them), about 250 village and community
branches, agency, school, health, enterprise and social-organisation branches, and about
15 000 people. Everything is bulk-inserted county by county (materialised paths computed
here), so memory stays bounded at city and province scale. A few records are deliberately
wrong so the warnings have something to show; a few transfers, deaths and a dissolution go
through ``orgs.services`` afterwards (contributor ``orgs_history``, after the demo users exist).

What later contributors find in ``ctx.data``:

``root``            the top organisation (the county, or the city/province at larger scales)
``county``          萍川县委, the demo county the personas work in
``counties``        every county-level committee
``townships``       every current township committee (Organisation objects)
``villages``        every current village and community branch or general branch
``branch_ids``      ids of every current branch-level organisation
``secretaries``     {organisation id: person id} of current secretaries
``gaokeng``         高坑镇党委; ``gaokeng_village`` the village branch of the branch-secretary persona
``warnings``        {warning code: [organisation ids]} built deliberately wrong
``reference_day``   the day the demo is dated to
``users``           (accounts contributor) persona name → User, as in conftest's ``personas``
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.db import reset_queries, transaction
from django.utils import timezone

from dangjian.core.demo import DemoContext

from . import services
from .models import (
    Education,
    Job,
    MemberCategory,
    Organisation,
    OrgKind,
    Person,
    Post,
    PostKind,
    Sector,
    Standing,
    UnitKind,
    UnitRelation,
)
from .validators import credit_code_check_char, id_check_char

REFERENCE_DAY = date(2026, 11, 22)
BATCH = 2000


def present() -> bool:
    """True when the database already has organisations (``demo --if-empty`` then builds nothing)."""
    return Organisation.objects.exists()


def reference_day() -> date:
    """The demo is dated to REFERENCE_DAY (so a seed always gives the same data), never in the future."""
    return min(REFERENCE_DAY, timezone.localdate())


# ------------------------------------------------------------------ scales


@dataclass(frozen=True)
class Scale:
    """How much to build: counties (under cities, under a province) and the contents of each county."""

    cities: int = 0  # 0: the county is the root; otherwise a city (1) or a province of cities
    counties_per_city: int = 1
    townships: int = 19
    villages: int = 250
    agencies: int = 42
    county_schools: int = 8
    county_institutions: int = 6
    enterprises: int = 45
    joint_branches: int = 3
    social: int = 14
    township_units: bool = True  # a school and a health centre per township
    vacancies: int = 5
    no_committee: int = 3
    too_small: int = 3
    expired: int = 4
    first_secretaries: int = 30
    graduates: int = 20
    size_factor: float = 1.0  # multiplies every planned branch size


SCALES = {
    "tiny": Scale(
        townships=2,
        villages=5,
        agencies=2,
        county_schools=1,
        county_institutions=1,
        enterprises=3,
        joint_branches=0,
        social=1,
        township_units=False,
        vacancies=1,
        no_committee=1,
        too_small=1,
        expired=1,
        first_secretaries=1,
        graduates=1,
        size_factor=0.4,
    ),
    "county": Scale(),
    "city": Scale(cities=1, counties_per_city=10),
    "province": Scale(cities=13, counties_per_city=20),
}


# ------------------------------------------------------------------ names

SURNAMES = (
    "刘李张王陈彭黄钟易胡肖文周吴杨罗曾谢邓袁欧阳朱何郭邱林汤叶徐赵孙马宋唐许韩冯曹田董潘蒋蔡余杜程苏魏吕丁任"
    "沈姚卢姜崔谭陆汪范金石廖贾夏付方邹熊秦江尹段雷龙贺顾毛龚万严戴孔汤晏喻阳凌漆甘敖"
)
_SURNAME_LIST = [s for s in SURNAMES if s not in "欧阳"] + ["欧阳"]
# Weights: the commonest surnames of western Jiangxi first, then a long tail.
_SURNAME_WEIGHTS = [max(1.0, 30 - i * 0.6) for i in range(len(_SURNAME_LIST) - 1)] + [3.0]
MALE_CHARS = (
    "伟强军勇斌建国华明志平辉杰涛峰磊超鹏俊波浩文武刚兵林海东亮龙春生福荣德贵清松云飞宇翔家水明祥发永旺根金"
)
FEMALE_CHARS = "芳娟英华丽敏静燕红霞玲萍琴兰秀梅凤珍莉艳婷慧琳雪春桂娥玉凤菊莲晶颖倩欣怡婉丹"
NEUTRAL_CHARS = "文晓小玉春秋冬新建红光海云艳丽思嘉子一"
ETHNIC_MINORITIES = ["畲族", "回族", "苗族", "壮族", "土家族", "满族", "蒙古族", "侗族"]
MOBILE_DESTINATIONS = [
    "广东省东莞市",
    "广东省深圳市",
    "广东省广州市",
    "浙江省义乌市",
    "浙江省宁波市",
    "湖南省长沙市",
    "江西省南昌市",
    "福建省厦门市",
    "上海市",
    "江苏省苏州市",
]
PHONE_PREFIXES = [
    "133",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
FOREIGN_AREAS = ["360302", "360313", "360321", "360322", "360323", "360102", "430225", "430281", "362202"]

DEMO_COUNTY = "萍川"
DEMO_COUNTY_AREA = "360325"
DEMO_TOWNSHIPS = [
    "高坑镇",
    "青山镇",
    "城关镇",
    "白竹镇",
    "麻田乡",
    "东桥镇",
    "南溪镇",
    "西岭乡",
    "北源乡",
    "石门镇",
    "桐木镇",
    "长丰镇",
    "大安乡",
    "芦塘镇",
    "新泉乡",
    "黄岗镇",
    "双溪镇",
    "枫林乡",
    "荷塘镇",
]
COUNTY_WORDS = "安平莲源栗溪湘宁泰丰永新德兴万载宜春上高铜鼓奉靖分宜遂川龙南崇义吉水峡江乐清和昌"
CITY_NAMES = [
    "萍州",
    "赣州",
    "吉安",
    "抚州",
    "宜州",
    "饶州",
    "袁州",
    "瑞州",
    "临江",
    "建昌",
    "南安",
    "信州",
    "虔州",
]
PLACE_FIRST = "青白石黄东南西北上下大小新老长金银桃竹桐枫松柳梅荷莲芦茶麻杨李张刘陈罗彭钟易谢曾湖塘坪源岭"
PLACE_SECOND = "坑冲岭湾源田坪塘桥山溪岗洲口坊垄背陂下里湖江村铺埠"
COMMUNITY_WORDS = [
    "新华",
    "建设",
    "人民",
    "解放",
    "文化",
    "光明",
    "朝阳",
    "和平",
    "幸福",
    "滨江",
    "站前",
    "凤凰",
    "跃进",
    "红旗",
    "东门",
    "西门",
    "南门",
    "北门",
    "育才",
    "正街",
    "工农",
    "民主",
    "金城",
    "锦绣",
]
AGENCIES = [
    ("县委办公室", 1985),
    ("县人大常委会办公室", 1981),
    ("县政府办公室", 1985),
    ("县政协办公室", 1981),
    ("县纪委监委", 2018),
    ("县委组织部", 1985),
    ("县委宣传部", 1985),
    ("县委统战部", 1985),
    ("县委政法委", 1986),
    ("县发展和改革委员会", 2003),
    ("县财政局", 1985),
    ("县公安局", 1985),
    ("县民政局", 1985),
    ("县司法局", 1985),
    ("县人力资源和社会保障局", 2010),
    ("县自然资源局", 2019),
    ("县住房和城乡建设局", 2010),
    ("县交通运输局", 2010),
    ("县水利局", 1985),
    ("县农业农村局", 2019),
    ("县商务局", 2010),
    ("县文化广电新闻出版旅游局", 2019),
    ("县退役军人事务局", 2019),
    ("县应急管理局", 2019),
    ("县审计局", 1986),
    ("县市场监督管理局", 2014),
    ("县统计局", 1985),
    ("县医疗保障局", 2019),
    ("县林业局", 1985),
    ("县乡村振兴局", 2021),
    ("县信访局", 1995),
    ("县行政审批局", 2017),
    ("县城市管理局", 2015),
    ("县税务局", 2018),
    ("县人民法院", 1980),
    ("县人民检察院", 1980),
    ("共青团县委", 1980),
    ("县妇女联合会", 1980),
    ("县总工会", 1980),
    ("县科学技术协会", 1985),
    ("县档案馆", 1990),
    ("县生态环境局", 2019),
]
COUNTY_SCHOOLS = [
    "县第一中学",
    "县第二中学",
    "县实验小学",
    "县职业中等专业学校",
    "县实验中学",
    "县城关小学",
    "县特殊教育学校",
    "县第三中学",
    "县幼儿园",
    "县进修学校",
]
COUNTY_INSTITUTIONS = [
    "县人民医院",
    "县中医院",
    "县妇幼保健院",
    "县疾病预防控制中心",
    "县第二人民医院",
    "县精神病医院",
    "县急救中心",
    "县血站",
]
BRANDS = [
    "鑫达",
    "恒通",
    "华宇",
    "金源",
    "宏远",
    "天成",
    "瑞丰",
    "联创",
    "安达",
    "永盛",
    "新港",
    "隆兴",
    "盛华",
    "博远",
    "嘉禾",
    "众和",
    "泰昌",
    "华峰",
    "顺发",
    "长青",
    "富源",
    "明珠",
    "东方",
    "锦程",
    "汇丰",
    "旭日",
    "万通",
    "佳美",
]
INDUSTRIES = [
    "电瓷",
    "工业陶瓷",
    "烟花爆竹",
    "新型建材",
    "机械制造",
    "食品",
    "物流",
    "新材料",
    "农业开发",
    "环保科技",
    "电子",
    "纺织",
    "医药",
    "矿业",
    "化工填料",
    "竹木制品",
]
COMPANY_FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司"]
SOCIAL_ORGS = [
    ("县个体劳动者协会", "51"),
    ("县私营企业协会", "51"),
    ("县慈善总会", "51"),
    ("县老年体育协会", "51"),
    ("县浙江商会", "51"),
    ("县律师协会", "51"),
    ("县作家协会", "51"),
    ("县爱心志愿者协会", "51"),
    ("县康乐养老院", "52"),
    ("县育才培训学校", "52"),
    ("县青年创业促进会", "51"),
    ("县物流行业协会", "51"),
    ("县烟花爆竹行业协会", "51"),
    ("县餐饮行业协会", "51"),
    ("县福建商会", "51"),
    ("县社会工作服务中心", "52"),
]
GENERAL_AGENCY = {"县公安局"}  # large agencies organised as a general branch with sub-branches
GENERAL_SCHOOL = {"县第一中学"}
GENERAL_INSTITUTION = {"县人民医院"}

WARNING_FLAGS = {"vacant", "no_committee", "too_small", "expired"}
LEAVE_REASONS = ["自行脱党，予以除名", "受开除党籍处分", "本人申请退党"]


@lru_cache(maxsize=200_000)
def _pinyin(name: str) -> tuple[str, str]:
    return services.pinyin_key(name), services.pinyin_initials(name)


def _gb11714_org_code(rng) -> str:
    """A nine-character organisation code (GB 11714) with its check character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "".join(rng.choice(chars[:10]) if i < 2 else rng.choice(chars) for i in range(8))
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng, prefix: str, area: str) -> str:
    """A valid unified social credit code: authority+category, area, organisation code, check character."""
    first17 = prefix + area + _gb11714_org_code(rng)
    return first17 + credit_code_check_char(first17)


def _between(rng, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# ------------------------------------------------------------------ the plan of one county


@dataclass
class Profile:
    """Who the members of a kind of branch are: ages, sex ratio, schooling, jobs."""

    birth: tuple[int, int, int]  # low, high, mode (years)
    male: float
    education: dict[str, float]
    jobs: dict[str, float]
    join_age: tuple[int, int, int] = (20, 45, 27)
    mobile: float = 0.0


E, J = Education, Job
PROFILES = {
    "rural": Profile(
        (1936, 2002, 1962),
        0.74,
        {E.JUNIOR: 55, E.HIGH_SCHOOL: 25, E.TECHNICAL: 8, E.COLLEGE: 9, E.BACHELOR: 3},
        {J.FARMER: 72, J.WORKER: 10, J.RETIRED: 6, J.OTHER: 12},
        (18, 50, 27),
        0.07,
    ),
    "community": Profile(
        (1938, 2002, 1960),
        0.5,
        {E.JUNIOR: 25, E.HIGH_SCHOOL: 30, E.TECHNICAL: 12, E.COLLEGE: 18, E.BACHELOR: 15},
        {J.RETIRED: 48, J.ENTERPRISE_STAFF: 16, J.WORKER: 12, J.OTHER: 24},
        (19, 45, 28),
        0.03,
    ),
    "agency": Profile(
        (1966, 2001, 1982),
        0.62,
        {E.BACHELOR: 60, E.POSTGRADUATE: 8, E.COLLEGE: 28, E.TECHNICAL: 4},
        {J.CIVIL_SERVANT: 92, J.INSTITUTION_STAFF: 8},
        (20, 38, 25),
    ),
    "school": Profile(
        (1966, 2001, 1981),
        0.42,
        {E.BACHELOR: 70, E.POSTGRADUATE: 6, E.COLLEGE: 24},
        {J.TEACHER: 92, J.INSTITUTION_STAFF: 8},
        (20, 40, 26),
    ),
    "health": Profile(
        (1966, 2001, 1983),
        0.38,
        {E.BACHELOR: 50, E.POSTGRADUATE: 8, E.COLLEGE: 35, E.TECHNICAL: 7},
        {J.INSTITUTION_STAFF: 100},
        (20, 40, 27),
    ),
    "enterprise": Profile(
        (1966, 2002, 1984),
        0.66,
        {E.HIGH_SCHOOL: 25, E.TECHNICAL: 15, E.COLLEGE: 35, E.BACHELOR: 25},
        {J.ENTERPRISE_STAFF: 55, J.WORKER: 45},
        (19, 40, 26),
    ),
    "social": Profile(
        (1955, 2000, 1975),
        0.55,
        {E.HIGH_SCHOOL: 20, E.COLLEGE: 40, E.BACHELOR: 40},
        {J.OTHER: 60, J.ENTERPRISE_STAFF: 25, J.RETIRED: 15},
        (20, 45, 28),
    ),
}


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
        for i in range(s.joint_branches):
            ordinal = "一二三四五六七八九"[i]
            two_new.children.append(
                self.org(
                    f"中共{n}县工业园区非公企业第{ordinal}联合支部委员会",
                    f"工业园区第{ordinal}联合党支部",
                    OrgKind.JOINT_BRANCH,
                    Sector.NON_PUBLIC,
                    "joint",
                    unit_name=f"{n}县工业园区{rng.randint(3, 5)}家企业",
                    unit_kind=UnitKind.NON_PUBLIC,
                    relation=UnitRelation.JOINT,
                    founded=(2015, 2022),
                    size=self.tri(5, 14, 8),
                    profile="enterprise",
                )
            )
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


PROFILE_OF = {
    "village": "rural",
    "community": "community",
    "agency": "agency",
    "school": "school",
    "health": "health",
}


def walk(node: Node):
    yield node
    for child in node.children:
        yield from walk(child)


# ------------------------------------------------------------------ people


class PeopleMaker:
    """Members with valid, unique citizen IDs (per area, birth date and sex) and plausible details."""

    def __init__(self, ctx: DemoContext, area: str, foreign_counters: dict):
        self.rng = ctx.rng
        self.area = area
        self.counters: dict = {}
        self.foreign = foreign_counters
        self.today = reference_day()

    def name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choices(_SURNAME_LIST, weights=_SURNAME_WEIGHTS)[0]
        pool = MALE_CHARS if male else FEMALE_CHARS
        if rng.random() < 0.12:
            return surname + rng.choice(pool)
        first = rng.choice(NEUTRAL_CHARS) if rng.random() < 0.25 else rng.choice(pool)
        return surname + first + rng.choice(pool)

    def id_number(self, birth: date, male: bool) -> str:
        rng = self.rng
        area = self.area if rng.random() < 0.93 else rng.choice(FOREIGN_AREAS)
        counters = self.counters if area == self.area else self.foreign
        key = (area, birth, male)
        index = counters.get(key)
        if index is None:
            index = rng.randrange(0, 40)
        counters[key] = index + 1
        seq = (index % 500) * 2 + (1 if male else 0)
        first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        rng = self.rng
        return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    def person(
        self,
        profile: Profile,
        *,
        address: str,
        category: str = MemberCategory.FULL,
        birth_range: tuple[int, int] | None = None,
        education: str | None = None,
    ) -> Person:
        rng, today = self.rng, self.today
        male = rng.random() < profile.male
        if birth_range:
            year = rng.randint(*birth_range)
        else:
            low, high, mode = profile.birth
            year = int(rng.triangular(low, high, mode))
        if category == MemberCategory.PROBATIONARY:
            year = max(year, 1985)
        year = min(year, 2003)
        birth = _between(rng, date(year, 1, 1), date(year, 12, 31))
        joined = converted = None
        if category == MemberCategory.PROBATIONARY:
            joined = today - timedelta(days=rng.randint(20, 350))
            if joined < _add_years(birth, 18):
                birth = _add_years(joined, -rng.randint(19, 30))
        elif category == MemberCategory.FULL:
            low, high, mode = profile.join_age
            age = int(rng.triangular(low, high, mode))
            joined = _add_years(birth, age) + timedelta(days=rng.randrange(365))
            latest = today - timedelta(days=420)
            if joined > latest:
                joined = _between(
                    rng, max(_add_years(birth, 18) + timedelta(days=1), latest - timedelta(days=900)), latest
                )
            converted = joined + timedelta(days=365 + rng.randrange(45))
        number = self.id_number(birth, male)
        name = self.name(male)
        pinyin, initials = _pinyin(name)
        job = rng.choices(list(profile.jobs), weights=list(profile.jobs.values()))[0]
        if today.year - birth.year >= 62 and job not in (Job.FARMER, Job.RETIRED):
            job = Job.RETIRED
        mobile = profile.mobile and job != Job.RETIRED and rng.random() < profile.mobile
        lost = rng.random() < 0.003
        person = Person(
            name=name,
            name_pinyin=pinyin,
            name_initials=initials,
            ethnicity="汉族" if rng.random() < 0.985 else rng.choice(ETHNIC_MINORITIES),
            education=education
            or rng.choices(list(profile.education), weights=list(profile.education.values()))[0],
            category=category,
            joined_on=joined,
            converted_on=converted,
            job=job,
            phone=self.phone(),
            address=address,
            standing=Standing.SUSPENDED if rng.random() < 0.002 else Standing.NORMAL,
            lost_contact=lost,
            lost_contact_on=_between(rng, date(2019, 1, 1), today - timedelta(days=200)) if lost else None,
            mobile=bool(mobile),
            mobile_destination=rng.choice(MOBILE_DESTINATIONS) if mobile else "",
            **services.id_fields(number),
        )
        return person


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
        for seat in seats:
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


def build(ctx: DemoContext) -> None:
    """Build the organisation tree, the members and their posts for ``ctx.scale``."""
    scale = SCALES[ctx.scale]
    rng = ctx.rng
    today = reference_day()
    counties = scale.cities * scale.counties_per_city if scale.cities else 1
    county_names = _county_names(rng, counties)
    foreign: dict = {}
    data = ctx.data
    data.update(reference_day=today, counties=[], warnings={}, branch_ids=[], secretaries={})
    started = time.monotonic()
    totals = {"orgs": 0, "people": 0}

    top_rows = []
    if scale.cities > 1:
        province = Organisation(
            path=Organisation._get_path("", 1, 1),
            depth=1,
            numchild=scale.cities,
            name="中共江右省委员会",
            short_name="江右省委",
            kind=OrgKind.PROVINCE_COMMITTEE,
            sector=Sector.MIXED,
            sort_key=services.pinyin_key("江右省委"),
        )
        top_rows.append(province)
        city_parent = province.path
    else:
        city_parent = ""
    cities = []
    for i in range(scale.cities):
        name = CITY_NAMES[i % len(CITY_NAMES)] + ("" if i < len(CITY_NAMES) else str(i))
        depth = len(city_parent) // Organisation.steplen + 1
        city = Organisation(
            path=Organisation._get_path(city_parent, depth, i + 1),
            depth=depth,
            numchild=scale.counties_per_city,
            name=f"中共{name}市委员会",
            short_name=f"{name}市委",
            kind=OrgKind.CITY_COMMITTEE,
            sector=Sector.MIXED,
            sort_key=services.pinyin_key(f"{name}市委"),
        )
        top_rows.append(city)
        cities.append(city)
    if top_rows:
        Organisation.objects.bulk_create(top_rows)
        totals["orgs"] += len(top_rows)
        data["root"] = top_rows[0]

    for index, (name, area) in enumerate(county_names):
        city_index, county_step = divmod(index, scale.counties_per_city)
        if not area:
            area = f"36{(3 if city_index == 0 else 10 + city_index):02d}{25 + county_step:02d}"
        parent_path = cities[city_index].path if cities else ""
        townships = DEMO_TOWNSHIPS if index == 0 else _township_names(rng, scale.townships)
        planner = CountyPlanner(ctx, scale, name=name, area=area, townships=townships)
        plan = planner.plan()
        for t in plan.children:
            for child in walk(t):
                child.township_short = getattr(t, "short", "")
        builder = CountyBuilder(ctx, planner, PeopleMaker(ctx, area, foreign))
        with transaction.atomic():
            builder.build(plan, parent_path, county_step + 1)
        _record(ctx, plan, builder, first=index == 0)
        reset_queries()  # with DEBUG on, the logged bulk inserts would otherwise pile up county after county
        nodes = list(walk(plan))
        totals["orgs"] += len(nodes)
        totals["people"] += sum(len(n.people) for n in nodes)
        if index == 0 and not top_rows:
            data["root"] = plan.org
        if index == 0 or (index + 1) % 10 == 0 or index + 1 == len(county_names):
            ctx.out(
                f"  orgs: {index + 1}/{len(county_names)} counties, {totals['orgs']} organisations, "
                f"{totals['people']} people ({time.monotonic() - started:.1f} s)"
            )
    _collect(ctx)


def _record(ctx: DemoContext, plan: Node, builder: CountyBuilder, *, first: bool) -> None:
    """Keep what later contributors need (ids for everything; objects only for small lists)."""
    data = ctx.data
    data["counties"].append(plan.org)
    for node in walk(plan):
        secretary = builder.secretary_of.get(id(node))
        if secretary is not None:
            data["secretaries"][node.org.pk] = secretary.pk
    if not first:
        return
    data["county"] = plan.org
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
    """The organisation lists later contributors use, loaded once after everything is written."""
    current = Organisation.objects.current()
    ctx.data["townships"] = list(current.filter(kind=OrgKind.TOWNSHIP_COMMITTEE).order_by("path"))
    ctx.data["villages"] = list(
        current.filter(
            sector__in=[Sector.RURAL, Sector.COMMUNITY], kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]
        )
        .filter(depth=ctx.data["gaokeng"].depth + 1)  # sub-branches of a village are not villages
        .order_by("path")
    )
    ctx.data["branch_ids"] = list(
        current.filter(kind__in=[OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH]).values_list(
            "pk", flat=True
        )
    )


# ------------------------------------------------------------------ history through the services


def build_history(ctx: DemoContext) -> None:
    """A few transfers, deaths, departures and a merged village, written through orgs.services.

    Runs after the accounts contributor so each change has an actor (the organisation department).
    """
    from auditlog.context import set_actor

    rng, data = ctx.rng, ctx.data
    actor = data["users"]["county_admin"]
    today = reference_day()
    small = ctx.scale == "tiny"
    movable = data.pop("_movable", [])
    if len(movable) < 2:
        return
    pool = {org_id: list(people) for org_id, people in movable}
    org_ids = [org_id for org_id, _ in movable]
    counts = {"transfers": 2 if small else 30, "deaths": 1 if small else 15, "left": 1 if small else 4}
    done = {k: 0 for k in counts}

    def take(born_before: int = 2100) -> Person | None:
        org_id = rng.choice(org_ids)
        if len(pool[org_id]) <= 8:  # keep every branch above the committee threshold (7 full members)
            return None
        i = rng.randrange(len(pool[org_id]))
        person = Person.objects.get(pk=pool[org_id][i])
        if person.birth_date.year >= born_before:
            return None
        pool[org_id].pop(i)
        return person

    with set_actor(actor), transaction.atomic():
        for _ in range(counts["transfers"] * 3):
            if done["transfers"] >= counts["transfers"]:
                break
            person = take()
            if person is None:
                continue
            target = Organisation.objects.get(pk=rng.choice([o for o in org_ids if o != person.org_id]))
            services.person_transfer(
                person=person,
                to_org=target,
                actor=actor,
                on=today - timedelta(days=rng.randint(5, 600)),
                note=rng.choice(("工作调动", "外出务工转入", "随子女迁居", "退休后转入居住地社区")),
            )
            done["transfers"] += 1
        for attempt in range(counts["deaths"] * 20):
            if done["deaths"] >= counts["deaths"]:
                break
            person = take(born_before=1960 if attempt < counts["deaths"] * 15 else 2100)
            if person is None:
                continue
            services.person_leave(
                person=person,
                actor=actor,
                on=today - timedelta(days=rng.randint(10, 700)),
                reason="病故",
                deceased=True,
            )
            done["deaths"] += 1
        for _ in range(counts["left"] * 3):
            if done["left"] >= counts["left"]:
                break
            person = take()
            if person is None:
                continue
            services.person_leave(
                person=person,
                actor=actor,
                on=today - timedelta(days=rng.randint(30, 500)),
                reason=rng.choice(LEAVE_REASONS),
            )
            done["left"] += 1
        dissolved = _merged_village(ctx, actor)
    ctx.out(
        f"  history: {done['transfers']} transfers, {done['deaths']} deaths, {done['left']} left, "
        f"{dissolved} dissolved organisations"
    )


def _merged_village(ctx: DemoContext, actor) -> int:
    """Villages merged into a neighbour (撤并村): members transferred, then the branch dissolved."""
    rng, data = ctx.rng, ctx.data
    today = reference_day()
    count = 1 if ctx.scale == "tiny" else 2
    warned = {pk for pks in data["warnings"].values() for pk in pks}
    # Merged into a healthy village that already has a committee, so the newcomers change no warning.
    targets = [
        v
        for v in data["villages"]
        if v.path.startswith(data["county"].path)
        and v.kind == OrgKind.BRANCH
        and v.committee_elected_on
        and v.pk not in warned
    ]
    townships = {t.path: t for t in data["townships"]}
    maker = data.pop("_maker")
    done = 0
    for target in rng.sample(targets, min(count, len(targets))):
        township = townships[target.path[: -Organisation.steplen]]
        place = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + "村"
        merged_on = today - timedelta(days=rng.randint(200, 700))
        old = services.org_create(
            parent=township,
            actor=actor,
            name=f"中共{DEMO_COUNTY}县{township.short_name.removesuffix('党委')}{place}支部委员会",
            short_name=f"原{place}党支部",
            kind=OrgKind.BRANCH,
            sector=Sector.RURAL,
            unit_relation=UnitRelation.LEGAL_ENTITY,
            unit_name=f"{place}村民委员会",
            unit_kind=UnitKind.RURAL,
            founded_on=date(1958, 10, 1),
        )
        people = []
        for _ in range(rng.randint(5, 9)):
            person = maker.person(PROFILES["rural"], address=f"{DEMO_COUNTY}县{place}{rng.randint(1, 8)}组")
            person.org = old
            people.append(person)
        Person.objects.bulk_create(people)
        services.post_start(
            org=old,
            person=people[0],
            kind=PostKind.SECRETARY,
            started_on=merged_on - timedelta(days=1500),
            actor=actor,
        )
        for person in people:
            services.person_transfer(
                person=person, to_org=target, actor=actor, on=merged_on, note=f"{place}并入{target.label}"
            )
        services.org_dissolve(
            org=old, actor=actor, on=merged_on, reason=f"行政村合并，{place}并入{target.label}"
        )
        done += 1
    return done
