"""Import of items into a list from the Excel template (preview, row/column messages, all or nothing)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.exports import Importer, ParsedRow, RowError
from dangjian.orgs.models import Organisation

from . import columns
from .models import ItemList


class ItemImporter(Importer):
    """Rows of the ledger template → items of one list, written by ``ledger.services`` in one transaction.

    ``context``: ``item_list`` (the list the items join). The responsible organisation is
    named by its full name, or by its short name where that is unique among the organisations the
    actor may see, and must be visible to the actor.
    """

    columns = columns.IMPORT_COLUMNS
    title = gettext_lazy("List item import template")

    def prepare(self, rows: list[ParsedRow]) -> None:
        names = {r.values.get("org") for r in rows if r.values.get("org")}
        orgs = list(
            Organisation.objects.visible_to(self.actor)
            .current()
            .filter(Q(name__in=names) | Q(short_name__in=names))
            .only("id", "name", "short_name", "path")
        )
        by_short: dict[str, list] = {}
        for o in orgs:
            if o.short_name:
                by_short.setdefault(o.short_name, []).append(o)
        # A short name counts only where it names one organisation; the full name always wins.
        self.orgs = {short: found[0] for short, found in by_short.items() if len(found) == 1}
        self.ambiguous = {short for short, found in by_short.items() if len(found) > 1}
        self.orgs.update({o.name: o for o in orgs})
        item_list = self.context["item_list"]
        # Items joining a list already handed down are handed down today.
        issued = item_list.status == ItemList.Status.ISSUED
        self.earliest = max(item_list.issued_on, timezone.localdate()) if issued else item_list.issued_on

    def check_row(self, row: ParsedRow) -> None:
        values = row.values
        org = self.orgs.get(values["org"])
        if org is None and values["org"] in self.ambiguous:
            row.errors.append(
                RowError(
                    row.number,
                    columns.ORG,
                    _("“%(name)s” is the short name of several organisations: write the full name")
                    % {"name": values["org"]},
                )
            )
        elif org is None:
            row.errors.append(
                RowError(
                    row.number,
                    columns.ORG,
                    _("“%(name)s” is not the full name of a party organisation in your charge")
                    % {"name": values["org"]},
                )
            )
        else:
            values["org_obj"] = org
        deadline = values.get("deadline")
        if deadline in (None, ""):
            row.errors.append(
                RowError(
                    row.number,
                    columns.DEADLINE,
                    _("Fill in the deadline; for a long-term task write “%(long_term)s”")
                    % {"long_term": columns.LONG_TERM},
                )
            )
        elif deadline != columns.LONG_TERM and deadline < self.earliest:
            row.errors.append(
                RowError(
                    row.number,
                    columns.DEADLINE,
                    _("The deadline %(deadline)s is before the hand-down date %(issued)s")
                    % {"deadline": deadline.isoformat(), "issued": self.earliest.isoformat()},
                )
            )

    def check_all(self, rows: list[ParsedRow]) -> None:
        seen: dict[tuple, int] = {}
        for row in rows:
            key = (row.values.get("title"), row.values.get("org"))
            if key in seen and not row.errors:
                row.errors.append(
                    RowError(
                        row.number,
                        columns.TITLE,
                        _("Duplicate of row %(row)s (same problem, same responsible organisation)")
                        % {"row": seen[key]},
                    )
                )
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
            self.progress.advance()
        return len(rows)
