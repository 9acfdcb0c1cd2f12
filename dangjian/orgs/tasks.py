"""Roster work run in the background (``core.jobs``): the member export when it is too big for a request."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core import jobs
from dangjian.core.scoping import can

from .columns import export_people
from .filters import PersonFilter
from .models import Person

UNMASK_ID = "unmask_id"


def people_for_query(user, query: str):
    """The people the member list shows ``user`` for this query string (scoped, then filtered)."""
    # The filter reads the searcher from its request (a whole ID number finds only people they may unmask).
    request = SimpleNamespace(user=user)
    return PersonFilter(
        QueryDict(query) or None, queryset=Person.objects.visible_to(user), request=request
    ).qs


def export_filename() -> str:
    return _("member-roster-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}


@jobs.job_task
def export_members(job, progress, *, query: str, unmask: bool) -> jobs.Outcome:
    """The member list as its page filtered it when the job was started, as .xlsx for the job's owner."""
    user = job.owner
    people = people_for_query(user, query)
    progress.total = people.count()
    progress.message = _("Writing the spreadsheet")
    content = export_people(
        people, user=user, unmask=unmask and can(user, UNMASK_ID), note=query, progress=progress
    )
    count = progress.done
    return jobs.Outcome(
        message=ngettext("Exported %(count)d member.", "Exported %(count)d members.", count)
        % {"count": count},
        content=content,
        filename=export_filename(),
    )
