"""The roster imports (members, organisations) as the generic import views and job run them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.imports import ImportSpec
from dangjian.core.scoping import can

from .importers import IMPORT, MemberImporter, OrganisationImporter


class RosterImportSpec(ImportSpec):
    """Rows name their own organisations, each checked against the actor's rights: no single target."""

    url_names = ("orgs:import_upload", "orgs:import_confirm", "orgs:import_template")
    kind = ""
    success_name = ""

    def scope(self, user, **kwargs):
        if not can(user, IMPORT):
            raise PermissionDenied(_("You are not allowed to import rosters."))
        return None

    def success_url(self, scope, **kwargs) -> str:
        return reverse(self.success_name)

    def breadcrumbs(self, scope, **kwargs) -> list:
        return [(_("Roster import"), None), (self.title, None)]


class MemberImportSpec(RosterImportSpec):
    path = "dangjian.orgs.imports.MEMBERS"
    kind = "members"
    importer = MemberImporter
    title = gettext_lazy("Import party members")
    group_by = "org_name"
    group_label = gettext_lazy("Branch")
    success_name = "orgs:person_list"
    success_label = gettext_lazy("Open the member list")


class OrganisationImportSpec(RosterImportSpec):
    path = "dangjian.orgs.imports.ORGANISATIONS"
    kind = "orgs"
    importer = OrganisationImporter
    title = gettext_lazy("Import organisations")
    group_by = "parent_name"
    group_label = gettext_lazy("Parent organisation")
    success_name = "orgs:org_list"
    success_label = gettext_lazy("Open the organisation list")


MEMBERS = MemberImportSpec()
ORGANISATIONS = OrganisationImportSpec()
BY_KIND = {spec.kind: spec for spec in (MEMBERS, ORGANISATIONS)}
