"""Items imported into a list from the Excel template, through the generic import views and job."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.imports import ImportSpec
from dangjian.core.scoping import can, ensure_can, get_for_user

from .importers import ItemImporter
from .models import ItemList
from .views.common import HAND_DOWN, IMPORT


class ItemImportSpec(ImportSpec):
    """Rows of the template become items of one list; the importer needs the hand-down and import rights there."""

    path = "dangjian.ledger.imports.ITEMS"
    importer = ItemImporter
    title = gettext_lazy("Import items")
    url_names = ("ledger:import_upload", "ledger:import_confirm", "ledger:import_template")
    group_by = "org"
    group_label = gettext_lazy("Responsible organisation")
    success_label = gettext_lazy("Open the list")

    def scope(self, user, *, pk, **kwargs) -> ItemList:
        item_list = get_for_user(ItemList.objects.select_related("org"), user, pk=pk)
        ensure_can(user, HAND_DOWN, item_list)
        if not can(user, IMPORT, item_list):
            raise PermissionDenied(_("You are not allowed to import items."))
        return item_list

    def template_filename(self) -> str:
        return _("list-item-import-template.xlsx")

    def importer_context(self, scope) -> dict:
        return {"item_list": scope}

    def success_url(self, scope, **kwargs) -> str:
        return reverse("ledger:list_detail", args=[scope.pk])

    def subtitle(self, scope) -> str:
        return scope.title

    def breadcrumbs(self, scope, **kwargs) -> list:
        return [
            (_("Lists"), reverse("ledger:list_index")),
            (scope.title, reverse("ledger:list_detail", args=[scope.pk])),
            (self.title, None),
        ]


ITEMS = ItemImportSpec()
