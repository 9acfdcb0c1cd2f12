"""manage.py import_orgs FILE [--dry-run] [--as USERNAME]: organisations from a spreadsheet, in file order."""

from django.utils.translation import gettext_lazy

from dangjian.orgs.importers import OrganisationImporter

from .import_members import RosterImportCommand


class Command(RosterImportCommand):
    help = gettext_lazy(
        "Import party organisations, created in file order; a parent may be an organisation already in the"
        " system or an earlier row of the file."
    )
    importer_class = OrganisationImporter
