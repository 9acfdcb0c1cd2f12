"""The office rota and the grid imports of a township or a village, through the generic upload → preview →
confirm views."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.imports import ImportSpec
from dangjian.core.scoping import ensure_can, get_for_user
from dangjian.orgs.models import Organisation

from .importers import GridImporter, RotaImporter
from .rules import VCap


class RotaImportSpec(ImportSpec):
    """The 坐班表 of the villages below an organisation; needs the right to keep cadres' rotas there."""

    path = "dangjian.village.imports.ROTA"
    importer = RotaImporter
    title = gettext_lazy("Import the office rota")
    url_names = ("village:rota_import", "village:rota_import_confirm", "village:rota_import_template")
    group_by = "village"
    group_label = gettext_lazy("Village or community")
    success_label = gettext_lazy("Open the day's duty")

    def scope(self, user, *, pk, **kwargs) -> Organisation:
        org = get_for_user(Organisation, user, pk=pk)
        ensure_can(user, VCap.MANAGE_CADRES, org)
        return org

    def template_filename(self) -> str:
        return _("office-rota-template.xlsx")

    def importer_context(self, scope) -> dict:
        return {"org": scope}

    def success_url(self, scope, **kwargs) -> str:
        return reverse("village:rota_day") + f"?org={scope.pk}"

    def subtitle(self, scope) -> str:
        return scope.label

    def breadcrumbs(self, scope, **kwargs) -> list:
        return [(_("Duty of the day"), self.success_url(scope)), (self.title, None)]


ROTA = RotaImportSpec()


class GridImportSpec(RotaImportSpec):
    """The grids and grid members of the villages below an organisation; the same right as the rota."""

    path = "dangjian.village.imports.GRIDS"
    importer = GridImporter
    title = gettext_lazy("Import grids and grid members")
    url_names = ("village:grid_import", "village:grid_import_confirm", "village:grid_import_template")
    success_label = gettext_lazy("Open the grid matters")

    def template_filename(self) -> str:
        return _("grid-members-template.xlsx")

    def success_url(self, scope, **kwargs) -> str:
        return reverse("village:matter_list") + f"?org={scope.pk}"

    def breadcrumbs(self, scope, **kwargs) -> list:
        return [(_("Grid matters"), self.success_url(scope)), (self.title, None)]


GRIDS = GridImportSpec()
