"""Lists (清单): index, create, a list's page, handing items down (form, pasted lines, Excel) and groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit, workflow
from dangjian.core.exports import ImportRefused, xlsx_response
from dangjian.core.scoping import can, ensure_can, get_for_user
from dangjian.orgs.importers import pending_discard, pending_open, pending_store

from .. import selectors, services
from ..forms import (
    ImportUploadForm,
    ItemForm,
    ItemListForm,
    ListRecheckForm,
    ListTransitionForm,
    PasteItemsForm,
    add_service_error,
)
from ..importers import ItemImporter
from ..models import Item, ItemGroup, ItemList
from .common import HAND_DOWN, IMPORT, VERIFY, flash_error, flash_form_errors, orgs_where

PER_PAGE = 30
IMPORT_SESSION_KEY = "ledger_import_pending"


def visible_lists(user):
    """Lists issued by a visible organisation, and lists holding an item visible to me."""
    mine = Item.objects.visible_to(user).values("item_list_id")
    return ItemList.objects.filter(Q(pk__in=ItemList.objects.visible_to(user).values("pk")) | Q(pk__in=mine))


def _get_list(user, pk: int) -> ItemList:
    from django.http import Http404

    try:
        return visible_lists(user).select_related("org").get(pk=pk)
    except (ItemList.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _issuer_list(user, pk: int) -> ItemList:
    """A list the user may add items to: visible issuer and the hand-down right there."""
    item_list = get_for_user(ItemList.objects.select_related("org"), user, pk=pk)
    ensure_can(user, HAND_DOWN, item_list)
    return item_list


def _crumbs(item_list: ItemList | None = None, *tail) -> list:
    crumbs = [(_("Lists"), reverse("ledger:list_index"))]
    if item_list is not None:
        crumbs.append((item_list.title, reverse("ledger:list_detail", args=[item_list.pk]) if tail else None))
    return crumbs + list(tail)


@login_required
@require_GET
def list_index(request):
    """Every list I may see, newest first, with its item counts."""
    lists = visible_lists(request.user).select_related("org").order_by("-issued_on", "-pk")
    q = request.GET.get("q", "").strip()
    if q:
        lists = lists.filter(title__contains=q)
    page = Paginator(selectors.list_rows(lists, request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/list_index.html",
        {
            "page": page,
            "q": q,
            "can_create": orgs_where(request.user, HAND_DOWN).exists(),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def list_create(request):
    """A new list, issued by an organisation where I may hand down."""
    orgs = orgs_where(request.user, HAND_DOWN)
    if not orgs.exists():
        raise PermissionDenied(_("You are not allowed to hand down lists."))
    form = ItemListForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item_list = services.list_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("List created. Now add its items."))
            return redirect("ledger:list_detail", pk=item_list.pk)
    return render(
        request, "ledger/list_form.html", {"form": form, "breadcrumbs": _crumbs(None, (_("New list"), None))}
    )


@login_required
@require_GET
def list_detail(request, pk: int):
    """A list: its facts, its workflow buttons and its items as a ledger."""
    item_list = _get_list(request.user, pk)
    items = selectors.ledger_rows(Item.objects.visible_to(request.user).filter(item_list=item_list))
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    can_hand_down = can(request.user, HAND_DOWN, item_list)
    return render(
        request,
        "ledger/list_detail.html",
        {
            "item_list": item_list,
            "page": page,
            "groups": selectors.list_groups(request.user, item_list),
            "moves": workflow.allowed_moves(item_list, request.user),
            "can_add": can_hand_down,
            "recheck_form": ListRecheckForm()
            if item_list.status == ItemList.Status.ISSUED and can(request.user, VERIFY, item_list)
            else None,
            "timeline": audit.timeline(item_list) if can_hand_down else [],
            "breadcrumbs": _crumbs(item_list),
        },
    )


@login_required
@require_POST
def list_transition(request, pk: int):
    """Submit for approval, approve, send back or hand down a list (ledger.rules.LIST_TRANSITIONS)."""
    item_list = get_for_user(ItemList, request.user, pk=pk)
    form = ListTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the form."))
        return redirect("ledger:list_detail", pk=pk)
    try:
        services.list_move(
            item_list=item_list,
            to=form.cleaned_data["to"],
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("ledger:list_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    """Hand one item to one organisation, or the same item to many (one group with a roll-up)."""
    item_list = _issuer_list(request.user, pk)
    orgs = orgs_where(request.user, "view").filter(path__subtree=item_list.org.path)
    form = ItemForm(request.POST or None, orgs=orgs, initial={"source": item_list.source})
    if request.method == "POST" and form.is_valid():
        orgs = list(form.cleaned_data["orgs"])
        try:
            if len(orgs) == 1:
                services.item_create(
                    item_list=item_list, org=orgs[0], actor=request.user, **form.item_fields()
                )
                messages.success(request, _("%(count)d items added.") % {"count": 1})
                return redirect("ledger:list_detail", pk=pk)
            group = services.item_hand_down_many(
                item_list=item_list, orgs=orgs, actor=request.user, **form.item_fields()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(count)d items added.") % {"count": len(orgs)})
            return redirect("ledger:group_detail", pk=group.pk)
    return render(
        request,
        "ledger/item_form.html",
        {
            "form": form,
            "item_list": item_list,
            "breadcrumbs": _crumbs(item_list, (_("Add an item"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def items_paste(request, pk: int):
    """Many items at once, one per line, all to one organisation."""
    item_list = _issuer_list(request.user, pk)
    orgs = orgs_where(request.user, "view").filter(path__subtree=item_list.org.path)
    form = PasteItemsForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            items = services.items_from_lines(
                item_list=item_list,
                text=form.cleaned_data["text"],
                orgs=list(form.cleaned_data["orgs"]),
                actor=request.user,
                **form.item_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(count)d items added.") % {"count": len(items)})
            return redirect("ledger:list_detail", pk=pk)
    return render(
        request,
        "ledger/items_paste.html",
        {
            "form": form,
            "item_list": item_list,
            "breadcrumbs": _crumbs(item_list, (_("Paste items"), None)),
        },
    )


def _import_kind(item_list: ItemList) -> str:
    return f"ledger-items-{item_list.pk}"


@login_required
@require_GET
def import_template(request, pk: int):
    """The empty item template, with a note on each header cell."""
    _issuer_list(request.user, pk)
    importer = ItemImporter(actor=request.user)
    return xlsx_response(importer.template(), _("list-item-import-template.xlsx"))


def _import_context(item_list, **extra) -> dict:
    return {"item_list": item_list, "breadcrumbs": _crumbs(item_list, (_("Import items"), None)), **extra}


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, pk: int):
    """Upload the filled template and see every problem by row and column before anything is written."""
    item_list = _issuer_list(request.user, pk)
    if not can(request.user, IMPORT, item_list):
        raise PermissionDenied(_("You are not allowed to import items."))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = ItemImporter(actor=request.user, context={"item_list": item_list}).preview(upload)
        pending_discard(request.session.pop(IMPORT_SESSION_KEY, None))
        if preview.ok:
            upload.seek(0)
            request.session[IMPORT_SESSION_KEY] = pending_store(upload, kind=_import_kind(item_list))
    context = _import_context(item_list, form=form, preview=preview)
    if request.htmx and preview is not None:
        return render(request, "ledger/partials/import_preview.html", context)
    return render(request, "ledger/import_upload.html", context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    """Write the previewed file: every row, or none if anything is wrong now."""
    item_list = _issuer_list(request.user, pk)
    ticket = request.session.pop(IMPORT_SESSION_KEY, None)
    upload = pending_open(ticket, kind=_import_kind(item_list))
    if upload is None:
        pending_discard(ticket)
        messages.error(
            request, _("The uploaded file has expired or is no longer available. Please upload it again.")
        )
        return redirect("ledger:import_upload", pk=pk)
    importer = ItemImporter(actor=request.user, context={"item_list": item_list})
    try:
        with upload:
            _preview, count = importer.run(upload)
    except ImportRefused as refused:
        pending_discard(ticket)
        for error in refused.errors[:50]:
            messages.error(request, str(error))
        return redirect("ledger:import_upload", pk=pk)
    except ValidationError as exc:
        pending_discard(ticket)
        flash_error(request, exc)
        return redirect("ledger:import_upload", pk=pk)
    pending_discard(ticket)
    messages.success(request, _("%(count)d items added.") % {"count": count})
    return redirect("ledger:list_detail", pk=pk)


@login_required
@require_POST
def list_recheck(request, pk: int):
    """Schedule a look-back (回头看) of a whole list: every closed item or a random sample."""
    item_list = get_for_user(ItemList, request.user, pk=pk)
    form = ListRecheckForm(request.POST)
    if form.is_valid():
        try:
            rechecks = services.recheck_schedule(
                item_list=item_list,
                actor=request.user,
                scheduled_on=form.cleaned_data["scheduled_on"],
                sample=form.cleaned_data["sample"],
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("%(count)d look-backs scheduled.") % {"count": len(rechecks)})
    else:
        flash_form_errors(request, form)
    return redirect("ledger:list_detail", pk=pk)


@login_required
@require_GET
def group_detail(request, pk: int):
    """One item handed to many organisations: the roll-up of its items and each item."""
    group = get_for_user(ItemGroup.objects.select_related("item_list", "org"), request.user, pk=pk)
    items = Item.objects.visible_to(request.user).filter(group=group)
    return render(
        request,
        "ledger/group_detail.html",
        {
            "group": group,
            "items": selectors.ledger_rows(items),
            "rollup": selectors.group_figures(items),
            "breadcrumbs": _crumbs(group.item_list, (group.title, None)),
        },
    )


urlpatterns = [
    path("", list_index, name="list_index"),
    path("lists/new/", list_create, name="list_create"),
    path("lists/<int:pk>/", list_detail, name="list_detail"),
    path("lists/<int:pk>/transition/", list_transition, name="list_transition"),
    path("lists/<int:pk>/recheck/", list_recheck, name="list_recheck"),
    path("lists/<int:pk>/items/new/", item_add, name="item_add"),
    path("lists/<int:pk>/items/paste/", items_paste, name="items_paste"),
    path("lists/<int:pk>/import/", import_upload, name="import_upload"),
    path("lists/<int:pk>/import/template/", import_template, name="import_template"),
    path("lists/<int:pk>/import/confirm/", import_confirm, name="import_confirm"),
    path("groups/<int:pk>/", group_detail, name="group_detail"),
]
