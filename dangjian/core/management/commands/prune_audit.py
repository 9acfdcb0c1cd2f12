"""manage.py prune_audit --older-than DAYS: delete audit log entries older than DAYS (at least 180).

Only the audit log (changes, accesses, addresses) is pruned; a record's workflow history
(core.StatusChange) is part of the record and is kept for as long as the record.
"""

from datetime import timedelta

from auditlog.models import LogEntry
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# MLPS 2.0 level 3 (等保三级) keeps audit records for at least six months.
MIN_RETENTION_DAYS = 180
BATCH = 5000


class Command(BaseCommand):
    help = "Delete audit log entries older than DAYS; refuses fewer than 180 days (MLPS level 3)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < MIN_RETENTION_DAYS:
            raise CommandError(
                f"Audit records are kept at least {MIN_RETENTION_DAYS} days; --older-than {older_than} refused. "
                f"审计记录至少保存 {MIN_RETENTION_DAYS} 天，拒绝删除 {older_than} 天以内的记录。"
            )
        cutoff = timezone.now() - timedelta(days=older_than)
        old = LogEntry.objects.filter(timestamp__lt=cutoff)
        if dry_run:
            self.stdout.write(f"Would delete {old.count()} audit entries older than {cutoff:%Y-%m-%d}.")
            return
        deleted = 0
        while ids := list(old.values_list("pk", flat=True)[:BATCH]):
            deleted += LogEntry.objects.filter(pk__in=ids).delete()[1].get(LogEntry._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} audit entries older than {cutoff:%Y-%m-%d}.")
