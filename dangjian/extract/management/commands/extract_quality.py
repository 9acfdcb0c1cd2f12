"""Print the extractor's precision and recall on the hand-labelled seeds, a table per document and overall."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "The offline extractor's quality on the hand-labelled seeds (development and held-out sets)."

    def handle(self, *args, **options):
        from dangjian.extract.tests.scoring import quality_lines

        for line in quality_lines():
            self.stdout.write(line)
