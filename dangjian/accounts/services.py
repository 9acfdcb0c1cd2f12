"""Writes to accounts and role assignments. Nobody can grant more than they hold themselves."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.scoping import ensure_can, reset_scope, without_focus

from .models import ApiToken, RoleAssignment, User
from .roles import Cap, Role, all_caps, role_caps


def caps_at(actor, org, *, whole_subtree: bool = False) -> frozenset[str]:
    """Every capability the actor holds at ``org`` (union over the grants that cover it).

    With ``whole_subtree``, only grants that also cover everything below ``org`` count: a
    role held "and below" is no greater than the actor's only if the actor holds it there too.
    """
    scope = without_focus(actor)
    if scope.everything:
        return scope.all_caps
    caps: set[str] = set()
    for grant in scope.grants:
        if grant.covers(org.pk, org.path) and (grant.subtree or not whole_subtree):
            caps |= grant.caps
    return frozenset(caps)


def _within_rights(actor, role: str, org, include_subtree: bool) -> bool:
    """True when a role at ``org`` (and below) gives nothing beyond what the actor holds there."""
    return role_caps().get(role, all_caps()) <= caps_at(actor, org, whole_subtree=include_subtree)


def _check_grantable(actor, role: str, org, include_subtree: bool = True) -> None:
    ensure_can(actor, Cap.MANAGE_USERS, org)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if org.is_dissolved:
        raise ValidationError({"org": _("This organisation has been dissolved.")})
    if not _within_rights(actor, role, org, include_subtree):
        raise ValidationError({"role": _("You cannot grant a role with more rights than you hold yourself.")})


def manage_refusal(actor, user: User) -> str | None:
    """Why ``actor`` may not manage ``user``'s account (None when they may).

    Managing an account — its password, whether it is active, its roles — is as strong as
    holding it: the target's rights must be no greater than the actor's at every
    organisation where the target holds them, exactly as for granting a role.
    """
    if actor.is_superuser:
        return None
    if user.is_superuser or user.is_staff:
        return _("Only a system administrator can change this account.")
    assignments = list(user.assignments.select_related("org"))
    if not assignments or not all(Cap.MANAGE_USERS in caps_at(actor, a.org) for a in assignments):
        return _("This account also holds roles outside the organisations you manage.")
    if not all(_within_rights(actor, a.role, a.org, a.include_subtree) for a in assignments):
        return _("This account holds rights greater than yours; only a higher level can change it.")
    return None


def _ensure_manages(actor, user: User) -> None:
    refusal = manage_refusal(actor, user)
    if refusal:
        raise ValidationError(refusal)


def user_create(
    *,
    actor,
    username: str,
    display_name: str,
    password: str,
    role: str,
    org,
    include_subtree: bool = True,
    phone: str = "",
    email: str = "",
) -> User:
    """Open an account with its first role assignment."""
    _check_grantable(actor, role, org, include_subtree)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Please enter a username.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(
        username=username, display_name=display_name.strip(), phone=phone.strip(), email=email.strip()
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save()
        RoleAssignment.objects.create(user=user, role=role, org=org, include_subtree=include_subtree)
    return user


def assignment_add(*, actor, user: User, role: str, org, include_subtree: bool = True) -> RoleAssignment:
    """Give a user one more role at an organisation (only to an account the actor may manage)."""
    _check_grantable(actor, role, org, include_subtree)
    _ensure_manages(actor, user)
    if RoleAssignment.objects.filter(user=user, role=role, org=org).exists():
        raise ValidationError(_("The user already has this role at this organisation."))
    assignment = RoleAssignment.objects.create(user=user, role=role, org=org, include_subtree=include_subtree)
    reset_scope(user)
    return assignment


def assignment_remove(*, actor, assignment: RoleAssignment) -> None:
    """Take a role away (the audit log keeps the record of it); only from an account the actor may manage."""
    _check_grantable(actor, assignment.role, assignment.org, assignment.include_subtree)
    _ensure_manages(actor, assignment.user)
    if assignment.user_id == actor.pk:
        raise ValidationError(_("You cannot remove your own role."))
    assignment.delete()
    reset_scope(assignment.user)


def user_set_active(*, actor, user: User, active: bool) -> User:
    """Disable or re-enable an account (accounts are never deleted)."""
    _ensure_manages(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot disable your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        tokens_revoke_all(user=user)
    return user


def user_reset_password(*, actor, user: User, password: str) -> User:
    """Set a new password for a user who forgot theirs."""
    _ensure_manages(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    tokens_revoke_all(user=user)
    return user


def linkable_people(actor, user: User):
    """Roster records ``actor`` may link to ``user``: current people of the account's organisations that
    the actor may see and manage (a branch's roster for a member's account)."""
    Person = apps.get_model("orgs", "Person")
    org_ids = list(user.assignments.values_list("org_id", flat=True))
    return (
        Person.objects.where_can(actor, Cap.MANAGE_PEOPLE)
        .current()
        .filter(org_id__in=org_ids)
        .select_related("org")
        .order_by("name_pinyin", "pk")
    )


def user_link_person(*, actor, user: User, person) -> User:
    """Link an account to its holder's own roster record (what a plain member's grants show), or unlink it."""
    _ensure_manages(actor, user)
    if person is not None:
        if not linkable_people(actor, user).filter(pk=person.pk).exists():
            raise ValidationError(
                {
                    "person": _(
                        "Choose a person on the roll of an organisation where this account holds a role."
                    )
                }
            )
        if User.objects.filter(person=person).exclude(pk=user.pk).exists():
            raise ValidationError({"person": _("This person is already linked to another account.")})
    user.person = person
    user.save(update_fields=["person"])
    reset_scope(user)
    return user


# Most live tokens one user keeps; issuing another drops the oldest.
MAX_LIVE_TOKENS = 10


def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for ``user`` and its key (shown once: only its digest is stored)."""
    if not user.is_active:
        raise ValidationError(_("This account is disabled."))
    key = ApiToken.new_key()
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user).exclude(pk__in=ApiToken.objects.live().values("pk")).delete()
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:60],
            digest=ApiToken.digest_of(key),
            prefix=key[:8],
            created_at=now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
        )
        surplus = ApiToken.objects.filter(user=user).values_list("pk", flat=True)[MAX_LIVE_TOKENS:]
        ApiToken.objects.filter(pk__in=list(surplus)).delete()
    return token, key


def token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens (the view fetched it among the actor's tokens)."""
    if token.user_id != actor.pk:
        raise ValidationError(_("You can revoke only your own tokens."))
    token.delete()


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` (password reset, deactivation)."""
    deleted, _per_model = ApiToken.objects.filter(user=user).delete()
    return deleted
