"""Accounts and role assignments (role × organisation × with or without the subtree)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.scoping import ScopedQuerySet

from .roles import Role


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Accounts holding a role somewhere in the user's scope (system administrators: all)."""
        from dangjian.core.scoping import get_scope

        scope = get_scope(user)
        if scope.everything and scope.focus_path is None:
            return self.all()
        ids = RoleAssignment.objects.filter(scope.q("org__")).values("user_id")
        return self.filter(pk__in=ids, is_superuser=False)


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. ``display_name`` is the Chinese full name shown everywhere."""

    objects = AccountManager()

    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The account holder's own roster record: what a plain member's self-only grants show.
    person = models.OneToOneField(
        "orgs.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("roster record"),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password):
        """Every way of setting a password passes here (forms, admin, commands, services): note when.

        API tokens issued before this moment stop working, and PASSWORD_MAX_AGE_DAYS counts from it.
        """
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self) -> bool:
        """True when PASSWORD_MAX_AGE_DAYS is set and the password is older than that."""
        days = settings.PASSWORD_MAX_AGE_DAYS
        return bool(days) and self.password_changed_at < timezone.now() - timedelta(days=days)


class RoleAssignment(models.Model):
    """A user's role at one organisation, optionally covering everything below it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("organisation"),
    )
    include_subtree = models.BooleanField(_("includes subordinate organisations"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="unique_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        """Tokens that still open the API: not expired, the account active, issued after the last password change."""
        return self.filter(
            expires_at__gt=now or timezone.now(),
            user__is_active=True,
            created_at__gte=F("user__password_changed_at"),
        )


class ApiToken(models.Model):
    """A key to the REST API for one user, shown once and stored only as a digest.

    It expires after API_TOKEN_DAYS and dies with a password change, a reset by an
    administrator or the account's deactivation; its owner sees and revokes it.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("purpose"), max_length=60, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name or self.prefix}…"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)
