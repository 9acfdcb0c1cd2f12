from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .models import Parameter, StatusChange


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "updated_at")


class AuditTrailAdmin:
    """The audit trail is read-only in the admin; only a system administrator (superuser) may delete,
    and only as part of deleting something else. Old entries go with ``manage.py prune_audit``."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)


@admin.register(StatusChange)
class StatusChangeAdmin(AuditTrailAdmin, admin.ModelAdmin):
    list_display = ("content_type", "object_id", "old", "new", "actor", "at")
    list_filter = ("content_type",)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ProtectedLogEntryAdmin(AuditTrailAdmin, LogEntryAdmin):
    """django-auditlog's page (never a deletion from its own pages), closed to non-superusers as well."""
