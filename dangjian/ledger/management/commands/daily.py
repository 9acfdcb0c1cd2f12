"""``manage.py daily [--date YYYY-MM-DD]``: reminders, escalation and month-end snapshots; safe to run twice."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from dangjian.core import jobs
from dangjian.ledger import services, tasks


class Command(BaseCommand):
    help = (
        "Send deadline reminders, list overdue items for escalation, save month-end snapshots (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--background",
            action="store_true",
            help="only queue the run as a background job (run by `manage.py db_worker`)",
        )

    def handle(self, *args, **options):
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        else:
            today = timezone.localdate()
        if options["background"]:
            job = jobs.start(
                task=tasks.daily,
                owner=None,
                kind="ledger.daily",
                title=f"Daily {today.isoformat()}",
                params={"today": today.isoformat()},
            )
            self.stdout.write(f"daily {today.isoformat()}: queued as job {job.pk}")
            return
        jobs.sweep_stale()
        with translation.override(settings.LANGUAGE_CODE):
            result = services.daily_run(today=today)
        if options["verbosity"]:
            summary = ", ".join(f"{k}={v}" for k, v in result.items())
            self.stdout.write(f"daily {today.isoformat()}: {summary}")
