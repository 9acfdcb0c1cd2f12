"""manage.py import_members FILE [--dry-run] [--as USERNAME]: party members from a roster spreadsheet.

Also the base of import_orgs: run an importer on a file and print its problems (in the site language).
"""

from __future__ import annotations

from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dangjian.core.exports import ImportRefused
from dangjian.core.scoping import can
from dangjian.orgs.importers import IMPORT, MemberImporter


class RosterImportCommand(BaseCommand):
    """Check a roster file; write it all (unless --dry-run) or print every problem and exit non-zero."""

    importer_class = None

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a real string; the lazy help is resolved once the language is known.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=gettext_lazy("Excel file (.xlsx) with the header row of the downloaded template")
        )
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("Only check, write nothing"))
        parser.add_argument(
            "--as",
            dest="username",
            help=gettext_lazy("Import with this user's rights (default: as the system, with every right)"),
        )

    def handle(self, *args, file, dry_run, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(
                    _("There is no active user named “%(username)s”.") % {"username": username}
                )
            if not can(actor, IMPORT):
                raise CommandError(
                    _("The user “%(username)s” may not import rosters.") % {"username": username}
                )
        importer = self.importer_class(actor=actor, context={"filename": path.name})
        if dry_run:
            preview = importer.preview(path)
            if not preview.ok:
                self._fail(preview.errors or [])
            rows = len(preview.rows)
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Check passed: %(count)s row can be imported (nothing written).",
                        "Check passed: %(count)s rows can be imported (nothing written).",
                        rows,
                    )
                    % {"count": rows}
                )
            )
            return
        try:
            with set_actor(actor) if actor is not None else _nothing():
                _preview, count = importer.run(path)
        except ImportRefused as refused:
            self._fail(refused.errors)
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("Imported %(count)s row.", "Imported %(count)s rows.", count) % {"count": count}
            )
        )

    def _fail(self, errors):
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(
            ngettext(
                "%(count)s problem; nothing was written.",
                "%(count)s problems; nothing was written.",
                len(errors),
            )
            % {"count": len(errors)}
        )


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class Command(RosterImportCommand):
    help = gettext_lazy(
        "Import a member roster: every row is checked first; with any problem nothing is written"
        " and the problems are listed."
    )
    importer_class = MemberImporter
