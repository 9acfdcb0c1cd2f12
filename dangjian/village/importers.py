"""Spreadsheets a township or a village fills in, imported all rows or none through
``core.exports.Importer`` (row and column messages in Chinese): the office rota (坐班表) of its cadres,
and its grids with their grid members (网格划分及网格员).

Both name villages (or communities) below the organisation imported into, by full or short name.
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.exports import CellError, Column, Importer, ParsedRow, RowError, text
from dangjian.orgs.models import Post, PostKind

from .models import CADRE_POSTS

VILLAGE, NAME, WEEKDAYS = "村（社区）", "姓名", "坐班日"
WEEKDAY_NAMES = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
}


def parse_weekdays(value) -> list[int]:
    """ "周一、周三" / "星期一,星期四" / "1 3 5" → [1, 3] …; an empty cell sits no day (坐班 ends)."""
    raw = text(value)
    if not raw or raw in ("无", "不坐班"):
        return []
    days = []
    for match in re.finditer(r"(?:周|星期|礼拜)?([^、，,；;/\s])", raw):
        if match.group(1) not in WEEKDAY_NAMES:
            raise CellError(
                _("“%(value)s” is not a weekday from Monday to Friday (write e.g. 周一、周三)")
                % {"value": match.group(0)}
            )
        days.append(WEEKDAY_NAMES[match.group(1)])
    return sorted(set(days))


class _VillageRows(Importer):
    """Rows that name a village below the organisation imported into (empty: that organisation itself)."""

    def load_villages(self):
        from . import selectors

        self.org = self.context["org"]
        self.today = timezone.localdate()
        villages = list(selectors.villages_for(self.actor, self.org))
        by_name: dict[str, list] = {}
        for v in villages:
            for name in {v.name, v.short_name}:
                if name:
                    by_name.setdefault(name, []).append(v)
        self.villages = by_name
        self.village_ids = {v.pk for v in villages}
        return villages

    @staticmethod
    def once(rows: list[ParsedRow], key_of, column: str, message: str) -> None:
        """Refuse a row naming what an earlier row named (``key_of(values)``; None for rows to skip)."""
        seen: dict = {}
        for row in rows:
            key = None if row.errors else key_of(row.values)
            if not key:
                continue
            if key in seen:
                row.errors.append(RowError(row.number, column, message % {"row": seen[key]}))
            else:
                seen[key] = row.number

    def village_of(self, row: ParsedRow):
        name = row.values["village"]
        if not name:
            if self.org.pk not in self.village_ids:
                row.errors.append(RowError(row.number, VILLAGE, _("Required; may not be empty")))
                return None
            return self.org
        found = self.villages.get(name, [])
        if len(found) != 1:
            message = (
                _("“%(name)s” names several villages: write the full name")
                if found
                else _("“%(name)s” is not a village or community under %(org)s")
            )
            row.errors.append(RowError(row.number, VILLAGE, message % {"name": name, "org": self.org.label}))
            return None
        return found[0]


class RotaImporter(_VillageRows):
    """Rows name a village (or community) below the organisation imported into, a cadre of it and the
    weekdays he sits; each named cadre's rota is set from today (``services.rota_set``)."""

    title = gettext_lazy("Office rota")
    columns = [
        Column(VILLAGE, "village", help="村（社区）党组织的全称或简称；导入到本村时可留空。", width=24),
        Column(NAME, "name", required=True, help="村干部姓名（须在该村任职）。"),
        Column(
            WEEKDAYS,
            "weekdays",
            parse=parse_weekdays,
            help="周一至周五，用顿号分隔，如：周一、周三；留空表示不再坐班。",
        ),
    ]

    def prepare(self, rows: list[ParsedRow]) -> None:
        villages = self.load_villages()
        posts = (
            Post.objects.filter(org__in=villages, kind__in=CADRE_POSTS)
            .exclude(kind=PostKind.GRID_MEMBER)
            .current(self.today)
            .select_related("person", "org")
            .order_by("kind")
        )
        self.posts: dict[tuple[int, str], list[Post]] = {}
        for post in posts:
            found = self.posts.setdefault((post.org_id, post.person.name), [])
            if all(p.person_id != post.person_id for p in found):
                found.append(post)

    def check_row(self, row: ParsedRow) -> None:
        values = row.values
        village = self.village_of(row)
        if village is None:
            return
        posts = self.posts.get((village.pk, values["name"]), [])
        if not posts:
            row.errors.append(
                RowError(
                    row.number,
                    NAME,
                    _("%(name)s holds no cadre's post in %(village)s")
                    % {"name": values["name"], "village": village.label},
                )
            )
            return
        if len(posts) > 1:
            row.errors.append(
                RowError(
                    row.number,
                    NAME,
                    _("%(village)s has %(n)s cadres called %(name)s: set their rota on their own pages")
                    % {"village": village.label, "n": len(posts), "name": values["name"]},
                )
            )
            return
        values["post"] = posts[0]

    def check_all(self, rows: list[ParsedRow]) -> None:
        self.once(
            rows,
            lambda v: v.get("post") and (v["post"].org_id, v["post"].person_id),
            NAME,
            _("the same cadre as in row %(row)s"),
        )

    def write(self, rows: list[ParsedRow]) -> int:
        from . import services

        for row in rows:
            services.rota_set(post=row.values["post"], weekdays=row.values["weekdays"], actor=self.actor)
            self.progress.advance()
        return len(rows)


GRID, AREA, MEMBERS = "网格名称", "片区范围", "网格员"


def parse_names(value) -> list[str]:
    """ "张三、李四" → ["张三", "李四"] (顿号, commas, semicolons or spaces between names)."""
    return [n for n in re.split(r"[、，,；;/\s]+", text(value)) if n]


class GridImporter(_VillageRows):
    """Rows name a grid of a village below the organisation imported into, its area and its grid members
    (people of that village); a new name draws a grid, a known one gets the area and members given."""

    title = gettext_lazy("Grids and grid members")
    columns = [
        Column(VILLAGE, "village", help="村（社区）党组织的全称或简称；导入到本村时可留空。", width=24),
        Column(GRID, "grid", required=True, help="如：第一网格。已有的网格按名称更新。"),
        Column(AREA, "area", help="网格覆盖的片区、楼栋或村民小组。", width=24),
        Column(
            MEMBERS, "members", parse=parse_names, help="网格员姓名，用顿号分隔（须为本村人员）。", width=24
        ),
    ]

    def prepare(self, rows: list[ParsedRow]) -> None:
        from dangjian.orgs.models import Person

        from .models import Grid

        villages = self.load_villages()
        self.people: dict[tuple[int, str], list] = {}
        people = Person.objects.visible_to(self.actor).current().filter(org__in=villages)
        for person in people.only("id", "name", "org_id"):
            self.people.setdefault((person.org_id, person.name), []).append(person)
        self.grids = {(g.org_id, g.name): g for g in Grid.objects.filter(org__in=villages)}

    def check_row(self, row: ParsedRow) -> None:
        values = row.values
        village = self.village_of(row)
        if village is None:
            return
        values["org"] = village
        if len(values["grid"]) > 60:
            row.errors.append(RowError(row.number, GRID, _("at most 60 characters")))
        members = []
        for name in values["members"] or []:
            found = self.people.get((village.pk, name), [])
            if len(found) != 1:
                message = (
                    _("%(village)s has %(n)s people called %(name)s: the sheet cannot tell them apart")
                    if found
                    else _("%(name)s is not a person of %(village)s")
                )
                row.errors.append(
                    RowError(
                        row.number,
                        MEMBERS,
                        message % {"village": village.label, "n": len(found), "name": name},
                    )
                )
                continue
            members.append(found[0])
        values["people"] = members
        values["existing"] = self.grids.get((village.pk, values["grid"]))

    def check_all(self, rows: list[ParsedRow]) -> None:
        self.once(
            rows,
            lambda v: v.get("org") and (v["org"].pk, v["grid"]),
            GRID,
            _("the same grid as in row %(row)s"),
        )

    def write(self, rows: list[ParsedRow]) -> int:
        from . import services

        for row in rows:
            values = row.values
            if values["existing"] is not None:
                services.grid_update(
                    grid=values["existing"], area=values["area"], members=values["people"], actor=self.actor
                )
            else:
                services.grid_create(
                    org=values["org"],
                    name=values["grid"],
                    area=values["area"],
                    members=values["people"],
                    actor=self.actor,
                )
            self.progress.advance()
        return len(rows)
