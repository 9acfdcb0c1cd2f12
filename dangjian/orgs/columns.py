"""Spreadsheet columns of the organisation and member rosters, and the exports that write them.

The headers are the contract with other offices (the national member collection form's
order and wording), so they are Chinese and do not follow the screen language. Imports
and exports use the same columns: an export imports again cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from dangjian.core import audit
from dangjian.core.exports import (
    Column,
    Layout,
    choice_parser,
    choice_renderer,
    parse_date,
    parse_int,
    render_date,
    text,
    xlsx_bytes,
    yes_no,
)
from dangjian.core.scoping import get_scope

from .models import (
    ETHNICITIES,
    Education,
    Job,
    MemberCategory,
    Organisation,
    OrgKind,
    Person,
    Sector,
    Sex,
    Standing,
    UnitKind,
    UnitRelation,
)
from .selectors import WARNING_LABELS
from .services import reveal_id_number

ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES]


def _date(attr: str):
    return lambda obj: render_date(getattr(obj, attr))


_YEAR_ONLY = re.compile(r"^(\d{4})年?$")


def parse_birth(value) -> date | int | None:
    """A birth date, or the year alone ("1985年", as an export without full ID numbers writes it)."""
    if isinstance(value, str) and (m := _YEAR_ONLY.match(value.strip())):
        return int(m[1])
    return parse_date(value)


def birth_year_text(person: Person) -> str:
    """The birth year as an export without the full ID number shows it (docs/personal-data.md)."""
    return f"{person.birth_date.year}年"


def _yes_no(attr: str):
    return lambda obj: "是" if getattr(obj, attr) else "否"


# ------------------------------------------------------------------ organisations

ORG_NAME = "组织全称"
ORG_PARENT = "上级组织全称"

ORG_COLUMNS = [
    Column(ORG_NAME, "name", required=True, width=30, help="党组织的正式全称，如“中共某某村支部委员会”。"),
    Column("组织简称", "short_name", width=16),
    Column(
        ORG_PARENT,
        "parent_name",
        width=30,
        help="系统中已有的组织全称，或本表中前面某行的组织全称。",
        render=lambda org: getattr(org, "parent_name", ""),
    ),
    Column(
        "组织类别",
        "kind",
        required=True,
        parse=choice_parser(OrgKind.choices),
        render=choice_renderer(OrgKind.choices, "kind"),
    ),
    Column(
        "所属领域",
        "sector",
        parse=choice_parser(Sector.choices),
        render=choice_renderer(Sector.choices, "sector"),
    ),
    Column(
        "单位隶属关系",
        "unit_relation",
        parse=choice_parser(UnitRelation.choices),
        render=choice_renderer(UnitRelation.choices, "unit_relation"),
        width=20,
    ),
    Column("单位名称", "unit_name", width=24),
    Column(
        "单位性质",
        "unit_kind",
        parse=choice_parser(UnitKind.choices),
        render=choice_renderer(UnitKind.choices, "unit_kind"),
    ),
    Column(
        "联合支部覆盖单位",
        "joint_units",
        width=30,
        help="仅联合支部填写：所联合的各单位名称，用顿号“、”分隔。",
        render=lambda org: "、".join(org.joint_unit_names),
    ),
    Column("统一社会信用代码", "credit_code", width=22, help="18 位，可不填。"),
    Column("联系人", "contact_name"),
    Column("联系电话", "phone"),
    Column("成立日期", "founded_on", parse=parse_date, render=_date("founded_on"), help="如 2026-11-22。"),
    Column(
        "本届委员会选举日期",
        "committee_elected_on",
        parse=parse_date,
        render=_date("committee_elected_on"),
        width=20,
        help="如 2026-11-22。",
    ),
    Column("任期年限", "term_years", parse=parse_int, help="不填：村、社区 5 年，其他 3 年。"),
]


# ------------------------------------------------------------------ members (national collection form order)

ID_HEADER = "公民身份号码"
ORG_HEADER = "所在党支部"
BIRTH_HEADER = "出生日期"


def _id_text(value) -> str:
    return text(value).upper().replace(" ", "")


def member_columns(
    *, id_render: Callable[[Person], str] | None = None, birth_render: Callable[[Person], str] | None = None
) -> list[Column]:
    """The member columns; ``id_render`` and ``birth_render`` write the ID and birth cells of an export.

    An export passes both (masked unless allowed); by default no ID number and the birth year only.
    """
    return [
        Column("姓名", "name", required=True),
        Column(
            "性别",
            "sex",
            parse=choice_parser(Sex.choices),
            render=choice_renderer(Sex.choices, "sex"),
            width=8,
            help="可不填，按身份证号判断。",
        ),
        Column("民族", "ethnicity", parse=choice_parser(ETHNICITY_CHOICES), width=10, help="不填为汉族。"),
        Column(
            ID_HEADER,
            "id_number",
            required=True,
            parse=_id_text,
            width=22,
            as_text=True,
            render=id_render,
            help="18 位公民身份号码，请设置为文本格式。",
        ),
        Column(
            BIRTH_HEADER,
            "birth_date",
            parse=parse_birth,
            render=birth_render or birth_year_text,
            help="可不填，按身份证号判断；填写时须与身份证号一致（可只填年份，如 1985年）。",
        ),
        Column(
            "学历",
            "education",
            parse=choice_parser(Education.choices),
            render=choice_renderer(Education.choices, "education"),
        ),
        Column(
            "人员类别",
            "category",
            required=True,
            parse=choice_parser(MemberCategory.choices),
            render=choice_renderer(MemberCategory.choices, "category"),
        ),
        Column(
            ORG_HEADER,
            "org_name",
            required=True,
            width=30,
            render=lambda p: p.org.name,
            help="党组织全称，须是系统中您有权管理的组织。",
        ),
        Column("入党日期", "joined_on", parse=parse_date, render=_date("joined_on"), help="如 2026-11-22。"),
        Column(
            "转正日期", "converted_on", parse=parse_date, render=_date("converted_on"), help="预备党员不填。"
        ),
        Column(
            "工作岗位",
            "job",
            parse=choice_parser(Job.choices),
            render=choice_renderer(Job.choices, "job"),
            width=20,
        ),
        Column("联系电话", "phone"),
        Column("家庭住址", "address", width=30),
        Column(
            "党籍状态",
            "standing",
            parse=choice_parser(Standing.choices),
            render=choice_renderer(Standing.choices, "standing"),
            help="不填为正常。",
        ),
        Column(
            "是否失联",
            "lost_contact",
            parse=yes_no,
            render=_yes_no("lost_contact"),
            width=10,
            help="填“是”或“否”。",
        ),
        Column("失联日期", "lost_contact_on", parse=parse_date, render=_date("lost_contact_on")),
        Column(
            "是否流动党员", "mobile", parse=yes_no, render=_yes_no("mobile"), width=12, help="填“是”或“否”。"
        ),
        Column("外出流向", "mobile_destination", width=20),
    ]


MEMBER_COLUMNS = member_columns()


# ------------------------------------------------------------------ exports


def export_organisations(queryset) -> bytes:
    """The organisations of ``queryset`` (already filtered and scoped) as the import's spreadsheet.

    Two queries: the organisations, and the names of their parents.
    """
    orgs = list(queryset.order_by("path"))
    steplen = Organisation.steplen
    parent_paths = {o.path[:-steplen] for o in orgs if o.depth > 1}
    names = (
        dict(Organisation.objects.filter(path__in=parent_paths).values_list("path", "name"))
        if parent_paths
        else {}
    )
    for org in orgs:
        org.parent_name = names.get(org.path[:-steplen], "") if org.depth > 1 else ""
    return xlsx_bytes(ORG_COLUMNS, orgs, title="党组织")


def export_people(queryset, *, user, unmask: bool, note: str = "", progress=None) -> bytes:
    """The people of ``queryset`` (already filtered and scoped) in the member columns.

    Full ID numbers are written only when ``unmask`` is asked for, and then only for
    people in organisations where ``user`` holds the unmask right (every person when
    ``user`` is None: the system itself); such an export is written to the audit log.
    The full birth date is part of the ID number: a row without the full number gives the
    birth year only.
    """
    scope = get_scope(user) if user is not None else None
    people: Iterable[Person] = queryset.select_related("org").order_by("org__path", "name_pinyin", "pk")
    revealed = 0

    def full(person: Person) -> bool:
        return unmask and (scope is None or scope.can("unmask_id", person.org))

    def id_render(person: Person) -> str:
        nonlocal revealed
        if full(person):
            revealed += 1
            return reveal_id_number(person, log=False)
        return person.id_masked

    def birth_render(person: Person) -> str:
        return render_date(person.birth_date) if full(person) else birth_year_text(person)

    rows = people.iterator(chunk_size=2000)
    if progress is not None:  # a background job's progress (core.jobs)
        rows = progress.wrap(rows)
    columns = member_columns(id_render=id_render, birth_render=birth_render)
    content = xlsx_bytes(columns, rows, title="党员")
    if revealed:
        with translation.override(settings.LANGUAGE_CODE):  # audit entries are records in the site language
            event = ngettext(
                "Exported the roster with %(count)s full ID number",
                "Exported the roster with %(count)s full ID numbers",
                revealed,
            ) % {"count": revealed}
            if note:
                event += gettext(" (%(filter)s)") % {"filter": note}
        # Filed on the exporting user; a system export (no user) on the top of the tree.
        target = user if user is not None else Organisation.objects.order_by("path").first()
        audit.log_access(target, what=event)
    return content


WARNING_COLUMNS = [
    Column("序号", "number", width=6),
    Column("党组织全称", "org_name", width=36),
    Column("组织类别", "kind", width=14),
    Column("预警事项", "rule", width=22),
    Column("具体情况", "text", width=60),
    Column("程度", "severity", width=8),
]


def export_warnings(rows, *, user, code_label: str = "") -> bytes:
    """The warnings page as an office files it (党组织预警清单): one line per warning, one running 序号.

    ``rows``: (organisation, [Warning]) as ``selectors.warning_list`` gives them (already scoped).
    """

    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            SimpleNamespace(
                org_name=org.name,
                kind=str(org.get_kind_display()),
                rule=str(WARNING_LABELS.get(w.code, w.code)),
                text=str(w.text),
                severity="红色" if w.severity == "danger" else "黄色",
            )
            for org, found in rows
            for w in found
        ]
        for number, line in enumerate(lines, start=1):
            line.number = number
        scope = get_scope(user)
        top = (
            Organisation.objects.visible_to(user).current().order_by("depth", "path").first()
            if scope.focus_path is None
            else Organisation.objects.filter(path=scope.focus_path).first()
        )
        layout = Layout(
            title=f"{top.name if top else ''}党组织预警清单" + (f"（{code_label}）" if code_label else ""),
            facts=(
                ("填报单位", top.name if top else ""),
                ("截至日期", timezone.localdate().isoformat()),
                ("制表人", str(user)),
                ("审核人", "　" * 6),
            ),
        )
        return xlsx_bytes(WARNING_COLUMNS, lines, title="党组织预警清单", layout=layout)
