"""My work: the home-page block, and the two queues with bulk actions (待签收 to acknowledge, 待核验 to verify)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from dangjian.core.filters import int_param

from .. import selectors, services
from ..models import Item
from .common import flash_error

SHOWN = 5  # rows per section; the ledger has the rest


def my_work_block(request):
    """Context of the home block (two queries whatever the number of items), or None when empty."""
    user = request.user
    counts, found = selectors.my_work_summary(user, SHOWN)
    if not any(counts.values()):
        # A member with nothing to act on still sees the items they are responsible for.
        own = list(selectors.own_items(user)[:SHOWN])
        return {"sections": [], "queues": [], "own": own} if own else None
    sections = []
    for key in selectors.MY_WORK_SECTIONS:
        label = selectors.MY_WORK_LABELS[key]
        rows = found.get(key, [])
        # The ledger filtered by the section itself: the page lists exactly what the count counts.
        more = f"{reverse('ledger:ledger')}?work={key}" if counts[key] > len(rows) else ""
        sections.append((key, label, rows, counts[key], more))
    queues = [
        (key, selectors.MY_WORK_LABELS[key], counts[key], reverse(f"ledger:queue_{key}"))
        for key in ("to_acknowledge", "to_verify")
        if counts[key]
    ]
    return {"sections": sections, "queues": queues}


def figures_block(request):
    """Context of the key-figures home block (county and township homes), or None."""
    from .. import charts

    found = selectors.home_figures(request.user)
    if found is None:
        return None
    chart = charts.by_org(found.rows)
    chart["links"] = [f"{reverse('ledger:ledger')}?org={row.org.pk}" for row in found.rows]
    ledger = reverse("ledger:ledger")
    return {
        "figures": found,
        "chart": chart,
        "links": {
            "open": f"{ledger}?org={found.root.pk}",
            "overdue": f"{ledger}?org={found.root.pk}&light=red",
            "closed": f"{ledger}?org={found.root.pk}&status=closed&closed_late=false",
            "rate": f"{reverse('ledger:rollup')}?org={found.root.pk}",
        },
    }


def _chosen(request, queue) -> list[Item]:
    """The ticked items, each in this user's queue (one the user cannot act on answers 404)."""
    ids = {int_param(raw) for raw in request.POST.getlist("items")}
    if None in ids:
        raise Http404
    items = list(queue.filter(pk__in=ids).select_related("org", "supervisor_org"))
    if len(items) != len(ids):
        raise Http404
    return items


def _queue_page(request, *, key: str, title: str):
    rows, total = selectors.queue_page(request.user, key)
    return render(
        request,
        "ledger/queue.html",
        {
            "key": key,
            "title": title,
            "rows": rows,
            "total": total,
            "breadcrumbs": [(_("Lists"), reverse("ledger:list_index")), (title, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def queue_to_acknowledge(request):
    """New items handed to my organisations (待签收), acknowledged one by one or several at once."""
    if request.method == "POST":
        queue = selectors.my_work_section(request.user, "to_acknowledge")
        try:
            done = services.items_acknowledge(items=_chosen(request, queue), actor=request.user)
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request,
                ngettext("Acknowledged %(n)d item.", "Acknowledged %(n)d items.", len(done))
                % {"n": len(done)},
            )
        return redirect("ledger:queue_to_acknowledge")
    return _queue_page(request, key="to_acknowledge", title=selectors.MY_WORK_LABELS["to_acknowledge"])


@login_required
@require_http_methods(["GET", "POST"])
def queue_to_verify(request):
    """Closure requests waiting for my verification (待核验): verify or return several at once."""
    if request.method == "POST":
        queue = selectors.my_work_section(request.user, "to_verify")
        action = request.POST.get("action")
        note = request.POST.get("note", "")
        try:
            items = _chosen(request, queue)
            if action == "verify":
                done = services.items_verify(items=items, actor=request.user, note=note)
                text = ngettext(
                    "Verified and closed %(n)d item.", "Verified and closed %(n)d items.", len(done)
                )
            elif action == "return":
                done = services.items_return(items=items, actor=request.user, note=note)
                text = ngettext(
                    "Returned %(n)d item with your reason.",
                    "Returned %(n)d items with your reason.",
                    len(done),
                )
            else:
                raise ValidationError(_("Choose verify or return."))
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, text % {"n": len(done)})
        return redirect("ledger:queue_to_verify")
    return _queue_page(request, key="to_verify", title=selectors.MY_WORK_LABELS["to_verify"])


urlpatterns = [
    path("work/acknowledge/", queue_to_acknowledge, name="queue_to_acknowledge"),
    path("work/verify/", queue_to_verify, name="queue_to_verify"),
]
