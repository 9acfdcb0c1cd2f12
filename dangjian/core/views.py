"""Pages of the shell: home (my work), the focus control, the audit log and rule parameters."""

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import audit, params, registry
from .filters import int_param
from .modules import resolve
from .scoping import can


@login_required
@require_GET
def home(request):
    """My work: blocks that each app contributes (items waiting for me, warnings…)."""
    blocks = []
    for block in registry.ordered(registry.home_blocks):
        ctx = resolve(block.context)(request)
        if ctx is not None:
            blocks.append({"template": block.template, "ctx": ctx})
    return render(request, "core/home.html", {"blocks": blocks})


SEARCH_LIMIT = 20  # hits per kind of record


@login_required
@require_GET
def search(request):
    """The header search: every kind of record a module offers (``SearchProvider``), as the user may see it."""
    q = request.GET.get("q", "").strip()[:60]
    groups = []
    if q:
        for provider in registry.ordered(registry.search_providers):
            hits = resolve(provider.search)(request.user, q, SEARCH_LIMIT)
            if hits:
                groups.append({"provider": provider, "hits": hits})
    return render(request, "core/search.html", {"q": q, "groups": groups})


@login_required
@require_GET
def audit_log(request):
    """Changes and accesses in the organisations where I may read the audit log, searchable."""
    if not can(request.user, "view_audit"):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    logs = (
        audit.entries_visible_to(request.user).select_related("actor", "content_type").order_by("-timestamp")
    )
    q = request.GET.get("q", "").strip()
    if q:
        logs = logs.filter(
            Q(object_repr__icontains=q)
            | Q(actor__username__icontains=q)
            | Q(actor__display_name__icontains=q)
            | Q(remote_addr__startswith=q)
        )
    action = request.GET.get("action")
    if int_param(action, minimum=0) in dict(LogEntry.Action.choices):
        logs = logs.filter(action=int(action))
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    # Rows prepared here (a template cannot iterate a dict that has a key named "items"), names for ids.
    page.object_list = audit.with_change_rows(page.object_list)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "q": q,
            "action": action,
            "actions": LogEntry.Action.choices,
            "breadcrumbs": [(_("Audit log"), None)],
        },
    )


@login_required
def parameters(request):
    """Rule parameters from the regulations, adjustable in one place by administrators."""
    if not can(request.user, "administer"):
        raise PermissionDenied(_("Only administrators may change rule parameters."))
    if request.method == "POST":
        key = request.POST.get("key", "")
        if key not in params.REGISTRY:
            messages.error(request, _("Unknown parameter."))
        else:
            try:
                params.set_value(key, request.POST.get("value", ""))
                messages.success(request, _("Saved."))
            except (TypeError, ValueError):
                messages.error(request, _("Please enter a valid value."))
        return redirect("parameters")
    rows = [(spec, params.get(spec.key)) for spec in sorted(params.REGISTRY.values(), key=lambda s: s.key)]
    return render(
        request, "core/parameters.html", {"rows": rows, "breadcrumbs": [(_("Rule parameters"), None)]}
    )
