"""``manage.py demo``: build the demo county (or a city, or a province) from every app's contributor."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dangjian.core import dbsize, demo, jobs
from dangjian.core.tasks import build_demo, demo_job

SCALES = ("county", "city", "province")
HIDDEN_SCALES = ("tiny", "tiny_province")  # a few branches and ~200 people a county, for the test suite


class Command(BaseCommand):
    help = "Fill an empty database with a realistic fictional county (city or province with --scale)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="county", help="county (default), city or province")
        parser.add_argument(
            "--seed", type=int, default=2026, help="the same seed always builds the same data"
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="only queue the build as a background job (run by `manage.py db_worker`)",
        )
        parser.add_argument(
            "--counties",
            type=int,
            default=None,
            help="stop once this many counties are finished (run again to go on)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when organisations already exist (for `make run`)",
        )

    def handle(
        self,
        *args,
        scale: str,
        seed: int,
        if_empty: bool,
        background: bool = False,
        counties: int | None = None,
        **options,
    ):
        if scale not in SCALES + HIDDEN_SCALES:
            raise CommandError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
        try:
            how = demo.check_start(scale=scale, seed=seed, vendor=connection.vendor)
        except demo.Filled as exc:
            if if_empty:
                self.stdout.write(f"Demo data not built: {exc}")
                return
            raise CommandError(str(exc)) from None
        except demo.Refused as exc:
            raise CommandError(str(exc)) from None
        if background:
            job = jobs.start(
                task=demo_job,
                owner=None,
                kind="core.demo",
                title=f"Demo {scale}",
                params={"scale": scale, "seed": seed},
            )
            self.stdout.write(f"Demo build queued as job {job.pk}; `manage.py db_worker` runs it.")
            return
        if how == "resume":
            self.stdout.write(
                f"Resuming the unfinished {scale} demo (seed {seed}) after its last finished county…"
            )
        else:
            self.stdout.write(f"Building the {scale} demo (seed {seed})…")
        seconds = build_demo(scale=scale, seed=seed, out=self.stdout.write, counties=counties)
        self.stdout.write(self.style.SUCCESS(f"Demo built in {seconds:.1f} s."))
        if counties is None and scale in SCALES:
            # What the build left on disk (manage.py table_sizes lists every table).
            for line in dbsize.report(dbsize.table_sizes(), top=12):
                self.stdout.write(f"  {line}")
        self.stdout.write("Sign in with: manage.py demo_accounts")
