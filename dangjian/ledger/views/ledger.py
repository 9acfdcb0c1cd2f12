"""The ledger (台账) of a list, an organisation or the focused subtree, and its .xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from dangjian.core import documents, jobs
from dangjian.core.dbrouter import reports_on_replica
from dangjian.core.exports import xlsx_response
from dangjian.core.pagination import list_key, table_pagination
from dangjian.core.scoping import can

from .. import selectors
from ..columns import export_ledger
from ..tables import ItemTable
from ..tasks import export_filename, export_heading, export_items, ledger_filter
from .common import EXPORT

PER_PAGE = 50


def filtered_items(request):
    """The items the ledger page shows for this query string (handed down, visible, filtered)."""
    filterset = ledger_filter(request.user, request.GET)
    return filterset, filterset.qs


@login_required
@require_GET
def ledger(request):
    """The filtered ledger as a sortable table; htmx asks for the table only."""
    filterset, items = filtered_items(request)
    table = ItemTable(selectors.ledger_rows(items))
    key = list_key(request, naming=("org",), read=(filterset.org_path,))  # what ?org= read, if asked
    RequestConfig(request, paginate=table_pagination(PER_PAGE, key=key)).configure(table)
    template = "ledger/partials/ledger_table.html" if request.htmx else "ledger/ledger.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "table": table,
            "query": request.GET.urlencode(),
            "can_export": can(request.user, EXPORT),
            "breadcrumbs": [(_("Lists"), reverse("ledger:list_index")), (_("Ledger"), None)],
        },
    )


@reports_on_replica
@login_required
@require_GET
def ledger_export(request):
    """Exactly the filtered rows, standard columns in the standard order (.xlsx).

    More rows than EXPORT_TASK_THRESHOLD: written by a background job, and the job page offers the file.
    """
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export ledgers."))
    filterset, items = filtered_items(request)
    if jobs.too_big_for_a_request(items):
        return jobs.start_and_follow(
            request,
            task=export_items,
            kind="ledger.export_items",
            title=_("Ledger export"),
            params={"query": request.GET.urlencode()},
        )
    content = export_ledger(
        selectors.ledger_export_rows(items, user=request.user),
        heading=export_heading(request.user, filterset),
    )
    return xlsx_response(content, export_filename())


WORD_MAX_ROWS = 500  # a Word ledger longer than this is for the spreadsheet


@login_required
@require_GET
def ledger_document(request):
    """The filtered ledger as a Word document (A4 landscape, signature lines) from the office's template."""
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export ledgers."))
    filterset, items = filtered_items(request)
    if items.count() > WORD_MAX_ROWS:
        messages.error(
            request,
            _("More than %(n)s items: narrow the filter, or export to Excel.") % {"n": WORD_MAX_ROWS},
        )
        return redirect(f"{reverse('ledger:ledger')}?{request.GET.urlencode()}")
    heading = export_heading(request.user, filterset)
    org = filterset.form.cleaned_data.get("org") if filterset.form.is_valid() else None
    context = selectors.ledger_document(
        items.order_by("item_list_id", "number", "pk"),
        org=org or selectors.rollup_root(request.user),
        user=request.user,
    )
    context["title"] = heading.title
    data = documents.render("ledger.ledger", context)
    return documents.response(data, filename=_("rectification-ledger.docx"))


urlpatterns = [
    path("ledger/", ledger, name="ledger"),
    path("ledger/export/", ledger_export, name="ledger_export"),
    path("ledger/ledger.docx", ledger_document, name="ledger_document"),
]
