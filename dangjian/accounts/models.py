"""Accounts and role assignments (role × organisation × with or without the subtree)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    display_name = models.CharField(_("name"), max_length=40, blank=True)
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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


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
