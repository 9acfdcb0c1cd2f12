"""Django admin for system administrators only; everyday work happens on the app's own pages."""

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Organisation, Person, Post, Transfer


@admin.register(Organisation)
class OrganisationAdmin(TreeAdmin):
    form = movenodeform_factory(Organisation, exclude=["sort_key"])
    list_display = ("name", "kind", "sector", "dissolved_on")
    list_filter = ("kind", "sector")
    search_fields = ("name", "short_name")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "id_masked", "org", "category", "status")
    list_filter = ("category", "status")
    search_fields = ("name", "name_initials", "id_suffix")
    raw_id_fields = ("org",)
    readonly_fields = ("id_masked", "status", "left_on", "left_reason")

    def has_delete_permission(self, request, obj=None):
        return False  # people are never hard-deleted


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("person", "org", "kind", "started_on", "ended_on")
    list_filter = ("kind",)
    raw_id_fields = ("org", "person")


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("person", "from_org", "to_org", "on")
    raw_id_fields = ("person", "from_org", "to_org", "actor")
