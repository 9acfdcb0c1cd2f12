"""Ledger work run in the background (``core.jobs``): a large ledger export."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core import jobs

from . import selectors
from .columns import export_ledger
from .filters import ItemFilter
from .models import Item


def ledger_filter(user, data) -> ItemFilter:
    """The ledger's filter for ``user`` and a query (handed-down items the user may see)."""
    base = Item.objects.visible_to(user).handed_down()
    return ItemFilter(data or None, queryset=base, request=SimpleNamespace(user=user))


def export_heading(user, filterset: ItemFilter):
    """The title block of the ledger export: the filtered organisation (else the user's own) and list."""
    from .columns import ledger_heading

    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    org = data.get("org") or selectors.rollup_root(user)
    item_list = None
    if data.get("item_list"):
        from .models import ItemList

        item_list = ItemList.objects.visible_to(user).filter(pk=data["item_list"]).only("title").first()
    return ledger_heading(org=org, user=user, list_title=item_list.title if item_list else "")


def export_filename() -> str:
    return _("rectification-ledger-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}


EXPORT_CHUNK = 2000


@jobs.job_task
def export_items(job, progress, *, query: str) -> jobs.Outcome:
    """The ledger as its page filtered it when the job was started, as .xlsx for the job's owner."""
    filterset = ledger_filter(job.owner, QueryDict(query))
    items = filterset.qs
    progress.total = items.count()
    progress.message = _("Writing the spreadsheet")
    # In chunks, each with its own prefetched evidence and decisions: iterated whole, the rows and what they
    # prefetch were all held at once (a city's 78 000 items: 1 GB; a province's would not fit).
    rows = selectors.ledger_export_rows(items, user=job.owner).iterator(chunk_size=EXPORT_CHUNK)
    content = export_ledger(progress.wrap(rows), heading=export_heading(job.owner, filterset))
    count = progress.done
    return jobs.Outcome(
        message=ngettext("Exported %(count)d item.", "Exported %(count)d items.", count) % {"count": count},
        content=content,
        filename=export_filename(),
    )
