"""The organisation tree picker: choose target organisations in the tree, by typing, or a committee's villages at once.

``OrgTreeSelect`` replaces a multiple select of organisations. It renders every organisation
of the field's queryset (already scoped by the view) as a checkbox in tree order, so the page
works without JavaScript; ``orgs/org_tree.js`` then folds the tree below the top level, filters
it as the user types a full or short name or its pinyin initials ("gk" finds 高坑镇), counts
what is chosen and lets a committee's row choose all its villages, communities or branches.

Those "all of a kind" boxes post the form's ``whole`` field ("<committee id>:<sector>", the
sector empty for every branch); the form resolves them against the same scoped queryset, so a
posted id outside it is refused like any invalid choice.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BRANCH_KINDS, COMMITTEE_KINDS
from .services import pinyin_initials

_BRANCHES = {str(k) for k in BRANCH_KINDS}
_COMMITTEES = {str(k) for k in COMMITTEE_KINDS}


class OrgTreeSelect(forms.SelectMultiple):
    """Checkboxes in tree order with a filter box; ``wholes`` are the "all villages of …" choices."""

    template_name = "orgs/widgets/org_tree.html"

    # (sector, label) of the "all … of this committee" boxes; the sector "" means every branch.
    WHOLE_SECTORS = (
        ("rural", _("all villages")),
        ("community", _("all communities")),
        ("", _("all branches")),
    )

    def __init__(self, attrs=None, *, whole_name: str = "whole"):
        super().__init__(attrs)
        self.whole_name = whole_name
        self.whole_checked: set[str] = set()

    def id_for_label(self, id_):
        return f"{id_}_filter" if id_ else id_  # the field's label names the filter box

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def get_context(self, name, value, attrs):
        # The plain widget's context: the option groups of a <select> are not drawn (nor queried twice).
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        orgs = [choice.instance for choice, _label in self.choices if hasattr(choice, "instance")]
        orgs = sorted((o for o in orgs if o.dissolved_on is None), key=lambda o: o.path)
        paths = {o.path for o in orgs}
        top = min((o.depth for o in orgs), default=1)
        sectors: dict[str, set[str]] = {}  # committee path → sectors of the branches below it
        for org in orgs:
            if org.kind in _BRANCHES:
                step = org.steplen
                for depth in range(1, org.depth):
                    prefix = org.path[: depth * step]
                    if prefix in paths:
                        sectors.setdefault(prefix, set()).add(org.sector or "")
        rows = []
        for org in orgs:
            below = sectors.get(org.path, set()) if org.kind in _COMMITTEES else set()
            wholes = [
                {"value": f"{org.pk}:{sector}", "label": label, "sector": sector}
                for sector, label in self.WHOLE_SECTORS
                if (sector in below if sector else below)
            ]
            for whole in wholes:
                whole["checked"] = whole["value"] in self.whole_checked
            rows.append(
                {
                    "pk": org.pk,
                    "label": org.label,
                    "name": org.name,
                    "path": org.path,
                    "level": org.depth - top,
                    "indent": min(org.depth - top, 8),  # indentation by a class (CSP: no style attributes)
                    "sector": org.sector or "",
                    "branch": org.kind in _BRANCHES,
                    "keys": f"{pinyin_initials(org.label)} {pinyin_initials(org.name)}",
                    "checked": str(org.pk) in chosen,
                    "wholes": wholes,
                    "parent": False,
                }
            )
        # Which rows have children (for the fold buttons): a row is a parent when the next one is below it.
        for row, following in zip(rows, rows[1:], strict=False):
            row["parent"] = following["path"].startswith(row["path"])
        context["tree"] = {
            "rows": rows,
            "name": name,
            "whole_name": self.whole_name,
            "id": context["widget"]["attrs"].get("id", f"id_{name}"),
        }
        return context


class RenderedInTree(forms.CheckboxSelectMultiple):
    """The form's ``whole`` field: its boxes are drawn inside the organisation tree, not on their own."""

    @property
    def is_hidden(self) -> bool:
        return True

    def render(self, name, value, attrs=None, renderer=None):
        return ""
