from django.contrib import admin

from .models import Parameter, StatusChange


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "updated_at")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("content_type", "object_id", "old", "new", "actor", "at")
    list_filter = ("content_type",)

    def has_change_permission(self, request, obj=None):
        return False
