"""Account management: users and role assignments within the organisations one manages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.audit import timeline
from dangjian.core.scoping import can, get_for_user, restricted_prefetch

from . import services
from .forms import AssignmentForm, PasswordResetForm, UserCreateForm
from .models import RoleAssignment, User
from .roles import Cap


def _require_manager(request):
    if not can(request.user, Cap.MANAGE_USERS):
        raise PermissionDenied(_("You cannot manage accounts."))


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def user_list(request):
    """Accounts in my organisations, with their roles (three queries)."""
    _require_manager(request)
    users = (
        User.objects.visible_to(request.user)
        .order_by("username")
        .prefetch_related(
            restricted_prefetch(
                "assignments",
                request.user,
                RoleAssignment.objects.select_related("org").order_by("org__path"),
            )
        )
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__contains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": q,
            "breadcrumbs": [(_("Accounts"), None)],
        },
    )


@login_required
def user_create(request):
    _require_manager(request)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Account created."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "breadcrumbs": [(_("Accounts"), reverse("accounts:user_list")), (_("New account"), None)],
        },
    )


@login_required
@require_GET
def user_detail(request, pk):
    _require_manager(request)
    account = get_for_user(User.objects.all(), request.user, pk=pk)
    form = AssignmentForm(actor=request.user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            # Only the roles at organisations I may see: an account shared with another subtree keeps those.
            "assignments": account.assignments.visible_to(request.user)
            .select_related("org")
            .order_by("org__path"),
            "form": form,
            "password_form": PasswordResetForm(),
            "timeline": timeline(account),
            "breadcrumbs": [(_("Accounts"), reverse("accounts:user_list")), (str(account), None)],
        },
    )


@login_required
@require_POST
def assignment_add(request, pk):
    _require_manager(request)
    account = get_for_user(User.objects.all(), request.user, pk=pk)
    form = AssignmentForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.assignment_add(actor=request.user, user=account, **form.cleaned_data)
            messages.success(request, _("Role added."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def assignment_remove(request, pk):
    _require_manager(request)
    assignment = get_for_user(RoleAssignment.objects.select_related("org", "user"), request.user, pk=pk)
    try:
        services.assignment_remove(actor=request.user, assignment=assignment)
        messages.success(request, _("Role removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@login_required
@require_POST
def user_set_active(request, pk):
    _require_manager(request)
    account = get_for_user(User.objects.all(), request.user, pk=pk)
    try:
        services.user_set_active(actor=request.user, user=account, active=request.POST.get("active") == "1")
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def user_reset_password(request, pk):
    _require_manager(request)
    account = get_for_user(User.objects.all(), request.user, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.user_reset_password(
                actor=request.user, user=account, password=form.cleaned_data["password"]
            )
            messages.success(request, _("Password changed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=account.pk)
