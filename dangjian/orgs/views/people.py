"""People pages: the member list, a person's page, the roster forms (add, edit, transfer, leave) and posts.

Each view parses input, fetches through core.scoping (404 for missing and not yours), calls one
service from orgs.services and renders; the list answers htmx with its table partial only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from dangjian.core import audit, workflow
from dangjian.core.forms import add_service_error
from dangjian.core.generic import ServiceFormView
from dangjian.core.nav import fixed_url
from dangjian.core.pagination import list_key, table_pagination
from dangjian.core.prepared import kept
from dangjian.core.scoping import can, ensure_can, get_for_user, get_scope

from .. import services
from ..filters import PersonFilter
from ..forms import (
    PersonForm,
    PersonLeaveForm,
    PersonRestoreForm,
    PersonTransferForm,
    PostEndForm,
    PostForm,
)
from ..models import Organisation, Person, Post
from ..selectors import person_rows, with_current_posts
from ..tables import PersonTable

MANAGE_PEOPLE = services.MANAGE_PEOPLE
UNMASK_ID = "unmask_id"
PER_PAGE = 25


# ------------------------------------------------------------------ helpers


def orgs_where(user, cap: str):
    """Current organisations the user may see and where they hold ``cap``."""
    return Organisation.objects.current().where_can(user, cap)


def _org_filter_choices(user, selected: str | None) -> list[tuple[str, str]]:
    """Organisations offered in the list's filter: the user's top level and the one below (one query).

    Deeper organisations are reached from their own page (?org=); a select of every village
    would cost more to render than the whole table.
    """
    scope = get_scope(user)
    if scope.focus_path is not None:
        top = len(scope.focus_path) // Organisation.steplen
    elif scope.everything:
        top = 1
    else:
        top = min((len(g.path) for g in scope.grants), default=Organisation.steplen) // Organisation.steplen
    # The same query on every visit: compiled once per user, scope and depth, its rows read afresh.
    rows = kept(
        ("orgs.person_list.org_choices", user.pk, scope, top),
        lambda: (
            Organisation.objects.visible_to(user)
            .current()
            .filter(depth__lte=top + 1)
            .order_by("path")
            .values_list("pk", "name", "depth")
        ),
    ).rows(model=Organisation)
    if selected and selected.isdigit() and all(str(pk) != selected for pk, _n, _d in rows):
        rows += list(
            Organisation.objects.visible_to(user).filter(pk=selected).values_list("pk", "name", "depth")
        )
    return [("", _("All organisations"))] + [
        (str(pk), "　" * max(depth - top, 0) + name) for pk, name, depth in rows
    ]


def _export_url(request) -> str | None:
    """The export of exactly this filtered list (the export view belongs to the roster pages)."""
    try:
        url = fixed_url("orgs:person_export")
    except NoReverseMatch:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    return f"{url}?{query.urlencode()}" if query else url


def _style_filter_form(form, org_choices) -> None:
    from django import forms

    form.fields["org"].widget = forms.Select(choices=org_choices)
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = css
        field.widget.attrs.setdefault("aria-label", str(field.label))
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs["placeholder"] = _("Name, pinyin initials or last four of the ID")


def _crumbs(*tail):
    return [(_("Members"), reverse("orgs:person_list")), *tail]


# ------------------------------------------------------------------ list


@login_required
@require_GET
def person_list(request):
    """The member list: search by name, pinyin initials or ID suffix, filters, sortable and paginated."""
    filterset = PersonFilter(request.GET or None, queryset=person_rows(request.user), request=request)
    _style_filter_form(filterset.form, _org_filter_choices(request.user, request.GET.get("org")))
    table = PersonTable(filterset.qs)  # built now: ``filterset.org_path`` is what its org filter read
    key = list_key(request, naming=("org",), read=(filterset.org_path,))
    RequestConfig(request, paginate=table_pagination(PER_PAGE, key=key)).configure(table)
    with_current_posts(list(table.page.object_list.data), request.user)
    context = {
        "filter": filterset,
        "table": table,
        "export_url": _export_url(request),
        "can_add": can(request.user, MANAGE_PEOPLE),
        "import_url": reverse("orgs:import_upload", kwargs={"kind": "members"})
        if can(request.user, "import") and can(request.user, MANAGE_PEOPLE)
        else None,
        "breadcrumbs": [(_("Members"), None)],
    }
    template = "orgs/partials/person_table.html" if request.htmx else "orgs/person_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# ------------------------------------------------------------------ one person


def _detail_context(request, person: Person, *, revealed_id: str | None = None) -> dict:
    # Only posts at organisations I may see: a member transferred in keeps the old township's post there.
    posts = list(person.posts.visible_to(request.user).select_related("org").order_by("-started_on", "-pk"))
    user = request.user
    return {
        "person": person,
        "revealed_id": revealed_id,
        "current_posts": [p for p in posts if p.is_current],
        "ended_posts": [p for p in posts if not p.is_current],
        "transfers": person.transfers.select_related("from_org", "to_org", "actor"),
        "timeline": audit.timeline(person, viewer=user),
        "can_manage": can(user, MANAGE_PEOPLE, person),
        "can_unmask": can(user, UNMASK_ID, person),
        "moves": dict(workflow.allowed_moves(person, user)),
        "breadcrumbs": _crumbs((person.name, None)),
    }


@login_required
@require_GET
def person_detail(request, pk: int):
    """A person's page: the 16 national items (ID masked), posts, transfers and history."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    return render(request, "orgs/person_detail.html", _detail_context(request, person))


@login_required
@require_POST
def person_unmask(request, pk: int):
    """Reveal the full ID number to a role allowed to see it; the reveal is written to the audit log."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    number = services.person_unmask(person=person, actor=request.user)
    if request.htmx:
        response = render(request, "orgs/partials/person_id.html", {"person": person, "revealed_id": number})
    else:
        response = render(
            request, "orgs/person_detail.html", _detail_context(request, person, revealed_id=number)
        )
    add_never_cache_headers(response)
    return response


# ------------------------------------------------------------------ roster forms


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    """Add a person to the roster of an organisation the user manages."""
    orgs = orgs_where(request.user, MANAGE_PEOPLE)
    if not orgs.exists():
        raise PermissionDenied(_("You may not add people anywhere."))
    initial = {"org": request.GET.get("org")} if request.GET.get("org", "").isdigit() else {}
    form = PersonForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                org=form.cleaned_data["org"],
                actor=request.user,
                id_number=form.cleaned_data["id_number"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added to the roster.") % {"name": person.name})
            return redirect("orgs:person_detail", pk=person.pk)
    return render(
        request,
        "orgs/person_form.html",
        {
            "form": form,
            "title": _("Add a person"),
            "breadcrumbs": _crumbs((_("Add a person"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    """Change a person's details; a new ID number is validated like a new one."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    ensure_can(request.user, MANAGE_PEOPLE, person)
    initial = {name: getattr(person, name) for name in ("name", *services.PERSON_FIELDS)}
    form = PersonForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                actor=request.user,
                id_number=form.cleaned_data["id_number"] or None,
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:person_detail", pk=person.pk)
    detail = reverse("orgs:person_detail", args=[person.pk])
    return render(
        request,
        "orgs/person_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Edit %(name)s") % {"name": person.name},
            "breadcrumbs": _crumbs((person.name, detail), (_("Edit"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_transfer(request, pk: int):
    """Transfer a person's membership (组织关系转接) to another organisation the user manages."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    ensure_can(request.user, MANAGE_PEOPLE, person)
    orgs = orgs_where(request.user, MANAGE_PEOPLE).exclude(pk=person.org_id)
    form = PersonTransferForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_transfer(
                person=person,
                to_org=form.cleaned_data["to_org"],
                actor=request.user,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The transfer was recorded."))
            return redirect("orgs:person_detail", pk=person.pk)
    return _person_action(request, person, form, _("Transfer membership"), "orgs/person_transfer.html")


@login_required
@require_http_methods(["GET", "POST"])
def person_leave(request, pk: int):
    """Record that a person left the roll or died; nothing is deleted."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    ensure_can(request.user, MANAGE_PEOPLE, person)
    form = PersonLeaveForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_leave(
                person=person,
                actor=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                deceased=form.cleaned_data["deceased"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The change was recorded."))
            return redirect("orgs:person_detail", pk=person.pk)
    return _person_action(request, person, form, _("Leaving or death"), "orgs/person_leave.html")


@login_required
@require_http_methods(["GET", "POST"])
def person_restore(request, pk: int):
    """Put a person who had left back on the roll."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    ensure_can(request.user, MANAGE_PEOPLE, person)
    form = PersonRestoreForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_restore(
                person=person,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is back on the roll.") % {"name": person.name})
            return redirect("orgs:person_detail", pk=person.pk)
    return _person_action(request, person, form, _("Restore to the roll"), "orgs/person_restore.html")


def _person_action(request, person, form, title, template):
    detail = reverse("orgs:person_detail", args=[person.pk])
    return render(
        request,
        template,
        {
            "form": form,
            "person": person,
            "title": title,
            "breadcrumbs": _crumbs((person.name, detail), (title, None)),
        },
    )


# ------------------------------------------------------------------ posts


class PostCreate(ServiceFormView):
    """Appoint someone from the organisation's roster (or its subtree) to a post; a new secretary replaces the old."""

    queryset = Organisation.objects.current()
    pk_url_kwarg = "org_pk"
    capability = MANAGE_PEOPLE
    form_class = PostForm
    template_name = "orgs/person_post_form.html"
    context_object_name = "org"
    success_message = gettext_lazy("The appointment was recorded.")

    def _person_pk(self) -> str | None:
        value = self.request.GET.get("person", "")
        return value if value.isdigit() else None

    def get_initial(self, org) -> dict:
        return {"person": self._person_pk()} if self._person_pk() else {}

    def get_form_kwargs(self, org) -> dict:
        people = (
            Person.objects.visible_to(self.request.user)
            .current()
            .filter(org__path__subtree=org.path)
            .select_related("org")
            .order_by("name_pinyin", "pk")
        )
        return {"people": people}

    def perform(self, form, org, user):
        data = form.cleaned_data
        services.post_start(
            org=org,
            person=data["person"],
            kind=data["kind"],
            started_on=data["started_on"],
            actor=user,
            note=data["note"],
        )
        return data["person"]

    def get_success_url(self, org, person) -> str:
        return reverse("orgs:person_detail", args=[person.pk])

    def get_extra_context(self, org) -> dict:
        title = _("Appoint to a post in %(org)s") % {"org": org.label}
        person_pk = self._person_pk()
        cancel = reverse("orgs:person_detail", args=[person_pk]) if person_pk else reverse("orgs:person_list")
        return {"title": title, "cancel_url": cancel, "breadcrumbs": _crumbs((title, None))}


class PostEnd(ServiceFormView):
    """End a post (免职/离任); the post stays in the person's history."""

    queryset = Post.objects.select_related("org", "person")
    capability = MANAGE_PEOPLE
    form_class = PostEndForm
    template_name = "orgs/person_post_end.html"
    context_object_name = "post"
    success_message = gettext_lazy("The post was ended.")

    def perform(self, form, post, user):
        data = form.cleaned_data
        return services.post_end(post=post, ended_on=data["ended_on"], actor=user, note=data["note"])

    def get_success_url(self, post, result) -> str:
        return reverse("orgs:person_detail", args=[post.person_id])

    def get_extra_context(self, post) -> dict:
        title = _("End the post")
        detail = reverse("orgs:person_detail", args=[post.person_id])
        return {"title": title, "breadcrumbs": _crumbs((post.person.name, detail), (title, None))}


urlpatterns = [
    path("people/", person_list, name="person_list"),
    path("people/new/", person_create, name="person_create"),
    path("people/<int:pk>/", person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", person_edit, name="person_edit"),
    path("people/<int:pk>/unmask/", person_unmask, name="person_unmask"),
    path("people/<int:pk>/transfer/", person_transfer, name="person_transfer"),
    path("people/<int:pk>/leave/", person_leave, name="person_leave"),
    path("people/<int:pk>/restore/", person_restore, name="person_restore"),
    path("posts/new/<int:org_pk>/", PostCreate.as_view(), name="post_create"),
    path("posts/<int:pk>/end/", PostEnd.as_view(), name="post_end"),
]
