"""Roster import (template → upload → preview → confirm) and the member and organisation exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core import jobs
from dangjian.core.exports import xlsx_response
from dangjian.core.imports import ImportConfirmView, ImportTemplateView, ImportUploadView
from dangjian.core.scoping import can

from ..columns import export_organisations, export_people
from ..filters import OrganisationFilter
from ..imports import BY_KIND
from ..models import Organisation
from ..tasks import export_filename, export_members, people_for_query

EXPORT = "export"
UNMASK_ID = "unmask_id"
ROSTER_IMPORTS = {"specs": BY_KIND, "spec_kwarg": "kind"}


@login_required
@require_GET
def person_export(request):
    """The member list as the list page filters it, in the import's columns (.xlsx).

    Full ID numbers only with ``unmask=1`` and the right to see them; such an export is logged.
    More rows than EXPORT_TASK_THRESHOLD: written by a background job, and the job page offers the file.
    """
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export rosters."))
    query = request.GET.urlencode()
    people = people_for_query(request.user, query)
    unmask = request.GET.get("unmask") == "1" and can(request.user, UNMASK_ID)
    if jobs.too_big_for_a_request(people):
        return jobs.start_and_follow(
            request,
            task=export_members,
            kind="orgs.export_members",
            title=_("Member roster export"),
            params={"query": query, "unmask": unmask},
        )
    content = export_people(people, user=request.user, unmask=unmask, note=query)
    return xlsx_response(content, export_filename())


@login_required
@require_GET
def org_export(request):
    """The organisation list as the list page filters it, in the import's columns (.xlsx)."""
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export rosters."))
    orgs = OrganisationFilter(request.GET or None, queryset=Organisation.objects.visible_to(request.user)).qs
    return xlsx_response(
        export_organisations(orgs),
        _("party-organisations-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()},
    )


urlpatterns: list = [
    path("import/<str:kind>/", ImportUploadView.as_view(**ROSTER_IMPORTS), name="import_upload"),
    path("import/<str:kind>/template/", ImportTemplateView.as_view(**ROSTER_IMPORTS), name="import_template"),
    path("import/<str:kind>/confirm/", ImportConfirmView.as_view(**ROSTER_IMPORTS), name="import_confirm"),
    path("export/people/", person_export, name="person_export"),
    path("export/organisations/", org_export, name="org_export"),
]
