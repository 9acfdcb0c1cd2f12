"""Pages of the shell: home (my work), the focus control, the audit log and rule parameters."""

from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from . import audit, history, params, registry
from .filters import int_param
from .keyset import keyset_page
from .modules import resolve
from .pagination import list_key
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
    """Changes and accesses in the organisations where I may read the audit log, searchable.

    The live log holds the last ``core.audit_hot_days`` days; ``?archive=1`` searches the older,
    archived entries instead (core.history). Pages follow a keyset (no total count), so the page
    costs the same with two years of a province's history as with a week's.
    """
    if not can(request.user, "view_audit"):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    in_archive = request.GET.get("archive") == "1"
    logs = (audit.archived_visible_to if in_archive else audit.entries_visible_to)(request.user)
    logs = logs.select_related("actor", "content_type")
    q = request.GET.get("q", "").strip()[:100]
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
    dates = audit_dates(request.GET)
    if dates.errors:
        logs = logs.none()
    else:
        # Whole local days as a time range, so the timestamp index is used (no date cast per row).
        if since := dates.cleaned_data.get("since"):
            logs = logs.filter(timestamp__gte=_day_start(since))
        if until := dates.cleaned_data.get("until"):
            logs = logs.filter(timestamp__lt=_day_start(until + timedelta(days=1)))
    # The page as most people open it (no search text) read by SQL compiled once per user, scope and filters.
    page = keyset_page(logs, request.GET.get("before"), key=None if q else list_key(request))
    if in_archive:
        page.object_list = [row.as_log_entry() for row in page.object_list]
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
            "dates": dates,
            "in_archive": in_archive,
            "hot_days": params.get(history.HOT_DAYS.key),
            "breadcrumbs": [(_("Audit log"), None)],
        },
    )


class AuditDates(forms.Form):
    since = forms.DateField(required=False, label=pgettext_lazy("date range", "From"))
    until = forms.DateField(required=False, label=pgettext_lazy("date range", "To"))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_lazy("The start date is after the end date."))
        return data


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_dates(query) -> AuditDates:
    form = AuditDates(query)
    form.is_valid()
    return form


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
