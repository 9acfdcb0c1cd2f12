"""Talk pages: recording an interview (约谈) over an overdue item, and a talk record's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit
from dangjian.core.caps import Cap
from dangjian.core.generic import ObjectView, ServiceFormView
from dangjian.ledger import door

from . import services
from .forms import InterviewForm
from .models import TalkRecord


class InterviewCreate(ServiceFormView):
    """Record an interview with the responsible organisation's leaders over one item (from the escalation list)."""

    pk_url_kwarg = "item_pk"
    capability = Cap.INSPECT
    denied_message = gettext_lazy("You are not allowed to record interviews here.")
    form_class = InterviewForm
    template_name = "talks/interview_form.html"
    context_object_name = "item"
    success_message = gettext_lazy("Interview recorded.")

    def get_object(self):
        return door.item_for_user(self.request.user, self.kwargs["item_pk"])

    def check_capability(self, item) -> None:
        # An interview belongs to the supervising side: the right is checked there (ledger.door).
        if not door.can_supervise(self.request.user, self.capability, item):
            raise PermissionDenied(self.denied_message)

    def get_initial(self, item) -> dict:
        return {
            "talkee": item.responsible_leader or item.responsible_person,
            "talker": str(self.request.user),
        }

    def perform(self, form, item, user):
        return services.talk_record_interview(item=item, actor=user, **form.cleaned_data)

    def get_success_url(self, item, talk) -> str:
        return reverse("talks:talk_detail", args=[talk.pk])

    def get_extra_context(self, item) -> dict:
        return {
            "breadcrumbs": [
                (_("Escalation"), reverse("ledger:escalations")),
                (str(item), reverse("ledger:item_detail", args=[item.pk])),
                (_("Record an interview"), None),
            ]
        }


class TalkDetail(ObjectView):
    """One talk record (visible to the talk's organisers and the organisation's superiors only)."""

    queryset = TalkRecord.objects.select_related("org", "item", "recorded_by")
    template_name = "talks/talk_detail.html"
    context_object_name = "talk"

    def get_extra_context(self, talk) -> dict:
        return {
            "timeline": audit.timeline(talk, viewer=self.request.user),
            "breadcrumbs": [(_("Talks"), None), (str(talk), None)],
        }


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
    path("interview/<int:item_pk>/new/", InterviewCreate.as_view(), name="interview_create"),
    path("<int:pk>/", TalkDetail.as_view(), name="talk_detail"),
]
