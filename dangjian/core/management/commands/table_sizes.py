"""``manage.py table_sizes``: rows and bytes of every table, largest first (core.dbsize)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dangjian.core import dbsize


class Command(BaseCommand):
    help = "Rows and size on disk of every table of the database, largest first."

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=None, help="list only the N largest tables")

    def handle(self, *args, top: int | None = None, **options):
        for line in dbsize.report(dbsize.table_sizes(), top=top):
            self.stdout.write(line)
