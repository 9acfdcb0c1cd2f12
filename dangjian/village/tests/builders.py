"""Builders shared by the village tests: cadres holding posts in the small county of conftest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dangjian.orgs.models import Post, PostKind
from dangjian.orgs.tests.factories import make_person

SINCE = date(2025, 1, 1)


def make_cadre(org, name: str, kind: str = PostKind.COMMITTEE, *, user=None, birth=date(1980, 5, 4)) -> Post:
    """A person of ``org`` holding a cadre's post there (linked to ``user`` when given)."""
    person = make_person(org, name, birth=birth)
    post = Post.objects.create(org=org, person=person, kind=kind, started_on=SINCE)
    if user is not None:
        user.person = person
        user.save(update_fields=["person"])
    return post


@dataclass
class Cadres:
    secretary_a1: Post  # held by the village_a1 persona
    director_a1: Post
    first_secretary_a1: Post
    secretary_b1: Post


def build_cadres(county, personas) -> Cadres:
    return Cadres(
        secretary_a1=make_cadre(county.village_a1, "赵书记", PostKind.SECRETARY, user=personas.village_a1),
        director_a1=make_cadre(
            county.village_a1, "钱主任", PostKind.VILLAGE_DIRECTOR, birth=date(1982, 3, 3)
        ),
        first_secretary_a1=make_cadre(
            county.village_a1, "孙第一书记", PostKind.FIRST_SECRETARY, birth=date(1985, 6, 6)
        ),
        secretary_b1=make_cadre(county.village_b1, "李书记", PostKind.SECRETARY, birth=date(1979, 2, 2)),
    )


def grid_category(name: str):
    """A shared grid-matter category installed by the migration (安全隐患, 公共设施, 环境卫生 …)."""
    from dangjian.village.models import GridCategory

    return GridCategory.objects.get(org__isnull=True, name=name)


def report_kind(name: str):
    """A shared kind of major matter installed by the migration (外出（3天以上）, 突发事件 …)."""
    from dangjian.village.models import ReportKind

    return ReportKind.objects.get(org__isnull=True, name=name)


def rota_file(rows) -> dict:
    """An office rota sheet (the template's columns) of ``(village, name, weekdays)`` rows, as an upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["村（社区）", "姓名", "坐班日"])
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return {"file": SimpleUploadedFile("坐班表.xlsx", buffer.getvalue())}


def grid_file(rows) -> dict:
    """A grids sheet (the template's columns) of ``(village, grid, area, members)`` rows, as an upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["村（社区）", "网格名称", "片区范围", "网格员"])
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return {"file": SimpleUploadedFile("网格划分.xlsx", buffer.getvalue())}
