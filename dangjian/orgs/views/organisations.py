"""Organisation pages: the tree, an organisation's page, the list, the warnings and the changes to the tree.

Each view parses input, fetches through core.scoping (404 for "missing" and "not yours"),
calls one service or selector, and renders. Services raise PermissionDenied (403) when a
visible organisation may not be changed by the user.
"""

from __future__ import annotations

import copy

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from dangjian.core import audit, params
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import add_service_error
from dangjian.core.middleware import FOCUS_SESSION_KEY
from dangjian.core.pagination import list_key, table_pagination
from dangjian.core.prepared import kept_queryset
from dangjian.core.scoping import can, ensure_can, get_for_user, get_scope, reset_scope, without_focus

from .. import selectors, services
from ..columns import export_warnings
from ..filters import OrganisationFilter
from ..forms import (
    OrganisationDissolveForm,
    OrganisationForm,
    OrganisationMoveForm,
    style_widgets,
)
from ..models import Organisation, OrgKind, Post, PostKind
from ..tables import OrganisationTable

PAGE_SIZE = 50


def _wants_dissolved(request) -> bool:
    return request.GET.get("dissolved") == "1"


def _crumbs(user, org: Organisation, *tail) -> list[tuple[str, str | None]]:
    """Tree › visible ancestors › org › tail (one query)."""
    crumbs: list[tuple[str, str | None]] = [(_("Organisations"), reverse("orgs:tree"))]
    ancestors = (
        Organisation.objects.visible_to(user)
        .filter(path__in=org.ancestor_paths())
        .only("id", "name", "short_name", "path")
    )
    crumbs += [(a.label, reverse("orgs:org_detail", args=[a.pk])) for a in ancestors]
    crumbs.append((org.label, reverse("orgs:org_detail", args=[org.pk]) if tail else None))
    return crumbs + list(tail)


def _person_list_url(org: Organisation) -> str | None:
    """The member list filtered to this organisation (built by the people pages, when present)."""
    try:
        return f"{reverse('orgs:person_list')}?org={org.pk}"
    except NoReverseMatch:
        return None


# ------------------------------------------------------------------ tree


@login_required
@require_GET
def tree(request):
    """The user's top organisations with their children; deeper levels load on demand."""
    show_dissolved = _wants_dissolved(request)
    nodes = selectors.tree_for_user(request.user, include_dissolved=show_dissolved)
    return render(
        request,
        "orgs/tree.html",
        {
            "nodes": nodes,
            "show_dissolved": show_dissolved,
            "next_url": request.get_full_path(),
            "breadcrumbs": [(_("Organisations"), None)],
        },
    )


@login_required
@require_GET
def tree_children(request, pk: int):
    """The children of one organisation: a fragment for htmx, a small page otherwise."""
    show_dissolved = _wants_dissolved(request)
    parent = get_for_user(Organisation, request.user, pk=pk)
    nodes = selectors.tree_children(request.user, parent, include_dissolved=show_dissolved)
    context = {"nodes": nodes, "parent": parent, "show_dissolved": show_dissolved}
    if request.htmx:
        # "Focus here" in a loaded fragment returns to the page that loaded it.
        context["next_url"] = request.htmx.current_url_abs_path or reverse("orgs:tree")
        return render(request, "orgs/partials/tree_nodes.html", context)
    context["breadcrumbs"] = _crumbs(request.user, parent)
    context["next_url"] = request.get_full_path()
    return render(request, "orgs/tree_children.html", context)


# ------------------------------------------------------------------ organisation page


@login_required
@require_GET
def org_detail(request, pk: int):
    """Everything about one organisation: details, posts, members, sub-organisations, warnings, history."""
    org = get_for_user(selectors.annotate_health(Organisation.objects.all()), request.user, pk=pk)
    post_order = {kind: i for i, kind in enumerate(PostKind.values)}
    posts = sorted(
        Post.objects.visible_to(request.user).current().filter(org=org).select_related("person"),
        key=lambda p: (post_order.get(p.kind, 99), p.started_on),
    )
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "posts": posts,
            "members": selectors.member_summary(request.user, org),
            "children": selectors.tree_children(request.user, org, include_dissolved=True),
            "warnings": selectors.warnings_for(org),
            "timeline": audit.timeline(org, viewer=request.user),
            "person_list_url": _person_list_url(org),
            "can_manage": can(request.user, services.MANAGE_ORGS, org),
            "export_url": f"{reverse('orgs:org_export')}?within={org.pk}"
            if can(request.user, "export", org)
            else None,
            "breadcrumbs": _crumbs(request.user, org),
        },
    )


# ------------------------------------------------------------------ list and warnings


def _org_export_url(request) -> str:
    """The export of exactly this filtered list."""
    query = request.GET.copy()
    query.pop("page", None)
    url = reverse("orgs:org_export")
    return f"{url}?{query.urlencode()}" if query else url


@login_required
@require_GET
def org_list(request):
    """Every visible organisation, filtered and sortable; dissolved ones only when asked for."""
    user = request.user
    base = Organisation.objects.visible_to(user)
    # The rows' health figures, parent and secretary: built once per user, scope, day and rule parameters.
    annotated = kept_queryset(
        ("orgs.org_list", user.pk, get_scope(user), timezone.localdate(), params.version()),
        lambda: selectors.annotate_list(base, user=user),
    )
    filterset = OrganisationFilter(request.GET or None, queryset=annotated)
    form = style_widgets(filterset.form)
    # No choice means current organisations only; "Dissolved" shows the dissolved ones.
    form.fields["dissolved"].widget.choices = [("unknown", _("Current")), ("true", _("Dissolved"))]
    qs = filterset.qs
    cleaned = form.cleaned_data if filterset.is_bound and form.is_valid() else {}
    if cleaned.get("dissolved") is None:
        qs = qs.current()
    within = None
    if cleaned.get("within"):
        # Shown by name instead of an id box; an invisible id names nothing (and matches nothing).
        within = base.filter(pk=cleaned["within"]).only("id", "name").first()
    form.fields["within"].widget = forms.HiddenInput()
    table = OrganisationTable(qs)
    key = list_key(request, naming=("within",), read=(filterset.within_path,))  # what ?within= read, if asked
    RequestConfig(request, paginate=table_pagination(PAGE_SIZE, key=key)).configure(table)
    template = "orgs/partials/org_table.html" if request.htmx else "orgs/org_list.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "within": within,
            "table": table,
            "export_url": _org_export_url(request) if can(request.user, "export") else None,
            "import_url": reverse("orgs:import_upload", kwargs={"kind": "orgs"})
            if can(request.user, "import") and can(request.user, services.MANAGE_ORGS)
            else None,
            "breadcrumbs": [(_("Organisations"), reverse("orgs:tree")), (_("List"), None)],
        },
    )


@login_required
@require_GET
def warnings(request):
    """Organisations in the user's (focused) subtree that break a rule of DOMAIN.md §1."""
    code = request.GET.get("code", "")
    if code not in selectors.WARNING_LABELS:
        code = ""
    page, recorded_on = selectors.warning_page(
        request.user, code=code or None, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    template = "orgs/partials/org_warning_rows.html" if request.htmx else "orgs/org_warnings.html"
    return render(
        request,
        template,
        {
            "page": page,
            "recorded_on": recorded_on,
            "code": code,
            "codes": list(selectors.WARNING_LABELS.items()),
            "export_url": (
                reverse("orgs:warnings_export") + (f"?code={code}" if code else "")
                if can(request.user, "export")
                else None
            ),
            "breadcrumbs": [(_("Organisations"), reverse("orgs:tree")), (_("Warnings"), None)],
        },
    )


@login_required
@require_GET
def warnings_export(request):
    """The warnings page as shown (the same rule filter), every row, in .xlsx with a title block."""
    if not can(request.user, "export"):
        raise PermissionDenied(_("You are not allowed to export rosters."))
    code = request.GET.get("code", "")
    if code not in selectors.WARNING_LABELS:
        code = ""
    rows = selectors.warning_list(request.user, code=code or None)
    return xlsx_response(
        export_warnings(rows, user=request.user, code_label=str(selectors.WARNING_LABELS.get(code, ""))),
        _("organisation-warnings-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()},
    )


# ------------------------------------------------------------------ changes


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request, pk: int):
    """Add an organisation under a parent."""
    parent = get_for_user(Organisation, request.user, pk=pk)
    ensure_can(request.user, services.MANAGE_ORGS, parent)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                org = services.org_create(parent=parent, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Organisation %(name)s created.") % {"name": org.name})
                return redirect("orgs:org_detail", pk=org.pk)
    else:
        form = OrganisationForm(initial={"kind": OrgKind.BRANCH, "sector": parent.sector})
    return render(
        request,
        "orgs/org_form.html",
        {
            "form": form,
            "org": None,
            "parent": parent,
            "title": _("New organisation under %(parent)s") % {"parent": parent.label},
            "breadcrumbs": _crumbs(request.user, parent, (_("New organisation"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk: int):
    """Change an organisation's details; the old values stay in its history."""
    org = get_for_user(Organisation, request.user, pk=pk)
    ensure_can(request.user, services.MANAGE_ORGS, org)
    crumbs = _crumbs(request.user, org, (_("Edit"), None))
    title = _("Edit %(name)s") % {"name": org.label}
    if request.method == "POST":
        # The form works on a copy: a refused change must not show up in the page's header.
        form = OrganisationForm(request.POST, instance=copy.copy(org))
        if form.is_valid():
            try:
                services.org_update(org=org, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("orgs:org_detail", pk=org.pk)
    else:
        form = OrganisationForm(instance=org)
    return render(
        request,
        "orgs/org_form.html",
        {
            "form": form,
            "org": org,
            "parent": None,
            "title": title,
            "breadcrumbs": crumbs,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_move(request, pk: int):
    """Move an organisation and its whole subtree under another visible organisation."""
    org = get_for_user(Organisation, request.user, pk=pk)
    ensure_can(request.user, services.MANAGE_ORGS, org)
    form = OrganisationMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_move(org=org, new_parent=form.cleaned_data["new_parent"], actor=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Organisation moved."))
            return redirect("orgs:org_detail", pk=org.pk)
    return render(
        request,
        "orgs/org_move.html",
        {
            "form": form,
            "org": org,
            "breadcrumbs": _crumbs(request.user, org, (_("Move"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_dissolve(request, pk: int):
    """Dissolve (撤销) an organisation: it stays in the history, hidden from current lists."""
    org = get_for_user(Organisation, request.user, pk=pk)
    ensure_can(request.user, services.MANAGE_ORGS, org)
    form = OrganisationDissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_dissolve(
                org=org, actor=request.user, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Organisation dissolved."))
            return redirect("orgs:org_detail", pk=org.pk)
    return render(
        request,
        "orgs/org_dissolve.html",
        {
            "form": form,
            "org": org,
            "breadcrumbs": _crumbs(request.user, org, (_("Dissolve"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def focus(request):
    """Choose one subtree of what I may see; every page then shows only that subtree."""
    if request.method == "POST":
        org_id = request.POST.get("org")
        if not org_id:
            request.session.pop(FOCUS_SESSION_KEY, None)
        else:
            reset_scope(request.user)
            org = get_for_user(
                Organisation.objects.current().visible_to(request.user, ignore_focus=True),
                request.user,
                pk=org_id,
            )
            request.session[FOCUS_SESSION_KEY] = [org.pk, org.path, org.label]
        reset_scope(request.user)
        nxt = request.POST.get("next") or request.headers.get("Referer") or "/"
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        return HttpResponseRedirect(nxt)
    q = request.GET.get("q", "").strip()
    orgs = Organisation.objects.current().visible_to(request.user, ignore_focus=True)
    if q:
        orgs = orgs.filter(Q(name__contains=q) | Q(short_name__contains=q))
    else:
        scope = without_focus(request.user)
        top = min((len(g.path) for g in scope.grants), default=4) // Organisation.steplen
        orgs = orgs.filter(depth__lte=top + 1)
    return render(
        request,
        "orgs/focus.html",
        {
            "orgs": orgs.only("id", "name", "short_name", "depth", "path")[:200],
            "q": q,
            "breadcrumbs": [(_("Scope"), None)],
        },
    )


SEARCH_SHOWN = 20


@login_required
@require_GET
def org_search(request):
    """The organisation picker's search (``orgs.forms.OrgSelect``): current organisations the user may see
    whose full or short name holds ``q``, the shallowest first, as JSON (one query)."""
    text = request.GET.get("q", "").strip()[:50]
    rows = (
        Organisation.objects.visible_to(request.user)
        .current()
        .filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        .order_by("depth", "path")
        .values_list("pk", "short_name", "name", "kind")[:SEARCH_SHOWN]
        if text
        else []
    )
    kinds = dict(OrgKind.choices)
    results = [
        {
            "id": pk,
            "label": short_name or name,
            "name": name,
            "context": name if short_name and short_name != name else str(kinds.get(kind, "")),
        }
        for pk, short_name, name, kind in rows
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("focus/", focus, name="focus"),
    path("search/", org_search, name="org_search"),
    path("", tree, name="tree"),
    path("list/", org_list, name="org_list"),
    path("warnings/", warnings, name="warnings"),
    path("warnings/export/", warnings_export, name="warnings_export"),
    path("<int:pk>/", org_detail, name="org_detail"),
    path("<int:pk>/children/", tree_children, name="tree_children"),
    path("<int:pk>/new/", org_create, name="org_create"),
    path("<int:pk>/edit/", org_edit, name="org_edit"),
    path("<int:pk>/move/", org_move, name="org_move"),
    path("<int:pk>/dissolve/", org_dissolve, name="org_dissolve"),
]


def home_warnings_block(request) -> dict | None:
    """The home page's count of warnings in the user's (focused) scope, by rule (``selectors.warning_summary``)."""
    scope = get_scope(request.user)
    # A member sees only their own record: organisations' warnings are not theirs to read (no "0").
    if scope.is_empty or (not scope.everything and all(g.self_only for g in scope.grants)):
        return None
    summary = selectors.warning_summary(request.user)
    return {
        "total": summary.total,
        "by_code": [(code, label, summary.by_code[code]) for code, label in selectors.WARNING_LABELS.items()],
        "recorded_on": summary.recorded_on,
    }
