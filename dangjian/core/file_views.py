"""Pages for files: an attachment's download or preview, and the administrators' Word templates page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import attachments, audit, documents
from .caps import Cap
from .scoping import can


@login_required
@require_GET
def attachment_download(request, pk: int):
    """An attached file for a user who may see it and its owner (404 otherwise); ``?preview=1`` opens images and PDF."""
    attachment = attachments.get_for_user(request.user, pk)
    audit.log_access(attachment, what="download")
    return attachments.serve(
        attachment.file,
        name=attachment.name,
        content_type=attachment.content_type,
        inline=request.GET.get("preview") == "1",
    )


def _ensure_administrator(user) -> None:
    if not can(user, Cap.ADMINISTER):
        raise PermissionDenied(_("Only administrators may manage Word templates."))


@login_required
@require_http_methods(["GET", "POST"])
def document_templates(request):
    """Each kind of Word document with its fields; download the default, upload a replacement, revert."""
    _ensure_administrator(request.user)
    failed: dict[str, list[str]] = {}
    if request.method == "POST":
        key = request.POST.get("key", "")
        if key not in {kind.key for kind in documents.kinds()}:
            messages.error(request, _("Unknown kind of document."))
            return redirect("document_templates")
        try:
            if request.POST.get("action") == "revert":
                documents.document_template_revert(key=key, actor=request.user)
                messages.success(request, _("The default template is in use again."))
            else:
                documents.document_template_upload(
                    key=key, file=request.FILES.get("file"), actor=request.user
                )
                messages.success(request, _("The new template is in use."))
        except ValidationError as exc:
            failed[key] = [m for errors in exc.message_dict.values() for m in errors]
        else:
            return redirect("document_templates")
    replacements = documents.replacements()
    rows = [
        {"kind": kind, "replacement": replacements.get(kind.key), "errors": failed.get(kind.key, [])}
        for kind in documents.kinds()
    ]
    return render(
        request, "core/document_templates.html", {"rows": rows, "breadcrumbs": [(_("Word templates"), None)]}
    )


@login_required
@require_GET
def document_template_download(request, key: str):
    """The template in effect for a kind (``?default=1``: the one shipped with the platform), to edit in Word."""
    _ensure_administrator(request.user)
    try:
        data = documents.template_bytes(key, default=request.GET.get("default") == "1")
    except ImproperlyConfigured as exc:
        raise Http404 from exc
    return documents.response(data, filename=f"{key}.docx")
