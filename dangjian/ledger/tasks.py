"""Ledger work run in the background (``core.jobs``): a large ledger export and the daily job."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core import jobs

from . import selectors, services
from .columns import export_ledger
from .filters import ItemFilter
from .models import Item


def ledger_filter(user, data) -> ItemFilter:
    """The ledger's filter for ``user`` and a query (handed-down items the user may see)."""
    base = Item.objects.visible_to(user).handed_down()
    return ItemFilter(data or None, queryset=base, request=SimpleNamespace(user=user))


def export_filename() -> str:
    return _("rectification-ledger-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}


@jobs.job_task
def export_items(job, progress, *, query: str) -> jobs.Outcome:
    """The ledger as its page filtered it when the job was started, as .xlsx for the job's owner."""
    items = ledger_filter(job.owner, QueryDict(query)).qs
    progress.total = items.count()
    progress.message = _("Writing the spreadsheet")
    content = export_ledger(progress.wrap(selectors.ledger_export_rows(items)))
    count = progress.done
    return jobs.Outcome(
        message=ngettext("Exported %(count)d item.", "Exported %(count)d items.", count) % {"count": count},
        content=content,
        filename=export_filename(),
    )


@jobs.job_task
def daily(job, progress, *, today: str = "") -> jobs.Outcome:
    """``manage.py daily`` as a job: reminders, escalation and month-end snapshots (safe to run twice)."""
    progress.message = _("Reminders, escalation and month-end snapshots")
    jobs.sweep_stale()
    with translation.override(settings.LANGUAGE_CODE):  # notices and records are in the site language
        result = services.daily_run(today=date.fromisoformat(today) if today else timezone.localdate())
    return jobs.Outcome(message=", ".join(f"{k}={v}" for k, v in result.items()))
