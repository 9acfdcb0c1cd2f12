"""manage.py export_members FILE [--org ID] [--unmask]: the member roster as the import's spreadsheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.orgs.columns import export_people
from dangjian.orgs.models import Organisation, Person


class Command(BaseCommand):
    help = gettext_lazy(
        "Export the roster of current members (in the import template's columns). ID numbers are masked"
        " by default; --unmask exports full numbers and writes that to the audit log."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a real string; the lazy help is resolved once the language is known.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("Output file (.xlsx)"))
        parser.add_argument(
            "--org",
            type=int,
            help=gettext_lazy("Export only the people of this organisation (by number) and those below it"),
        )
        parser.add_argument(
            "--unmask",
            action="store_true",
            help=gettext_lazy("Export full ID numbers (written to the audit log)"),
        )

    def handle(self, *args, file, org, unmask, **options):
        people = Person.objects.current()
        note = _("Command-line export")
        if org is not None:
            root = Organisation.objects.filter(pk=org).first()
            if root is None:
                raise CommandError(_("There is no organisation number %(number)s.") % {"number": org})
            people = people.filter(org__path__subtree=root.path)
            note = _("Command-line export: %(org)s") % {"org": root.name}
        content = export_people(people, user=None, unmask=unmask, note=note)
        Path(file).write_bytes(content)
        count = people.count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Exported %(count)s person to %(file)s.", "Exported %(count)s people to %(file)s.", count
                )
                % {"count": count, "file": file}
            )
        )
