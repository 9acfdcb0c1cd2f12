"""manage.py prune_audit --older-than DAYS: delete audit log entries older than DAYS (at least 180).

The live log and its archive are pruned alike (``core.history.prune``; on PostgreSQL whole
months of the archive are dropped). A record's workflow history (core.StatusChange) is part of
the record and is kept for as long as the record.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.core import history

MIN_RETENTION_DAYS = history.MIN_RETENTION_DAYS


class Command(BaseCommand):
    help = "Delete audit log entries older than DAYS; refuses fewer than 180 days (MLPS level 3)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        try:
            live, archived = history.prune(older_than_days=older_than, dry_run=dry_run)
        except history.RetentionRefused as refusal:
            raise CommandError(str(refusal)) from None
        cutoff = timezone.now() - timedelta(days=older_than)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {live + archived} audit entries older than {cutoff:%Y-%m-%d} "
            f"({live} live, {archived} archived)."
        )
