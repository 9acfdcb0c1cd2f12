"""``manage.py daily [--date YYYY-MM-DD]``: every module's daily work (reminders, escalation, snapshots…).

Each module declares its ``DailyJob``s on its AppConfig; they run in order and each must be
safe to run twice on the same day.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.core import jobs
from dangjian.core.tasks import daily_job, run_daily


class Command(BaseCommand):
    help = "Run every module's daily work: reminders, escalation, month-end snapshots… (safe to run twice)."

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
                task=daily_job,
                owner=None,
                kind="core.daily",
                title=f"Daily {today.isoformat()}",
                params={"today": today.isoformat()},
            )
            self.stdout.write(f"daily {today.isoformat()}: queued as job {job.pk}")
            return
        result = run_daily(today=today)
        if options["verbosity"]:
            summary = ", ".join(f"{k}={v}" for k, v in result.items())
            self.stdout.write(f"daily {today.isoformat()}: {summary}")
