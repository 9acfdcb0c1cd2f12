"""``manage.py demo``: build the demo county (or a city, or a province) from every app's contributor."""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError

from dangjian.core import demo, registry
from dangjian.core.modules import resolve

SCALES = ("county", "city", "province")
HIDDEN_SCALES = ("tiny",)  # a few branches and ~200 people, for the test suite


def first_filled_step() -> str | None:
    """The key of a demo step whose records the database already holds (None for an empty database)."""
    for step in registry.ordered(registry.demo_steps):
        if step.present is not None and resolve(step.present)():
            return step.key
    return None


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
        if scale not in SCALES + HIDDEN_SCALES:
            raise CommandError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
        filled = first_filled_step()
        if filled is not None:
            if if_empty:
                self.stdout.write(f"Demo data not built: the database already has records ({filled}).")
                return
            raise CommandError(
                f"The database already has records ({filled}). The demo is built only into an empty database "
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
