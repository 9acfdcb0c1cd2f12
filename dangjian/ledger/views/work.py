"""My work: the home-page block with items waiting for my action, due soon, overdue and returned."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors

SHOWN = 5  # rows per section; the ledger has the rest


def my_work_block(request):
    """Context of the home block (five queries whatever the number of items), or None when empty."""
    user = request.user
    counts = selectors.my_work_counts(user)
    if not any(counts.values()):
        return None
    work = selectors.my_work(user)
    today = timezone.localdate()
    sections = []
    for key, label, query in (
        ("waiting", _("Waiting for my action"), ""),
        ("due_soon", _("Due soon"), "light=yellow"),
        ("overdue", _("Overdue"), "light=red"),
        ("returned", _("Returned"), "status=returned"),
    ):
        rows = list(getattr(work, key).with_light(today)[:SHOWN]) if counts[key] else []
        more = f"{reverse('ledger:ledger')}?{query}" if counts[key] > len(rows) else ""
        sections.append((key, label, rows, counts[key], more))
    return {"sections": sections}
