"""manage.py restore DIR [--force]: put a backup back into an empty database and verify every table's count."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database, then check every table's row "
        "count against its manifest. --force overwrites a database that holds data."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that is not empty, or restore with another encryption key.",
        )

    def handle(self, *args, directory: Path, force: bool, **options):
        try:
            report = restore(directory, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {report.tables} tables ({report.rows} rows, every count checked) and "
            f"{report.media_files} files from {directory}."
        )
