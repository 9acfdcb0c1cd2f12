"""manage.py import_orgs FILE [--dry-run] [--as USERNAME]: organisations from a spreadsheet, in file order."""

from dangjian.orgs.importers import OrganisationImporter

from .import_members import RosterImportCommand


class Command(RosterImportCommand):
    help = "导入党组织：按文件顺序建立，上级组织可以是系统中已有的组织或本表前面的行。"
    importer_class = OrganisationImporter
