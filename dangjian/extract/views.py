"""Extraction pages: history, a new extraction, the two-pane review, and the row actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import attachments, audit
from dangjian.core.caps import Cap
from dangjian.core.forms import add_service_error
from dangjian.core.pagination import list_key, page_of
from dangjian.core.scoping import can, get_for_user
from dangjian.ledger import door
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import DraftForm, ExtractionForm, PassageForm
from .models import Draft, Extraction

PER_PAGE = 25


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _crumbs(*extra):
    return [(_("Task extraction"), reverse("extract:extraction_list")), *extra]


@login_required
@require_GET
def extraction_list(request):
    """The extractions of the organisations where I may hand down (and my own), newest first."""
    rows = (
        Extraction.objects.visible_to(request.user)
        .select_related("org", "created_by")
        .annotate(kept=Count("drafts", filter=Q(drafts__dropped=False)))
        .order_by("-created_at", "-pk")
    )
    page = page_of(rows, request, PER_PAGE, key=list_key(request))
    return render(
        request,
        "extract/extraction_list.html",
        {"page": page, "can_create": can(request.user, Cap.HAND_DOWN), "breadcrumbs": _crumbs()},
    )


@login_required
def extraction_create(request):
    """Paste or upload a speech; the drafts are extracted at once and the review page opens."""
    orgs = Organisation.objects.current().where_can(request.user, Cap.HAND_DOWN)
    if not orgs.exists():
        raise PermissionDenied(_("You are not allowed to hand down lists."))
    form = ExtractionForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            extraction = services.extraction_create(actor=request.user, upload=upload, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s draft tasks and problems found. Check each one, then hand them down.")
                % {"n": extraction.drafts.count()},
            )
            return redirect("extract:extraction_detail", pk=extraction.pk)
    elif request.method == "GET":
        form.initial.setdefault("org", orgs.order_by("depth", "path").first())
    return render(
        request,
        "extract/extraction_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New extraction"), None))},
    )


@login_required
@require_GET
def extraction_detail(request, pk: int):
    """The review page: the text with each extracted passage numbered, the draft list beside it."""
    extraction = get_for_user(Extraction.objects.select_related("org", "created_by"), request.user, pk=pk)
    context = selectors.review(request.user, extraction)
    context.update(
        extraction=extraction,
        passage_form=PassageForm(),
        attachments=attachments.for_owner(extraction, request.user),
        items=list(door.items_of_source(extraction, request.user))
        if extraction.status == Extraction.Status.SAVED
        else [],
        timeline=audit.timeline(extraction, viewer=request.user),
        breadcrumbs=_crumbs((extraction.title, None)),
    )
    return render(request, "extract/extraction_detail.html", context)


def _draft(request, pk: int) -> Draft:
    draft = get_for_user(Draft.objects.select_related("extraction", "extraction__org"), request.user, pk=pk)
    if not can(request.user, Cap.HAND_DOWN, draft.extraction):
        raise PermissionDenied(_("You are not allowed to do this here."))
    return draft


def _extraction(request, pk: int) -> Extraction:
    extraction = get_for_user(Extraction.objects.select_related("org"), request.user, pk=pk)
    if not can(request.user, Cap.HAND_DOWN, extraction):
        raise PermissionDenied(_("You are not allowed to do this here."))
    return extraction


def _back(extraction: Extraction, anchor: str = ""):
    return redirect(
        reverse("extract:extraction_detail", args=[extraction.pk]) + (f"#{anchor}" if anchor else "")
    )


@login_required
def draft_update(request, pk: int):
    """Correct one draft row (title, kind, organisations, deadline, dropped).

    The review page posts its rows here; GET shows the row alone with every organisation of the
    speaker's subtree to choose from.
    """
    draft = _draft(request, pk)
    orgs = (
        Organisation.objects.current()
        .visible_to(request.user)
        .filter(path__startswith=draft.extraction.org.path)
        .order_by("path")
    )
    if request.method != "POST":
        initial = {
            "title": draft.title,
            "kind": draft.kind,
            "orgs": list(draft.orgs.visible_to(request.user)),
            "deadline": draft.deadline,
            "long_term": draft.long_term,
            "dropped": draft.dropped,
        }
        crumbs = _crumbs(
            (draft.extraction.title, reverse("extract:extraction_detail", args=[draft.extraction_id])),
            (_("No. %(n)s") % {"n": draft.number}, None),
        )
        form = DraftForm(initial=initial, orgs=orgs)
        return render(
            request, "extract/draft_form.html", {"form": form, "draft": draft, "breadcrumbs": crumbs}
        )
    form = DraftForm(request.POST, orgs=orgs)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("No. %(n)s: %(error)s") % {"n": draft.number, "error": error})
        return _back(draft.extraction, f"d{draft.number}")
    try:
        services.draft_update(draft=draft, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, _("No. %(n)s: %(error)s") % {"n": draft.number, "error": message})
    else:
        messages.success(request, _("No. %(n)s saved.") % {"n": draft.number})
    return _back(draft.extraction, f"d{draft.number}")


@login_required
@require_POST
def draft_merge(request, pk: int):
    """Merge a draft into the kept draft above it."""
    draft = _draft(request, pk)
    try:
        target = services.draft_merge(draft=draft, actor=request.user)
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, message)
        return _back(draft.extraction, f"d{draft.number}")
    messages.success(request, _("No. %(a)s merged into No. %(b)s.") % {"a": draft.number, "b": target.number})
    return _back(draft.extraction, f"d{target.number}")


@login_required
@require_POST
def draft_split(request, pk: int):
    """Split a draft in two where the clerk says the second task begins."""
    draft = _draft(request, pk)
    try:
        new = services.draft_split(draft=draft, actor=request.user, at=request.POST.get("at", ""))
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, _("No. %(n)s: %(error)s") % {"n": draft.number, "error": message})
        return _back(draft.extraction, f"d{draft.number}")
    messages.success(
        request, _("No. %(a)s split; its second part is No. %(b)s.") % {"a": draft.number, "b": new.number}
    )
    return _back(draft.extraction, f"d{new.number}")


@login_required
@require_POST
def draft_add(request, pk: int):
    """Add a task from a passage of the text."""
    extraction = _extraction(request, pk)
    form = PassageForm(request.POST)
    if form.is_valid():
        try:
            draft = services.draft_add(extraction=extraction, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("No. %(n)s added.") % {"n": draft.number})
            return _back(extraction, f"d{draft.number}")
    else:
        messages.error(request, _("Copy the passage from the text on the left; this one is not in it."))
    return _back(extraction)


@login_required
@require_POST
def extraction_save(request, pk: int):
    """Save the kept drafts as a draft ledger list and open it there, for submission and approval."""
    extraction = _extraction(request, pk)
    try:
        items = services.extraction_save(extraction=extraction, actor=request.user)
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, message)
        return _back(extraction)
    messages.success(
        request,
        _("%(n)s items saved as a draft list; submit it for approval here.") % {"n": len(items)},
    )
    return redirect("ledger:list_detail", items[0].item_list_id)


urlpatterns = [
    path("", extraction_list, name="extraction_list"),
    path("new/", extraction_create, name="extraction_create"),
    path("<int:pk>/", extraction_detail, name="extraction_detail"),
    path("<int:pk>/add/", draft_add, name="draft_add"),
    path("<int:pk>/save/", extraction_save, name="extraction_save"),
    path("drafts/<int:pk>/", draft_update, name="draft_update"),
    path("drafts/<int:pk>/merge/", draft_merge, name="draft_merge"),
    path("drafts/<int:pk>/split/", draft_split, name="draft_split"),
]
