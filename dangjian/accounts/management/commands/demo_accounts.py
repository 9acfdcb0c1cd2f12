"""``manage.py demo_accounts``: the demo sign-ins, one per persona, as a table (printed by `make run`)."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "List the demo accounts (username, role, organisation, password) if they exist."

    def handle(self, *args, **options):
        from django.conf import settings
        from django.utils import translation

        from dangjian.accounts.demo import account_rows

        with translation.override(settings.LANGUAGE_CODE):
            rows = account_rows()
            header = (_("Username"), _("Role"), _("Organisation"), _("Password"))
        if not rows:
            self.stdout.write("No demo accounts: run `manage.py demo` on an empty database first.")
            return
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
