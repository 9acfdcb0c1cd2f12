"""An item's page and everything done on it: moves, progress, extensions, look-backs, accountability, evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import attachments, audit, documents
from dangjian.core.scoping import get_for_user

from .. import selectors, services, sources
from ..deadlines import light
from ..forms import (
    AccountabilityForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ProgressForm,
    RecheckRecordForm,
    RecheckScheduleForm,
    TransitionForm,
    add_service_error,
)
from ..models import Evidence, ExtensionRequest, Item, ItemGroup, Recheck
from ..rules import RECTIFIER, RECTIFYING_MOVES, SUPERVISOR, can_act, is_proxy, separation_violated
from .common import INSPECT, RECTIFY, VERIFY, flash_error, flash_form_errors

# Extra fields each target state asks for in its small form.
MOVE_FIELDS = {
    Item.Status.RECTIFYING: ("note", "measures"),
    Item.Status.CLOSURE_REQUESTED: ("note", "files"),
}
# 立行立改 (fixed on the spot) from these states: what was done, and the evidence.
ON_THE_SPOT_FIELDS = ("note", "measures", "files")


def _item(user, pk: int) -> Item:
    return get_for_user(
        Item.objects.select_related("item_list", "org", "supervisor_org", "category", "group", "person"),
        user,
        pk=pk,
    )


def _crumbs(item: Item, *tail) -> list:
    crumbs = [
        (_("Lists"), reverse("ledger:list_index")),
        (item.item_list.title, reverse("ledger:list_detail", args=[item.item_list_id])),
        (str(item), reverse("ledger:item_detail", args=[item.pk]) if tail else None),
    ]
    return crumbs + list(tail)


# How each move's button looks: verifying and returning must not look alike.
MOVE_STYLES = {
    Item.Status.CLOSED: "btn-success",
    Item.Status.RETURNED: "btn-outline-danger",
}


def _move_forms(item: Item, user, *, rectifying: bool = True) -> list[dict]:
    """One small form per move this user may try; fields depend on the target state.

    The first move is the one due (签收 / 报送措施 / 申请销号 / 核验销号) and is shown open; the
    others fold away so a phone does not scroll past forms to find it.
    """
    forms = []
    for to, rule in selectors.item_moves(item, user):
        if not rectifying and (item.status, to) in RECTIFYING_MOVES:
            continue
        on_the_spot = to == Item.Status.CLOSURE_REQUESTED and item.status in services.ON_THE_SPOT_STATES
        fields = ON_THE_SPOT_FIELDS if on_the_spot else MOVE_FIELDS.get(to, ("note",))
        form = TransitionForm(initial={"to": to, "version": item.version, "measures": item.measures})
        forms.append(
            {
                "to": to,
                "label": rule.label,
                "form": form,
                "fields": fields,
                "note_required": rule.note_required,
                "on_the_spot": on_the_spot,
                "style": MOVE_STYLES.get(to, "btn-primary" if not forms else "btn-outline-primary"),
                "open": not forms or to == Item.Status.CLOSED,
            }
        )
    return forms


def _move_done(item: Item, to: str) -> str:
    """What a move did, in words (the success message)."""
    words = {
        Item.Status.ACKNOWLEDGED: _("Acknowledged: %(title)s."),
        Item.Status.RECTIFYING: _("Measures filed; now record progress as the work goes on."),
        Item.Status.CLOSURE_REQUESTED: _("Closure requested; %(supervisor)s will verify it."),
        Item.Status.CLOSED: _("Closure verified: %(title)s is closed."),
        Item.Status.RETURNED: _("Returned to %(org)s with your reason."),
    }.get(to, _("Done."))
    return words % {"title": item.title, "org": item.org.label, "supervisor": item.supervisor_org.label}


@login_required
@require_GET
def item_detail(request, pk: int):
    """Everything about one item: fields, light, source, progress, evidence, moves, extensions, look-backs, history."""
    from django.utils import timezone

    user = request.user
    # The latest entries and files (selectors.PROGRESS_SHOWN), or every one with ?progress=all.
    item = selectors.item_for_page(user, pk, show_all=request.GET.get("progress") == "all")
    supervising = can_act(user, VERIFY, item, SUPERVISOR)
    # The supervising side does not see the rectifying side's forms; it may enter them on the
    # village's behalf (代录, marked on the item) by asking for them with ?proxy=1.
    proxy = supervising and can_act(user, RECTIFY, item, RECTIFIER) and is_proxy(item, user)
    proxy_mode = proxy and request.GET.get("proxy") == "1"
    can_rectify = can_act(user, RECTIFY, item, RECTIFIER) and (not proxy or proxy_mode)
    # Whoever rectified the item sees no form to verify it, decide its extensions or look back on it.
    can_verify = supervising and not separation_violated(item, user)
    return render(
        request,
        "ledger/item_detail.html",
        {
            "item": item,
            "light": light(item, timezone.localdate()),
            "source_link": sources.link_for(item),
            "group_visible": bool(item.group_id)
            and ItemGroup.objects.visible_to(user).filter(pk=item.group_id).exists(),
            "progress": list(item.progress_entries.all()),  # the latest first
            "progress_total": item.progress_total,
            "evidence": item.files_shown,
            "evidence_total": item.evidence_total,
            "moves": _move_forms(item, user, rectifying=not proxy or proxy_mode),
            "can_proxy": proxy
            and not proxy_mode
            and item.status not in (Item.Status.DRAFT, Item.Status.CLOSED),
            "proxy_mode": proxy_mode,
            "extensions": list(item.extensions.all()),
            "rechecks": list(item.rechecks.all()),
            # Decisions name people: prefetched through visible_to, so a member sees only those about themselves.
            "accountabilities": list(item.accountabilities.all()),
            "progress_form": ProgressForm(initial={"version": item.version}) if can_rectify else None,
            "extension_form": ExtensionRequestForm(initial={"version": item.version})
            if can_rectify
            and item.status not in (Item.Status.DRAFT, Item.Status.CLOSED)
            and not item.long_term
            else None,
            "decision_form": ExtensionDecisionForm() if can_verify else None,
            "recheck_form": RecheckScheduleForm()
            if supervising and item.status == Item.Status.CLOSED
            else None,
            "recheck_record_form": RecheckRecordForm() if can_verify else None,
            "can_inspect": can_act(user, INSPECT, item, SUPERVISOR),
            "verification_days": selectors.verification_days(item)
            if supervising or can_act(user, INSPECT, item, SUPERVISOR)
            else None,
            "timeline": audit.timeline(item, viewer=user),
            "return_note": selectors.last_return_note(item) if item.status == Item.Status.RETURNED else "",
            "can_urge": supervising and item.status not in (Item.Status.DRAFT, Item.Status.CLOSED),
            "breadcrumbs": _crumbs(item),
        },
    )


def _files(request) -> list:
    return request.FILES.getlist("files")


@login_required
@require_POST
def item_transition(request, pk: int):
    """One move of the item (the same service the API calls); refusals shown as the service words them."""
    item = _item(request.user, pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("ledger:item_detail", pk=pk)
    data = form.cleaned_data
    try:
        services.item_move(
            item=item,
            to=data["to"],
            actor=request.user,
            note=data["note"],
            expected_version=data["version"],
            measures=data["measures"] if "measures" in request.POST else None,
            files=_files(request),
        )
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _move_done(item, data["to"]))
    return redirect("ledger:item_detail", pk=pk)


@login_required
@require_POST
def item_urge(request, pk: int):
    """催办: hurry the responsible organisation (recorded on the item, its people notified)."""
    item = _item(request.user, pk)
    try:
        services.item_urge(item=item, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("%(org)s has been urged and notified.") % {"org": item.org.label})
    return redirect("ledger:item_detail", pk=pk)


@login_required
@require_POST
def progress_add(request, pk: int):
    """A dated progress entry with a percentage and evidence files."""
    item = _item(request.user, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_add(
                item=item,
                actor=request.user,
                on=data["on"],
                text=data["text"],
                percent=data["percent"],
                files=_files(request),
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Progress recorded."))
    else:
        flash_form_errors(request, form)
    return redirect("ledger:item_detail", pk=pk)


@login_required
@require_POST
def extension_request(request, pk: int):
    """Ask the supervising side for a later deadline (申请延期)."""
    item = _item(request.user, pk)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request(
                item=item,
                actor=request.user,
                requested_to=form.cleaned_data["requested_to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Extension requested."))
    else:
        flash_form_errors(request, form)
    return redirect("ledger:item_detail", pk=pk)


@login_required
@require_POST
def extension_decide(request, pk: int):
    """Approve or refuse an extension request."""
    extension = get_for_user(ExtensionRequest.objects.select_related("item"), request.user, pk=pk)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.extension_decide(
                extension=extension,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("ledger:item_detail", pk=extension.item_id)


@login_required
@require_POST
def recheck_schedule(request, pk: int):
    """Schedule a look-back (回头看) of a closed item."""
    item = _item(request.user, pk)
    form = RecheckScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.recheck_schedule(
                item=item, actor=request.user, scheduled_on=form.cleaned_data["scheduled_on"]
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Look-back scheduled."))
    return redirect("ledger:item_detail", pk=pk)


@login_required
@require_POST
def recheck_record(request, pk: int):
    """Record a look-back's result; a relapse reopens the item with a new deadline."""
    recheck = get_for_user(Recheck.objects.select_related("item"), request.user, pk=pk)
    form = RecheckRecordForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recheck_record(
                recheck=recheck,
                actor=request.user,
                result=data["result"],
                note=data["note"],
                new_deadline=data["new_deadline"],
                files=_files(request),
            )
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Look-back recorded."))
    else:
        flash_form_errors(request, form)
    return redirect("ledger:item_detail", pk=recheck.item_id)


@login_required
@require_http_methods(["GET", "POST"])
def accountability_create(request, pk: int):
    """Record an accountability decision (问责) over an item; the form needs the same right as the decision."""
    item = _item(request.user, pk)
    if not can_act(request.user, INSPECT, item, SUPERVISOR):
        raise PermissionDenied(_("Only the supervising side records accountability for this item."))
    form = AccountabilityForm(
        request.POST or None, item=item, initial={"person_name": item.responsible_person}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_record(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Accountability recorded."))
            return redirect("ledger:item_detail", pk=pk)
    return render(
        request,
        "ledger/accountability_form.html",
        {
            "form": form,
            "item": item,
            "breadcrumbs": _crumbs(item, (_("Accountability"), None)),
        },
    )


@login_required
@require_GET
def evidence_download(request, pk: int):
    """An evidence file, only for users who may see its item, served like every attachment (core.attachments)."""
    evidence = get_for_user(Evidence, request.user, pk=pk)
    response = attachments.serve(evidence.file, name=evidence.name, inline=request.GET.get("preview") == "1")
    audit.log_access(evidence, what="download")
    return response


@login_required
@require_GET
def item_closure_document(request, pk: int):
    """The item's closure record (销号审批表) as a Word document, from the office's template if it uploaded one."""
    item = get_for_user(
        Item.objects.select_related("item_list__org", "org", "supervisor_org", "closed_by"),
        request.user,
        pk=pk,
    )
    data = documents.render("ledger.item_closure", selectors.item_closure_record(item))
    return documents.response(data, filename=_("Closure record %(number)s.docx") % {"number": item.number})


urlpatterns = [
    path("items/<int:pk>/", item_detail, name="item_detail"),
    path("items/<int:pk>/transition/", item_transition, name="item_transition"),
    path("items/<int:pk>/urge/", item_urge, name="item_urge"),
    path("items/<int:pk>/progress/", progress_add, name="progress_add"),
    path("items/<int:pk>/extension/", extension_request, name="extension_request"),
    path("items/<int:pk>/recheck/", recheck_schedule, name="recheck_schedule"),
    path("items/<int:pk>/accountability/", accountability_create, name="accountability_create"),
    path("extensions/<int:pk>/decide/", extension_decide, name="extension_decide"),
    path("rechecks/<int:pk>/record/", recheck_record, name="recheck_record"),
    path("items/<int:pk>/closure.docx", item_closure_document, name="item_closure_document"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
]
