"""Talk pages: recording an interview (约谈) over an overdue item, and a talk record's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core import audit
from dangjian.core.caps import Cap
from dangjian.core.scoping import get_for_user
from dangjian.ledger import door
from dangjian.orgs.forms import add_service_error

from . import services
from .forms import InterviewForm
from .models import TalkRecord


@login_required
@require_http_methods(["GET", "POST"])
def interview_create(request, item_pk: int):
    """Record an interview with the responsible organisation's leaders over one item (from the escalation list)."""
    item = door.item_for_user(request.user, item_pk)
    if not door.can_supervise(request.user, Cap.INSPECT, item):
        raise PermissionDenied(_("You are not allowed to record interviews here."))
    initial = {"talkee": item.responsible_leader or item.responsible_person, "talker": str(request.user)}
    form = InterviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            talk = services.talk_record_interview(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Interview recorded."))
            return redirect("talks:talk_detail", pk=talk.pk)
    return render(
        request,
        "talks/interview_form.html",
        {
            "form": form,
            "item": item,
            "breadcrumbs": [
                (_("Escalation"), reverse("ledger:escalations")),
                (str(item), reverse("ledger:item_detail", args=[item.pk])),
                (_("Record an interview"), None),
            ],
        },
    )


@login_required
@require_GET
def talk_detail(request, pk: int):
    """One talk record (visible to the talk's organisers and the organisation's superiors only)."""
    talk = get_for_user(TalkRecord.objects.select_related("org", "item", "recorded_by"), request.user, pk=pk)
    return render(
        request,
        "talks/talk_detail.html",
        {
            "talk": talk,
            "timeline": audit.timeline(talk),
            "breadcrumbs": [(_("Talks"), None), (str(talk), None)],
        },
    )


def item_panel(request, item):
    """The talks held over an item, for the item page (a panel the ledger shows without importing talks)."""
    talks = list(
        TalkRecord.objects.visible_to(request.user)
        .filter(item=item)
        .select_related("recorded_by")
        .order_by("held_on")
    )
    return {"talks": talks} if talks else None


urlpatterns = [
    path("interview/<int:item_pk>/new/", interview_create, name="interview_create"),
    path("<int:pk>/", talk_detail, name="talk_detail"),
]
