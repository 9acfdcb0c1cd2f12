"""Account management: users and role assignments within the organisations one manages."""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.audit import timeline
from dangjian.core.filters import int_param
from dangjian.core.pagination import list_key, page_of
from dangjian.core.prepared import PreparedQuery, kept_related
from dangjian.core.scoping import can, get_for_user, get_scope

from . import services
from .forms import AssignmentForm, PasswordResetForm, PersonLinkForm, TokenForm, UserCreateForm
from .models import ApiToken, RoleAssignment, User
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
    """Accounts in my organisations, with their roles at organisations I see (three queries)."""
    _require_manager(request)
    user = request.user
    users = User.objects.visible_to(user).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__contains=q))
    page = page_of(users, request, 50, key=list_key(request))
    # The page's roles, restricted as ``restricted_prefetch`` restricts them, by one query compiled once
    # per user and scope (``core.prepared.kept_related``) instead of a prefetch built for every page.
    kept_related(
        ("accounts.user_list.roles", user.pk, get_scope(user)),
        list(page.object_list),
        lambda: RoleAssignment.objects.visible_to(user).select_related("org").order_by("org__path"),
        field="user_id",
        to_attr="visible_assignments",
    )
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
    # The forms only where the actions would be allowed: the same rule for showing and for posting.
    refusal = services.manage_refusal(request.user, account)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            # Only the roles at organisations I may see: an account shared with another subtree keeps those.
            "assignments": account.assignments.visible_to(request.user)
            .select_related("org")
            .order_by("org__path"),
            "manage_refusal": refusal,
            "form": AssignmentForm(actor=request.user) if refusal is None else None,
            "password_form": PasswordResetForm() if refusal is None else None,
            "person_form": PersonLinkForm(
                initial={"person": account.person_id},
                people=services.linkable_people(request.user, account),
            )
            if refusal is None
            else None,
            "timeline": timeline(account, viewer=request.user),
            "breadcrumbs": [(_("Accounts"), reverse("accounts:user_list")), (str(account), None)],
        },
    )


def _act(request, account_pk: int, call, done: str, form=None):
    """Run one account action (``call(cleaned_data)``); a refusal or a form error is shown as a message."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            call(form.cleaned_data if form is not None else {})
            messages.success(request, done)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=account_pk)


def _account(request, pk) -> User:
    _require_manager(request)
    return get_for_user(User.objects.all(), request.user, pk=pk)


@login_required
@require_POST
def assignment_add(request, pk):
    account = _account(request, pk)
    return _act(
        request,
        account.pk,
        lambda data: services.assignment_add(actor=request.user, user=account, **data),
        _("Role added."),
        AssignmentForm(request.POST, actor=request.user),
    )


@login_required
@require_POST
def assignment_remove(request, pk):
    _require_manager(request)
    assignment = get_for_user(RoleAssignment.objects.select_related("org", "user"), request.user, pk=pk)
    return _act(
        request,
        assignment.user_id,
        lambda _data: services.assignment_remove(actor=request.user, assignment=assignment),
        _("Role removed."),
    )


@login_required
@require_POST
def user_link_person(request, pk):
    account = _account(request, pk)
    return _act(
        request,
        account.pk,
        lambda data: services.user_link_person(actor=request.user, user=account, person=data["person"]),
        _("Saved."),
        PersonLinkForm(request.POST, people=services.linkable_people(request.user, account)),
    )


@login_required
@require_POST
def user_set_active(request, pk):
    account = _account(request, pk)
    active = request.POST.get("active") == "1"
    return _act(
        request,
        account.pk,
        lambda _data: services.user_set_active(actor=request.user, user=account, active=active),
        _("Saved."),
    )


@login_required
@require_POST
def user_reset_password(request, pk):
    account = _account(request, pk)
    return _act(
        request,
        account.pk,
        lambda data: services.user_reset_password(
            actor=request.user, user=account, password=data["password"]
        ),
        _("Password changed."),
        PasswordResetForm(request.POST),
    )


# ------------------------------------------------------------------ my API tokens


# Asked on every visit of the page: compiled once, read afresh (a token revoked or expired is gone at once).
_MY_TOKENS = PreparedQuery(
    lambda user_id, now: ApiToken.objects.live(now).filter(user_id=user_id).order_by("-created_at", "-pk"),
    -7_304_000_001,
    datetime(2000, 1, 1, tzinfo=dt_timezone.utc),
    plan_once=True,  # by the user's id
)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    """My API tokens (when made, last used, when they expire); a new one's key is shown once, here."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.token_issue(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": _MY_TOKENS.objects(request.user.pk, timezone.now(), model=ApiToken),
            "form": form,
            "new_key": new_key,
            "token_days": settings.API_TOKEN_DAYS,
            "breadcrumbs": [(_("My API tokens"), None)],
        },
    )


@login_required
@require_POST
def token_revoke(request):
    """Revoke one of my tokens; another user's token is not found."""
    token = get_object_or_404(
        ApiToken.objects.filter(user=request.user), pk=int_param(request.POST.get("token"))
    )
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked: programs using it can no longer call the API."))
    return redirect("accounts:token_list")
