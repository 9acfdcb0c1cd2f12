"""Lists (清单): index, create, a list's page, handing items down (form, pasted lines, Excel) and groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit, workflow
from dangjian.core.imports import ImportConfirmView, ImportTemplateView, ImportUploadView
from dangjian.core.pagination import list_key, page_of
from dangjian.core.scoping import can, ensure_can, get_for_user

from .. import selectors, services
from ..forms import (
    ItemForm,
    ItemListForm,
    ListRecheckForm,
    ListTransitionForm,
    PasteItemsForm,
    add_service_error,
)
from ..imports import ITEMS
from ..models import Item, ItemGroup, ItemList
from .common import HAND_DOWN, VERIFY, flash_error, flash_form_errors, orgs_where

PER_PAGE = 30


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
    # The page's organisations read by id after the page is chosen: joined, PostgreSQL hashed every organisation of
    # a province (60 of 86 ms) to name thirty lists.
    lists = visible_lists(request.user).prefetch_related("org").order_by("-issued_on", "-pk")
    q = request.GET.get("q", "").strip()
    if q:
        lists = lists.filter(title__contains=q)
    page = page_of(lists, request, PER_PAGE, key=list_key(request))
    page.object_list = selectors.list_rows(page.object_list, user=request.user)
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
    page = page_of(items, request, PER_PAGE, key=list_key(request))
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
            "timeline": audit.timeline(item_list, viewer=request.user) if can_hand_down else [],
            "breadcrumbs": _crumbs(item_list),
        },
    )


@login_required
@require_POST
def list_transition(request, pk: int):
    """Submit for approval, approve, send back or hand down a list (ledger.rules.LIST_TRANSITIONS).

    Handing down asks first: "向 4 个单位下发 18 项？" with the items by organisation, and goes
    ahead only when that page is confirmed.
    """
    item_list = get_for_user(ItemList, request.user, pk=pk)
    form = ListTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the form."))
        return redirect("ledger:list_detail", pk=pk)
    to = form.cleaned_data["to"]
    may_issue = to == ItemList.Status.ISSUED and any(
        move == to for move, _rule in workflow.allowed_moves(item_list, request.user)
    )
    # Only someone who may hand the list down is shown what it holds; anyone else is refused below.
    summary = selectors.hand_down_summary(item_list) if may_issue else None
    if summary is not None and not request.POST.get("confirmed"):
        return render(
            request,
            "ledger/list_issue_confirm.html",
            {
                "item_list": item_list,
                "summary": summary,
                "data": form.cleaned_data,
                "breadcrumbs": _crumbs(item_list, (_("Hand down"), None)),
            },
        )
    try:
        services.list_move(
            item_list=item_list,
            to=to,
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _list_move_done(to, summary))
    return redirect("ledger:list_detail", pk=pk)


def _list_move_done(to: str, summary) -> str:
    """What a list move did, in words."""
    if to == ItemList.Status.ISSUED and summary is not None:
        return _("Handed down %(items)d items to %(orgs)d organisations.") % {
            "items": summary.items,
            "orgs": summary.orgs,
        }
    if to == ItemList.Status.PENDING_APPROVAL:
        return _("Submitted for approval.")
    if to == ItemList.Status.DRAFT:
        return _("Sent back to draft with your reason.")
    return _("Done.")


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    """Hand one item to one organisation, or the same item to many (one group with a roll-up)."""
    item_list = _issuer_list(request.user, pk)
    orgs = orgs_where(request.user, "view").filter(path__subtree=item_list.org.path)
    form = ItemForm(
        request.POST or None,
        orgs=orgs,
        roster=selectors.roster_choices(request.user, item_list.org),
        initial={"source": item_list.source},
    )
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
    path("lists/<int:pk>/import/", ImportUploadView.as_view(spec=ITEMS), name="import_upload"),
    path("lists/<int:pk>/import/template/", ImportTemplateView.as_view(spec=ITEMS), name="import_template"),
    path("lists/<int:pk>/import/confirm/", ImportConfirmView.as_view(spec=ITEMS), name="import_confirm"),
    path("groups/<int:pk>/", group_detail, name="group_detail"),
]
