"""Admin: categories are a dictionary an administrator edits; everything else is read-only here.

Items, lists and their steps change only through ``ledger.services`` (the workflow rules,
notices and history live there), so the admin shows them without letting anyone edit them.
"""

from django.contrib import admin

from . import models


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "requires_evidence", "active"]
    list_editable = ["order", "requires_evidence", "active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ItemList)
class ItemListAdmin(ReadOnlyAdmin):
    list_display = ["title", "org", "status", "issued_on"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["title"]


@admin.register(models.Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "org", "status", "deadline", "closed_late"]
    list_filter = ["status", "closed_late", "long_term"]
    list_select_related = ["org"]
    search_fields = ["title"]


for model in (
    models.ExtensionRequest,
    models.Recheck,
    models.Escalation,
    models.Accountability,
    models.RollupSnapshot,
    models.RollupSubtree,
):
    admin.site.register(model, ReadOnlyAdmin)
