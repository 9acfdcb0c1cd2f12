"""Talk pages: campaigns and their coverage, a talk prepared then closed, documents, and interviews (约谈)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import attachments, audit, documents, exports, scoping
from dangjian.core.caps import Cap
from dangjian.core.generic import ObjectView, ServiceFormView
from dangjian.core.prepared import kept
from dangjian.ledger import door
from dangjian.orgs.models import Organisation

from . import forms, selectors, services
from .models import Commitment, LeaderComment, NotifiedProblem, TalkCampaign, TalkRecord, right_for


def _manages(user, talk: TalkRecord) -> bool:
    """True when ``user`` holds the talk right at its organiser (sees internal notes, edits the preparation)."""
    return scoping.can(user, right_for(talk.kind), talk.organiser)


# ---------------------------------------------------------------- index


@login_required
@require_GET
def index(request):
    """Campaigns the user organises or talks in, the talks they may read, and their own talks."""
    user = request.user

    def newest_campaigns():
        talked = (
            TalkRecord.talkees.through.objects.filter(
                talkrecord__campaign=OuterRef("pk"),
                talkrecord__collective=False,
                talkrecord__status=TalkRecord.Status.CLOSED,
            )
            .order_by()
            .values("talkrecord__campaign")
            .annotate(n=Count("person", distinct=True))
            .values("n")
        )
        return (
            TalkCampaign.objects.visible_to(user)
            .select_related("org")
            .annotate(n_targets=Count("targets", distinct=True), n_talked=Coalesce(Subquery(talked), 0))
            .order_by("-starts_on", "-pk")[:50]
        )

    def newest_talks():
        return (
            TalkRecord.objects.visible_to(user)
            .select_related("org", "campaign")
            .order_by("-held_on", "-pk")[:50]
        )

    # Both built from the user and their scope alone: compiled once per user and scope, read on every visit.
    key = ("talks.index", user.pk, scoping.get_scope(user))
    campaigns = kept((*key, "campaigns"), newest_campaigns).objects(model=TalkCampaign)
    talks = kept((*key, "talks"), newest_talks).objects(model=TalkRecord)
    own = set(_own_talk_ids(user)) if user.person_id else set()
    mine = [t for t in talks if t.pk in own]
    return render(
        request,
        "talks/index.html",
        {
            "campaigns": campaigns,
            "talks": talks,
            "mine": mine,
            "can_create": scoping.can(user, Cap.INSPECT),
            "breadcrumbs": [(_("Talks"), None)],
        },
    )


def _own_talk_ids(user) -> list[int]:
    return list(
        TalkRecord.talkees.through.objects.filter(person_id=user.person_id).values_list(
            "talkrecord_id", flat=True
        )
    )


# ---------------------------------------------------------------- heart-to-heart coverage


@login_required
@require_GET
def heart_coverage(request):
    """Heart-to-heart coverage of a year for the branches where the user holds the talk right."""
    from dangjian.core.indicators import Period, rate

    from .indicators import HEART_TO_HEART_RULE, branch_coverage

    today = timezone.localdate()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= today.year else today.year
    allowed = {o.pk: o for o in Organisation.objects.where_can(request.user, Cap.INSPECT).order_by("path")}
    branches = [
        b
        for b in branch_coverage(list(allowed.values()), Period.year(year)).values()
        if b.org_id in allowed and b.counted
    ]
    branches.sort(key=lambda b: b.path)
    rows = [{"org": allowed[b.org_id], "b": b} for b in branches]
    covered = sum(1 for b in branches if b.covered)
    return render(
        request,
        "talks/heart_coverage.html",
        {
            "rows": rows,
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "covered": covered,
            "figure": rate(covered, len(branches)),
            "rule": HEART_TO_HEART_RULE,
            "breadcrumbs": [(_("Talks"), reverse("talks:index")), (_("Heart-to-heart coverage"), None)],
        },
    )


# ---------------------------------------------------------------- campaigns


class CampaignCreate(ServiceFormView):
    """Start a talk campaign (谈话计划) at an organisation where the user holds the talk right."""

    capability = Cap.INSPECT
    form_class = forms.CampaignForm
    template_name = "talks/form.html"
    success_message = gettext_lazy("Campaign started.")

    def get_form_kwargs(self, obj) -> dict:
        return {"user": self.request.user}

    def perform(self, form, obj, user):
        return services.campaign_create(actor=user, **form.cleaned_data)

    def get_success_url(self, obj, campaign) -> str:
        return reverse("talks:campaign_detail", args=[campaign.pk])

    def get_extra_context(self, obj) -> dict:
        return {
            "heading": _("New talk campaign"),
            "breadcrumbs": [(_("Talks"), reverse("talks:index")), (_("New talk campaign"), None)],
        }


class CampaignDetail(ObjectView):
    """A campaign's coverage (talked / not yet, by organisation) and its talks of both stages."""

    queryset = TalkCampaign.objects.select_related("org")
    template_name = "talks/campaign_detail.html"
    context_object_name = "campaign"

    def get_extra_context(self, campaign) -> dict:
        user = self.request.user
        rows = selectors.coverage(campaign)
        talks = list(
            TalkRecord.objects.visible_to(user)
            .filter(campaign=campaign)
            .select_related("org")
            .order_by("held_on", "pk")
        )
        manages = scoping.can(user, right_for(campaign.kind), campaign.org)
        return {
            "rows": rows,
            "by_org": selectors.coverage_by_org(rows),
            "talked": sum(r.talked for r in rows),
            "individual": [t for t in talks if not t.collective],
            "collective": [t for t in talks if t.collective],
            "manages": manages,
            "can_close": manages and campaign.status == TalkCampaign.Status.OPEN,
            "can_look_back": scoping.can(user, Cap.VERIFY, campaign.org),
            "breadcrumbs": [(_("Talks"), reverse("talks:index")), (campaign.title, None)],
        }


class CampaignLookBack(ServiceFormView):
    """Look back (回头看): for each talkee, the items they took away; no progress is flagged."""

    queryset = TalkCampaign.objects.select_related("org")
    capability = Cap.VERIFY
    template_name = "talks/campaign_lookback.html"
    context_object_name = "campaign"
    form_class = forms.forms.Form
    success_message = gettext_lazy("Look-back recorded.")

    def perform(self, form, campaign, user):
        return services.campaign_look_back(campaign=campaign, actor=user)

    def get_success_url(self, campaign, result) -> str:
        return reverse("talks:campaign_lookback", args=[campaign.pk])

    def get_extra_context(self, campaign) -> dict:
        rows = [r for r in selectors.coverage(campaign, self.request.user, with_items=True) if r.talked]
        return {
            "rows": rows,
            "flagged": sum(1 for r in rows if r.stalled),
            "breadcrumbs": [
                (_("Talks"), reverse("talks:index")),
                (campaign.title, reverse("talks:campaign_detail", args=[campaign.pk])),
                (_("Look back"), None),
            ],
        }


class CampaignClose(ServiceFormView):
    """Close a campaign (no more talks planned in it)."""

    queryset = TalkCampaign.objects.select_related("org")
    capability = Cap.INSPECT
    form_class = forms.forms.Form
    template_name = "talks/form.html"
    success_message = gettext_lazy("Campaign closed.")
    http_method_names = ["post"]

    def perform(self, form, campaign, user):
        return services.campaign_close(campaign=campaign, actor=user)

    def get_success_url(self, campaign, result) -> str:
        return reverse("talks:campaign_detail", args=[campaign.pk])

    def post(self, request, *args, **kwargs):
        campaign = self.fetch()
        try:
            services.campaign_close(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return redirect(self.get_success_url(campaign, None))


@login_required
@require_GET
def campaign_export(request, pk: int):
    """The campaign as .xlsx: talkee, organisation, date, problems notified, commitments, state."""
    campaign = scoping.get_for_user(TalkCampaign.objects.select_related("org"), request.user, pk=pk)
    columns = [
        exports.Column(_("Talkee"), "name", width=12),
        exports.Column(_("Organisation"), "org", width=24),
        exports.Column(_("Date of the talk"), "held_on", width=12),
        exports.Column(_("Problems notified"), "problems", width=10),
        exports.Column(_("Commitments"), "commitments", width=10),
        exports.Column(_("State"), "state", width=12),
    ]
    content = exports.xlsx_bytes(columns, selectors.campaign_rows(campaign), title=_("Talk campaign"))
    return exports.xlsx_response(content, f"{campaign.title}.xlsx")


@login_required
@require_GET
def campaign_document(request, pk: int):
    """The campaign summary as a Word document, from the office's template if it uploaded one."""
    campaign = scoping.get_for_user(TalkCampaign.objects.select_related("org"), request.user, pk=pk)
    data = documents.render("talks.campaign_summary", selectors.campaign_document(campaign))
    return documents.response(data, filename=f"{campaign.title}.docx")


# ---------------------------------------------------------------- a talk: preparation


class TalkPlan(ServiceFormView):
    """Prepare a talk outside a campaign (a reminder, an admonishment, a letter inquiry, a heart-to-heart talk)."""

    capability = Cap.INSPECT
    form_class = forms.TalkPlanForm
    template_name = "talks/form.html"
    success_message = gettext_lazy("Talk prepared: add the problems to notify, then record it when held.")

    def check_capability(self, obj) -> None:
        user = self.request.user
        if not (scoping.can(user, Cap.INSPECT) or scoping.can(user, "discipline_talk")):
            raise PermissionDenied(self.denied_message)

    def get_form_kwargs(self, obj) -> dict:
        org = None
        if (self.request.GET.get("org") or "").isdigit():
            org = (
                Organisation.objects.visible_to(self.request.user).filter(pk=self.request.GET["org"]).first()
            )
        return {"user": self.request.user, "org": org}

    def perform(self, form, obj, user):
        return services.talk_plan(actor=user, **form.cleaned_data)

    def get_success_url(self, obj, talk) -> str:
        return reverse("talks:talk_detail", args=[talk.pk])

    def get_extra_context(self, obj) -> dict:
        return {
            "heading": _("Prepare a talk"),
            "breadcrumbs": [(_("Talks"), reverse("talks:index")), (_("Prepare a talk"), None)],
        }


class CampaignTalkPlan(TalkPlan):
    """Prepare a talk of a campaign: stage 1 with one target, stage 2 with several together."""

    queryset = TalkCampaign.objects.select_related("org")

    def check_capability(self, campaign) -> None:
        if not scoping.can(self.request.user, right_for(campaign.kind), campaign.org):
            raise PermissionDenied(self.denied_message)

    def get_form_kwargs(self, campaign) -> dict:
        return {"user": self.request.user, "campaign": campaign}

    def get_initial(self, campaign) -> dict:
        return {
            "talker": campaign.talker,
            "held_on": campaign.starts_on,
            "talkers": list(campaign.talkers.all()),
        }

    def perform(self, form, campaign, user):
        return services.talk_plan(
            actor=user, campaign=campaign, organiser=campaign.org, kind=campaign.kind, **form.cleaned_data
        )

    def get_extra_context(self, campaign) -> dict:
        return {
            "heading": _("Prepare a talk"),
            "breadcrumbs": [
                (_("Talks"), reverse("talks:index")),
                (campaign.title, reverse("talks:campaign_detail", args=[campaign.pk])),
                (_("Prepare a talk"), None),
            ],
        }


class TalkDetail(ObjectView):
    """One talk record: its preparation, record, hand-over and history. Every view is audited."""

    queryset = TalkRecord.objects.select_related(
        "org", "organiser", "campaign", "item", "recorded_by", "closed_by"
    )
    template_name = "talks/talk_detail.html"
    context_object_name = "talk"

    def get_extra_context(self, talk) -> dict:
        user = self.request.user
        audit.log_access(talk, what="view")
        manages = _manages(user, talk) or talk.recorded_by_id == user.pk
        planned = talk.status == TalkRecord.Status.PLANNED
        context = {
            **selectors.talk_detail_rows(talk),
            "manages": manages,
            "planned": planned,
            "is_talkee": services.is_talkee(talk, user),
            "talkees": list(talk.talkees.select_related("org")),
            "topics": list(talk.topics.all()),
            "files": list(attachments.for_owner(talk, user)),
            "items": list(door.items_of_source(talk, user)),
            "timeline": audit.timeline(talk, viewer=user),
            "breadcrumbs": [(_("Talks"), reverse("talks:index"))]
            + (
                [(talk.campaign.title, reverse("talks:campaign_detail", args=[talk.campaign_id]))]
                if talk.campaign_id and manages
                else []
            )
            + [(str(talk), None)],
        }
        if manages and planned:
            # Several forms on one page: distinct element ids (the posted names stay the same).
            context.update(
                problem_form=forms.ProblemForm(user=user, talk=talk, auto_id="problem_%s"),
                commitment_form=forms.CommitmentForm(auto_id="commitment_%s"),
                comment_form=forms.CommentForm(auto_id="comment_%s"),
                close_form=forms.CloseForm(
                    talk=talk, initial={"version": talk.version, "place": talk.place}, auto_id="close_%s"
                ),
                cancel_form=forms.CancelForm(auto_id="cancel_%s"),
            )
        if planned and (manages or context["is_talkee"]):
            context["report_form"] = forms.ReportForm(auto_id="report_%s")
        if manages and not planned:
            context["addendum_form"] = forms.AddendumForm(auto_id="addendum_%s")
            if talk.kind == "admonition":
                context["filing_form"] = forms.FilingForm(auto_id="filing_%s")
        return context


class TalkWrite(ServiceFormView):
    """A form on one talk whose submission calls one service; the right is held at the talk's organiser."""

    queryset = TalkRecord.objects.select_related("org", "organiser")
    template_name = "talks/form.html"
    context_object_name = "talk"
    heading = ""

    def check_capability(self, talk) -> None:
        if not _manages(self.request.user, talk):
            raise PermissionDenied(self.denied_message)

    def get_success_url(self, talk, result) -> str:
        return reverse("talks:talk_detail", args=[talk.pk])

    def get_extra_context(self, talk) -> dict:
        return {
            "heading": self.heading,
            "breadcrumbs": [
                (_("Talks"), reverse("talks:index")),
                (str(talk), reverse("talks:talk_detail", args=[talk.pk])),
                (self.heading, None),
            ],
        }


class ProblemAdd(TalkWrite):
    form_class = forms.ProblemForm
    heading = gettext_lazy("Problem to notify")
    success_message = gettext_lazy("Problem added.")

    def get_form_kwargs(self, talk) -> dict:
        return {"user": self.request.user, "talk": talk}

    def perform(self, form, talk, user):
        return services.problem_add(talk=talk, actor=user, **form.cleaned_data)


class CommitmentAdd(TalkWrite):
    form_class = forms.CommitmentForm
    heading = gettext_lazy("Commitment")
    success_message = gettext_lazy("Commitment added.")

    def perform(self, form, talk, user):
        return services.commitment_add(talk=talk, actor=user, **form.cleaned_data)


class CommentAdd(TalkWrite):
    form_class = forms.CommentForm
    heading = gettext_lazy("Leader's comment")
    success_message = gettext_lazy("Comment added.")

    def perform(self, form, talk, user):
        return services.comment_add(talk=talk, actor=user, **form.cleaned_data)


class ReportUpload(TalkWrite):
    """The talkee uploads their report materials (汇报材料) through their own account before the talk."""

    form_class = forms.ReportForm
    heading = gettext_lazy("Report materials")
    success_message = gettext_lazy("Report materials uploaded.")

    def check_capability(self, talk) -> None:
        if not (_manages(self.request.user, talk) or services.is_talkee(talk, self.request.user)):
            raise PermissionDenied(self.denied_message)

    def perform(self, form, talk, user):
        return services.report_upload(talk=talk, actor=user, files=form.cleaned_data["files"])


class TalkClose(TalkWrite):
    """Record the held talk and close it: the problem list and the commitments are handed over."""

    form_class = forms.CloseForm
    heading = gettext_lazy("Record and close the talk")

    def get_form_kwargs(self, talk) -> dict:
        return {"talk": talk}

    def get_initial(self, talk) -> dict:
        return {"version": talk.version, "place": talk.place}

    def perform(self, form, talk, user):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.talk_close(talk=talk, actor=user, version=version, **data)

    def get_success_message(self, talk, items) -> str:
        if items:
            return _("Talk closed: %(n)d items handed over to %(org)s.") % {
                "n": len(items),
                "org": talk.org.label,
            }
        return _("Talk closed.")


class TalkCancel(TalkWrite):
    form_class = forms.CancelForm
    heading = gettext_lazy("Cancel the talk")
    success_message = gettext_lazy("Talk cancelled.")

    def perform(self, form, talk, user):
        return services.talk_cancel(talk=talk, actor=user, note=form.cleaned_data["note"])


class AddendumAdd(TalkWrite):
    form_class = forms.AddendumForm
    heading = gettext_lazy("Addendum")
    success_message = gettext_lazy("Addendum added.")

    def perform(self, form, talk, user):
        return services.addendum_add(talk=talk, actor=user, text=form.cleaned_data["text"])


class FilingRecord(TalkWrite):
    form_class = forms.FilingForm
    heading = gettext_lazy("Filing")
    success_message = gettext_lazy("Filing recorded.")

    def perform(self, form, talk, user):
        return services.filing_record(talk=talk, actor=user, **form.cleaned_data)


@login_required
@require_POST
def row_remove(request, kind: str, pk: int):
    """Remove a problem, commitment or comment from a talk being prepared (POST; back to the talk)."""
    model = {"problem": NotifiedProblem, "commitment": Commitment, "comment": LeaderComment}.get(kind)
    if model is None:
        raise Http404
    row = (
        model.objects.filter(talk__in=TalkRecord.objects.visible_to(request.user), pk=pk)
        .select_related("talk__organiser")
        .first()
    )
    if row is None:
        raise Http404
    if not _manages(request.user, row.talk):
        raise PermissionDenied(_("You are not allowed to do this here."))
    try:
        services.preparation_row_remove(row=row, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Removed."))
    return redirect("talks:talk_detail", row.talk_id)


@login_required
@require_GET
def talk_document(request, pk: int):
    """The talk record (谈话记录) as a Word document; internal notes are never in it."""
    talk = scoping.get_for_user(
        TalkRecord.objects.select_related("organiser", "recorded_by"), request.user, pk=pk
    )
    audit.log_access(talk, what="document")
    data = documents.render("talks.talk_record", selectors.talk_document(talk))
    return documents.response(data, filename=_("Talk record %(day)s.docx") % {"day": talk.held_on})


# ---------------------------------------------------------------- interviews (约谈) over items


class InterviewCreate(ServiceFormView):
    """Record an interview with the responsible organisation's leaders over one item (from the escalation list)."""

    pk_url_kwarg = "item_pk"
    capability = Cap.INSPECT
    denied_message = gettext_lazy("You are not allowed to record interviews here.")
    form_class = forms.InterviewForm
    template_name = "talks/interview_form.html"
    context_object_name = "item"
    success_message = gettext_lazy("Interview recorded.")

    def get_object(self):
        return door.item_for_user(self.request.user, self.kwargs["item_pk"])

    def check_capability(self, item) -> None:
        # An interview belongs to the supervising side: the right is checked there (ledger.door).
        if not door.can_supervise(self.request.user, self.capability, item):
            raise PermissionDenied(self.denied_message)

    def get_form_kwargs(self, item) -> dict:
        return {"user": self.request.user, "org": item.org}

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


def item_panel(request, item):
    """The talks held over an item or that notified it, for the item page (shown without the ledger importing
    talks). Asked on every item page: compiled once per user and scope (the readers' rules are the scope's
    and the user's), read afresh."""
    user = request.user

    def talks_of(item_id, notified_item_id):
        return (
            TalkRecord.objects.visible_to(user)
            .filter(Q(item_id=item_id) | Q(problems__item_id=notified_item_id))
            .distinct()
            .select_related("recorded_by")
            .order_by("held_on")
        )

    query = kept(
        ("talks.item_panel", user.pk, scoping.get_scope(user)),
        talks_of,
        -7_304_181,
        -7_304_182,
        plan_once=True,  # by the item's id, the scope written into it
    )
    talks = query.objects(item.pk, item.pk, model=TalkRecord)
    return {"talks": talks} if talks else None


urlpatterns = [
    path("", index, name="index"),
    path("heart-to-heart/", heart_coverage, name="heart_coverage"),
    path("campaigns/new/", CampaignCreate.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", CampaignDetail.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/talks/new/", CampaignTalkPlan.as_view(), name="campaign_talk_plan"),
    path("campaigns/<int:pk>/look-back/", CampaignLookBack.as_view(), name="campaign_lookback"),
    path("campaigns/<int:pk>/close/", CampaignClose.as_view(), name="campaign_close"),
    path("campaigns/<int:pk>/export.xlsx", campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/summary.docx", campaign_document, name="campaign_document"),
    path("new/", TalkPlan.as_view(), name="talk_plan"),
    path("<int:pk>/", TalkDetail.as_view(), name="talk_detail"),
    path("<int:pk>/problems/", ProblemAdd.as_view(), name="problem_add"),
    path("<int:pk>/commitments/", CommitmentAdd.as_view(), name="commitment_add"),
    path("<int:pk>/comments/", CommentAdd.as_view(), name="comment_add"),
    path("<int:pk>/report/", ReportUpload.as_view(), name="report_upload"),
    path("<int:pk>/close/", TalkClose.as_view(), name="talk_close"),
    path("<int:pk>/cancel/", TalkCancel.as_view(), name="talk_cancel"),
    path("<int:pk>/addendum/", AddendumAdd.as_view(), name="addendum_add"),
    path("<int:pk>/filing/", FilingRecord.as_view(), name="filing_record"),
    path("<int:pk>/record.docx", talk_document, name="talk_document"),
    path("problems/<int:pk>/remove/", row_remove, {"kind": "problem"}, name="problem_remove"),
    path("commitments/<int:pk>/remove/", row_remove, {"kind": "commitment"}, name="commitment_remove"),
    path("comments/<int:pk>/remove/", row_remove, {"kind": "comment"}, name="comment_remove"),
    path("interview/<int:item_pk>/new/", InterviewCreate.as_view(), name="interview_create"),
]
