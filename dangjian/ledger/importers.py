"""Import of items into a list from the Excel template (preview, row/column messages, all or nothing)."""

from __future__ import annotations

from django.utils import timezone

from dangjian.core.exports import Importer, ParsedRow, RowError
from dangjian.orgs.models import Organisation

from . import columns
from .models import ItemList


class ItemImporter(Importer):
    """Rows of the ledger template → items of one list, written by ``ledger.services`` in one transaction.

    ``context``: ``item_list`` (the list the items join). The responsible organisation is
    named by its full name and must be visible to the actor.
    """

    columns = columns.IMPORT_COLUMNS
    title = "清单事项导入模板"

    def prepare(self, rows: list[ParsedRow]) -> None:
        names = {r.values.get("org") for r in rows if r.values.get("org")}
        orgs = Organisation.objects.visible_to(self.actor).current().filter(name__in=names).only("id", "name", "path")
        self.orgs = {o.name: o for o in orgs}
        item_list = self.context["item_list"]
        # Items joining a list already handed down are handed down today.
        issued = item_list.status == ItemList.Status.ISSUED
        self.earliest = max(item_list.issued_on, timezone.localdate()) if issued else item_list.issued_on

    def check_row(self, row: ParsedRow) -> None:
        values = row.values
        org = self.orgs.get(values["org"])
        if org is None:
            row.errors.append(RowError(row.number, columns.ORG, f"“{values['org']}”不是您管辖范围内的党组织全称"))
        else:
            values["org_obj"] = org
        deadline = values.get("deadline")
        if deadline in (None, ""):
            row.errors.append(RowError(row.number, columns.DEADLINE, "请填写整改时限，长期任务填“长期坚持”"))
        elif deadline != columns.LONG_TERM and deadline < self.earliest:
            row.errors.append(RowError(
                row.number, columns.DEADLINE,
                f"整改时限 {deadline.isoformat()} 早于交办日期 {self.earliest.isoformat()}",
            ))

    def check_all(self, rows: list[ParsedRow]) -> None:
        seen: dict[tuple, int] = {}
        for row in rows:
            key = (row.values.get("title"), row.values.get("org"))
            if key in seen and not row.errors:
                row.errors.append(RowError(row.number, columns.TITLE, f"与第 {seen[key]} 行重复（同一问题、同一责任单位）"))
            seen.setdefault(key, row.number)

    def item_rows(self, rows: list[ParsedRow]) -> list[dict]:
        """The rows as the service takes them."""
        result = []
        for row in rows:
            v = row.values
            deadline = v.get("deadline")
            data = {
                "org": v["org_obj"],
                "title": v["title"],
                "target": v.get("target") or "",
                "measures": v.get("measures") or "",
                "responsible_leader": v.get("responsible_leader") or "",
                "responsible_person": v.get("responsible_person") or "",
                "remarks": v.get("remarks") or "",
                "long_term": deadline == columns.LONG_TERM,
                "deadline": deadline if deadline not in ("", columns.LONG_TERM) else None,
            }
            if v.get("source"):
                data["source"] = v["source"]
            result.append(data)
        return result

    def write(self, rows: list[ParsedRow]) -> int:
        from . import services

        item_list = self.context["item_list"]
        for fields in self.item_rows(rows):
            services.item_create(item_list=item_list, actor=self.actor, **fields)
        return len(rows)
