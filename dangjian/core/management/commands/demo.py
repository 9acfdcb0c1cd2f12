"""``manage.py demo``: build the demo county (or a city, or a province) from every app's contributor."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dangjian.core import demo, jobs
from dangjian.core.tasks import build_demo, demo_job

SCALES = ("county", "city", "province")
HIDDEN_SCALES = ("tiny",)  # a few branches and ~200 people, for the test suite


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
            "--if-empty",
            action="store_true",
            help="do nothing when organisations already exist (for `make run`)",
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, background: bool = False, **options):
        if scale not in SCALES + HIDDEN_SCALES:
            raise CommandError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
        filled = demo.present_step()
        if filled is not None:
            if if_empty:
                self.stdout.write(f"Demo data not built: the database already has records ({filled}).")
                return
            raise CommandError(
                f"The database already has records ({filled}). The demo is built only into an empty database "
                "(run `manage.py flush` first, or pass --if-empty to skip)."
            )
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
        self.stdout.write(f"Building the {scale} demo (seed {seed})…")
        seconds = build_demo(scale=scale, seed=seed, out=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo built in {seconds:.1f} s."))
        self.stdout.write("Sign in with: manage.py demo_accounts")
