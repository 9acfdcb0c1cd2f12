"""One upload → preview → confirm flow for every spreadsheet import, the write running as a job.

An app describes an import once with an ``ImportSpec`` (its ``Importer``, who may use it and into
what, where to go afterwards) and mounts the three generic views with it::

    ITEMS = ItemImportSpec()   # key, importer, title…; scope() fetches the list and checks the right
    urlpatterns = [
        path("lists/<int:pk>/import/", ImportUploadView.as_view(spec=ITEMS), name="import_upload"),
        path("lists/<int:pk>/import/confirm/", ImportConfirmView.as_view(spec=ITEMS), name="import_confirm"),
        path("lists/<int:pk>/import/template/", ImportTemplateView.as_view(spec=ITEMS), name="import_template"),
    ]

The upload view checks the whole file and shows every problem by row and column; a clean file waits in
the upload store (``core.uploads``). Confirming starts a job (``core.jobs``) that checks the file again
as the user, writes all rows or none, and shows its result — or the same row/column problems — on the
job page. The spec's ``scope`` is asked again when the job runs, so a right withdrawn in between stops it.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from . import jobs, uploads
from .exports import Importer, ImportRefused, xlsx_response

SESSION_KEY = "import_pending"
# The preview lists at most this many problems; the summary counts all of them.
MAX_SHOWN_ERRORS = 1000


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "An .xlsx file filled in from the template; nothing is written before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xlsm,.xls,.ods"}),
    )


class ImportSpec:
    """One kind of import: its Importer, who may use it, into what (the scope), and where to go next.

    Subclasses set the attributes and override ``scope`` (fetch the target through the scoping helpers
    and check the capability; raise Http404 or PermissionDenied) and, as needed, ``importer_context``,
    ``success_url`` and ``breadcrumbs``. A spec must be a module-level object: jobs name it by its path.
    """

    path = ""  # dotted path of this spec object, e.g. "dangjian.ledger.imports.ITEMS"
    importer: type[Importer] = Importer
    title = gettext_lazy("Import")
    url_names = ("", "", "")  # upload, confirm, template
    group_by = ""  # value key the preview counts rows by (e.g. the organisation a row names)
    group_label = gettext_lazy("Organisation")
    success_label = gettext_lazy("Open the result")

    def scope(self, user, **kwargs):
        """The record imported into (None for imports whose rows name their own organisations)."""
        raise NotImplementedError

    def template_filename(self) -> str:
        return _("%(title)s import template.xlsx") % {"title": self.importer.title}

    def importer_context(self, scope) -> dict:
        return {}

    def success_url(self, scope, **kwargs) -> str:
        return ""

    def subtitle(self, scope) -> str:
        return ""

    def breadcrumbs(self, scope, **kwargs) -> list:
        return [(self.title, None)]

    def purpose(self, **kwargs) -> str:
        """What an upload ticket is for: this import, into this scope (a ticket fits nowhere else)."""
        return self.path + "|" + ",".join(f"{k}={v}" for k, v in sorted(kwargs.items()))

    def url(self, which: int, **kwargs) -> str:
        return reverse(self.url_names[which], kwargs=kwargs)


class _SpecView(LoginRequiredMixin, View):
    spec: ImportSpec | None = None
    # Several imports behind one URL: the spec named by this URL argument (e.g. kind → members/orgs).
    specs: dict[str, ImportSpec] = {}
    spec_kwarg = ""

    def get_spec(self) -> ImportSpec:
        spec = self.spec or self.specs.get(str(self.kwargs.get(self.spec_kwarg, "")))
        if spec is None:
            raise Http404
        return spec

    def setup_import(self):
        spec = self.get_spec()
        return spec, spec.scope(self.request.user, **self.kwargs)

    def page_context(self, spec, scope, **extra) -> dict:
        return {
            "spec": spec,
            "title": spec.title,
            "subtitle": spec.subtitle(scope),
            "upload_url": spec.url(0, **self.kwargs),
            "confirm_url": spec.url(1, **self.kwargs),
            "template_url": spec.url(2, **self.kwargs),
            "breadcrumbs": spec.breadcrumbs(scope, **self.kwargs),
            **extra,
        }


class ImportTemplateView(_SpecView):
    """The empty spreadsheet, with a note on each header cell."""

    def get(self, request, **kwargs):
        spec, _scope = self.setup_import()
        return xlsx_response(spec.importer(actor=request.user).template(), spec.template_filename())


def preview_summary(preview, spec: ImportSpec) -> dict:
    errors = preview.errors
    groups = Counter(r.values.get(spec.group_by) or "" for r in preview.rows) if spec.group_by else {}
    return {
        "ok": preview.ok,
        "rows": len(preview.rows),
        "rows_with_errors": sum(1 for r in preview.rows if r.errors),
        "error_count": len(errors),
        "errors": errors[:MAX_SHOWN_ERRORS],
        "truncated": len(errors) > MAX_SHOWN_ERRORS,
        "groups": sorted((str(k), v) for k, v in groups.items()),
    }


class ImportUploadView(_SpecView):
    """Upload a file and see every problem in it, by row and column, before anything is written."""

    http_method_names = ["get", "post"]

    def get(self, request, **kwargs):
        spec, scope = self.setup_import()
        return self.show(spec, scope, ImportUploadForm(), None)

    def post(self, request, **kwargs):
        spec, scope = self.setup_import()
        form = ImportUploadForm(request.POST, request.FILES)
        summary = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            context = spec.importer_context(scope) | {"filename": upload.name}
            preview = spec.importer(actor=request.user, context=context).preview(upload)
            uploads.discard(request.session.pop(SESSION_KEY, None))
            if preview.ok:
                request.session[SESSION_KEY] = uploads.store(upload, purpose=spec.purpose(**kwargs))
            summary = preview_summary(preview, spec) | {"filename": upload.name}
        return self.show(spec, scope, form, summary)

    def show(self, spec, scope, form, summary):
        context = self.page_context(spec, scope, form=form, summary=summary)
        if self.request.htmx and self.request.method == "POST":
            return render(self.request, "core/partials/import_panel.html", context)
        return render(self.request, "core/import_upload.html", context)


class ImportConfirmView(_SpecView):
    """Write the checked file: a job checks it again and writes every row or none."""

    http_method_names = ["post"]

    def post(self, request, **kwargs):
        spec, scope = self.setup_import()
        ticket = request.session.pop(SESSION_KEY, None)
        try:
            ticket = uploads.renew(ticket, purpose=spec.purpose(**kwargs))
        except uploads.UploadGone as gone:
            uploads.discard(ticket)
            messages.error(request, gone.message)
            return redirect(spec.url(0, **kwargs))
        return jobs.start_and_follow(
            request,
            task=import_file,
            kind=spec.path,
            title=_("%(import)s: %(file)s") % {"import": spec.title, "file": uploads.filename(ticket)},
            params={"spec": spec.path, "url_kwargs": kwargs, "ticket": ticket},
            link=spec.success_url(scope, **kwargs),
            link_label=str(spec.success_label),
        )


@jobs.job_task
def import_file(job, progress, *, spec: str, url_kwargs: dict, ticket: dict) -> jobs.Outcome:
    """The job behind ``ImportConfirmView``: check the kept file again as its owner, write all rows or none."""
    import_spec: ImportSpec = import_string(spec)
    try:
        try:
            scope = import_spec.scope(job.owner, **url_kwargs)
        except (Http404, PermissionDenied) as exc:
            raise jobs.JobFailed(
                _("You may no longer import here (your rights or the target changed); nothing was written.")
            ) from exc
        try:
            upload = uploads.open_file(ticket, purpose=import_spec.purpose(**url_kwargs))
        except uploads.UploadGone as gone:
            raise jobs.JobFailed(gone.message) from gone
        name = uploads.filename(ticket)
        context = import_spec.importer_context(scope) | {"filename": name}
        importer = import_spec.importer(actor=job.owner, context=context, progress=progress)
        try:
            with upload:
                _preview, count = importer.run(upload)
        except ImportRefused as refused:
            raise jobs.JobFailed(
                _(
                    "The file has problems and nothing was written. Fix them in the spreadsheet and upload it again."
                ),
                refused.errors,
            ) from refused
        except ValidationError as exc:
            raise jobs.JobFailed(" ".join(exc.messages)) from exc
    finally:
        uploads.discard(ticket)
    return jobs.Outcome(
        message=ngettext(
            "Imported %(count)d row from %(file)s.", "Imported %(count)d rows from %(file)s.", count
        )
        % {"count": count, "file": name}
    )
