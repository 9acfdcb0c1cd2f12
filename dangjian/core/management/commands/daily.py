"""``manage.py daily [--date YYYY-MM-DD]``: every module's daily work (reminders, escalation, snapshots…).

Each module declares its ``DailyJob``s on its AppConfig; they run in order and each must be
safe to run twice on the same day.
"""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from dangjian.core import registry
from dangjian.core.modules import resolve


def run_daily(*, today: date) -> dict[str, int]:
    """Run every module's daily jobs for ``today``; the counts of all of them, keyed by job."""
    result: dict[str, int] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for job in registry.ordered(registry.daily_jobs):
            for name, count in resolve(job.run)(today=today).items():
                result[f"{job.key}.{name}"] = count
    return result


class Command(BaseCommand):
    help = "Run every module's daily work: reminders, escalation, month-end snapshots… (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        else:
            today = timezone.localdate()
        result = run_daily(today=today)
        if options["verbosity"]:
            summary = ", ".join(f"{k}={v}" for k, v in result.items())
            self.stdout.write(f"daily {today.isoformat()}: {summary}")
