"""Shared records: status history, the organisation of each audit entry, adjustable rule parameters."""

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One step in a record's workflow: who moved it from which state to which, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    old = models.CharField(_("from"), max_length=32)
    new = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"

    @classmethod
    def record(cls, *, obj, old, new, actor, note="", at=None) -> "StatusChange":
        """Write the history row for a transition (called only by core.workflow)."""
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            old=old,
            new=new,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
            at=at or timezone.now(),
        )

    def old_label(self) -> str:
        return _status_label(self.content_type, self.old)

    def new_label(self) -> str:
        return _status_label(self.content_type, self.new)


def _status_label(content_type, value) -> str:
    model = content_type.model_class()
    if model is None:
        return value
    return str(dict(model._meta.get_field("status").flatchoices).get(value, value))


class Parameter(models.Model):
    """An administrator's override of a rule parameter declared in ``core.params``."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")

    def __str__(self) -> str:
        return self.key


class AuditScope(models.Model):
    """The organisation an audit entry's record belonged to when the entry was written.

    The audit log page shows entries through the same subtree rule as every record
    (core.scoping); an entry without an organisation (a global setting, a record that
    was already gone) is for system administrators only. Written by core.audit.
    """

    entry = models.OneToOneField(
        LogEntry, on_delete=models.CASCADE, primary_key=True, related_name="audit_scope"
    )
    # Organisations are dissolved, not deleted; should one be deleted, its entries become administrators' only.
    org = models.ForeignKey("orgs.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("audit entry scope")
        verbose_name_plural = _("audit entry scopes")

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.org_id}"
