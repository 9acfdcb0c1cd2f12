"""manage.py backup DIR: the database, MEDIA_ROOT and a manifest with every table's row count."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump -Fc), MEDIA_ROOT and a manifest into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A new or empty directory.")

    def handle(self, *args, directory: Path, **options):
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {manifest['media_files']} files "
            f"to {directory}. Keep FIELD_ENCRYPTION_KEY apart: the ID numbers need it."
        )
