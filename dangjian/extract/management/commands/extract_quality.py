"""Print the extractor's precision and recall on the hand-labelled seeds, a table per document and overall."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "The offline extractor's quality on the hand-labelled seeds (development and held-out sets)."

    def handle(self, *args, **options):
        from dangjian.extract.tests import seed_labels, seed_labels_000, seed_labels_002
        from dangjian.extract.tests.scoring import score

        columns = (
            "tasks recall",
            "tasks precision",
            "problems recall",
            "problems prec.",
            "units",
            "deadlines",
        )
        self.stdout.write(f"{'document':<22}" + "".join(f"{c:>17}" for c in columns) + f"{'ms':>7}")
        totals = [0] * 12
        for name, labels in (
            ("003 (development)", seed_labels),
            ("002 §二 (held out)", seed_labels_002),
            ("000 (held out)", seed_labels_000),
        ):
            started = time.perf_counter()
            s = score(labels)
            ms = (time.perf_counter() - started) * 1000
            counts = [
                s.tasks_hit, s.tasks_labelled, s.tasks_correct, s.tasks_predicted,
                s.problems_hit, s.problems_labelled, s.problems_correct, s.problems_predicted,
                s.units_right, s.units_labelled, s.deadlines_right, s.deadlines_labelled,
            ]  # fmt: skip
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            self.stdout.write(f"{name:<22}{self._row(counts)}{ms:>7.0f}")
        self.stdout.write(f"{'overall':<22}{self._row(totals)}")

    @staticmethod
    def _row(c) -> str:
        def rate(a, b):
            return f"{a}/{b} {a / b:.0%}" if b else "—"

        return "".join(
            f"{rate(a, b):>17}"
            for a, b in ((c[0], c[1]), (c[2], c[3]), (c[4], c[5]), (c[6], c[7]), (c[8], c[9]), (c[10], c[11]))
        )
