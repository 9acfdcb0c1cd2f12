"""Roster import (template → upload → preview → confirm) and the member and organisation exports."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.exports import ImportPreview, ImportRefused, xlsx_response
from dangjian.core.scoping import can

from ..columns import export_organisations, export_people
from ..filters import OrganisationFilter, PersonFilter
from ..importers import IMPORT, IMPORTERS, pending_discard, pending_open, pending_store
from ..models import Organisation, Person

EXPORT = "export"
UNMASK_ID = "unmask_id"
SESSION_KEY = "orgs_import_pending"
# The preview lists at most this many problems; the summary counts all of them.
MAX_SHOWN_ERRORS = 1000

TITLES = {"members": gettext_lazy("Import party members"), "orgs": gettext_lazy("Import organisations")}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "An .xlsx file filled in from the template; nothing is written before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xlsm,.xls,.ods"}),
    )


def _importer_class(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    if not can(request.user, IMPORT):
        raise PermissionDenied(_("You are not allowed to import rosters."))
    return IMPORTERS[kind]


def _context(kind: str, **extra) -> dict:
    title = TITLES[kind]
    return {
        "kind": kind,
        "title": title,
        "breadcrumbs": [(_("Roster import"), None), (title, None)],
        **extra,
    }


def _summary(preview, kind: str) -> dict:
    errors = preview.errors
    rows_with_errors = sum(1 for r in preview.rows if r.errors)
    key = "org_name" if kind == "members" else "parent_name"
    groups = Counter(r.values.get(key) or "" for r in preview.rows)
    return {
        "rows": len(preview.rows),
        "rows_with_errors": rows_with_errors,
        "error_count": len(errors),
        "errors": errors[:MAX_SHOWN_ERRORS],
        "truncated": len(errors) > MAX_SHOWN_ERRORS,
        "groups": sorted(groups.items()),
    }


@login_required
@require_GET
def import_template(request, kind: str):
    """The empty spreadsheet of a roster, with a note on each header cell."""
    importer = _importer_class(request, kind)(actor=request.user)
    return xlsx_response(importer.template(), _("%(title)s import template.xlsx") % {"title": importer.title})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    """Upload a roster file and see every problem in it, by row and column, before anything is written."""
    importer_class = _importer_class(request, kind)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    summary = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = importer_class(actor=request.user, context={"filename": upload.name})
        preview = importer.preview(upload)
        pending_discard(request.session.pop(SESSION_KEY, None))
        if preview.ok:
            request.session[SESSION_KEY] = pending_store(upload, kind=kind)
        summary = _summary(preview, kind) | {"ok": preview.ok, "filename": upload.name}
    context = _context(kind, form=form, summary=summary)
    if request.htmx and request.method == "POST":
        return render(request, "orgs/partials/import_panel.html", context)
    return render(request, "orgs/import_upload.html", context)


@login_required
@require_POST
def import_confirm(request, kind: str):
    """Write the previewed file: every row or, if anything changed since the preview, none."""
    importer_class = _importer_class(request, kind)
    ticket = request.session.pop(SESSION_KEY, None)
    upload = pending_open(ticket, kind=kind)
    if upload is None:
        pending_discard(ticket)
        messages.error(
            request, _("The uploaded file has expired or is no longer available. Please upload it again.")
        )
        return redirect(reverse("orgs:import_upload", kwargs={"kind": kind}))
    importer = importer_class(actor=request.user, context={"filename": ticket["filename"]})
    try:
        with upload:
            _preview, count = importer.run(upload)
    except ImportRefused as refused:
        pending_discard(ticket)
        preview = refused.preview or ImportPreview([], refused.errors)
        summary = _summary(preview, kind) | {"ok": False, "filename": ticket["filename"]}
        context = _context(kind, form=ImportUploadForm(), summary=summary, changed=True)
        return render(request, "orgs/import_upload.html", context, status=400)
    pending_discard(ticket)
    messages.success(
        request, _("Imported %(count)d rows from %(file)s.") % {"count": count, "file": ticket["filename"]}
    )
    return redirect(reverse("orgs:import_upload", kwargs={"kind": kind}))


@login_required
@require_GET
def person_export(request):
    """The member list as the list page filters it, in the import's columns (.xlsx).

    Full ID numbers only with ``unmask=1`` and the right to see them; such an export is logged.
    """
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export rosters."))
    people = PersonFilter(request.GET or None, queryset=Person.objects.visible_to(request.user)).qs
    unmask = request.GET.get("unmask") == "1" and can(request.user, UNMASK_ID)
    content = export_people(people, user=request.user, unmask=unmask, note=request.GET.urlencode())
    return xlsx_response(
        content, _("member-roster-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}
    )


@login_required
@require_GET
def org_export(request):
    """The organisation list as the list page filters it, in the import's columns (.xlsx)."""
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export rosters."))
    orgs = OrganisationFilter(request.GET or None, queryset=Organisation.objects.visible_to(request.user)).qs
    return xlsx_response(
        export_organisations(orgs),
        _("party-organisations-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()},
    )


urlpatterns: list = [
    path("import/<str:kind>/", import_upload, name="import_upload"),
    path("import/<str:kind>/template/", import_template, name="import_template"),
    path("import/<str:kind>/confirm/", import_confirm, name="import_confirm"),
    path("export/people/", person_export, name="person_export"),
    path("export/organisations/", org_export, name="org_export"),
]
