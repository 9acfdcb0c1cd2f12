"""``manage.py demo``: build the demo county (or a city, or a province) from every app's contributor."""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError

from dangjian.core import demo

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
            "--if-empty",
            action="store_true",
            help="do nothing when organisations already exist (for `make run`)",
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        from dangjian.orgs.models import Organisation

        if scale not in SCALES + HIDDEN_SCALES:
            raise CommandError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("Demo data not built: the database already has organisations.")
                return
            raise CommandError(
                "The database already has organisations. The demo is built only into an empty database "
                "(run `manage.py flush` first, or pass --if-empty to skip)."
            )
        started = time.monotonic()
        self.stdout.write(f"Building the {scale} demo (seed {seed})…")
        ctx = demo.DemoContext(scale=scale, seed=seed, rng=random.Random(seed), out=self.stdout.write)
        for key, build in demo.contributors():
            t0 = time.monotonic()
            build(ctx)
            self.stdout.write(f"  {key}: done in {time.monotonic() - t0:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Demo built in {time.monotonic() - started:.1f} s."))
        self.stdout.write("Sign in with: manage.py demo_accounts")
