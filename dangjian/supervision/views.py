"""Pages of supervision and assessment: fetch through the scope, call one service, render."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from dangjian.core import attachments, audit, documents, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.exports import xlsx_response
from dangjian.core.filters import int_param
from dangjian.core.generic import ActionView, ObjectView, ServiceFormView
from dangjian.core.indicators import Period
from dangjian.core.pagination import CappedPaginator, list_key
from dangjian.core.params import get as param
from dangjian.ledger import door
from dangjian.orgs.models import Organisation

from . import exports, forms, params, selectors, services
from .models import (
    Assessment,
    Briefing,
    InspectionPlan,
    RankingCall,
    RankingSet,
    Rating,
    Scoresheet,
    Venue,
    VenueKind,
    Visit,
    WeakOrg,
)

BRIEF, RATE, CONFIRM_RATING, SELF_ASSESS = "brief", "rate", "confirm_rating", "self_assess"
PER_PAGE = 50
# The inspections page has two lists: the plans page with ``page``, the visits with this parameter.
VISIT_PAGE = "visit_page"


def _crumbs(*pairs):
    return [(label, url) for label, url in pairs]


def _page(request, queryset, name: str = "page", count: int | None = None):
    """One page of a list (a count and the page's rows); the queryset's order ends on the primary key.

    ``count``: the list's length when it is cheaper counted apart (rows annotated with counts over joins,
    which a count of the queryset itself would join and group too).
    """
    paginator = CappedPaginator(queryset, PER_PAGE, key=list_key(request, name))
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get(name))


def _month(request) -> date:
    text = request.GET.get("month") or ""
    try:
        year, month = (int(p) for p in text.split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return selectors.last_complete_month()


class CreateView(ServiceFormView):
    """A form without a record (the organisation is a field of the form, checked by the service)."""

    def get_form_kwargs(self, obj) -> dict:
        return {"user": self.request.user}


# ------------------------------------------------------------------ inspections


@login_required
@require_GET
def plan_list(request):
    """Inspection plans (seen only by the inspecting side) and the visits handed down to my organisations."""
    user = request.user
    plans = InspectionPlan.objects.visible_to(user)
    page = _page(
        request,
        plans.select_related("org")
        .annotate(n_targets=Count("targets", distinct=True), n_visits=Count("visits", distinct=True))
        .order_by("-month", "-pk"),
        count=plans.count(),
    )
    visits = _page(
        request,
        Visit.objects.visible_to(user)
        .filter(status=Visit.Status.SUBMITTED)
        .select_related("org", "plan")
        .order_by("-visited_at", "-pk"),
        VISIT_PAGE,
    )
    return render(
        request,
        "supervision/plan_list.html",
        {
            "page": page,
            "visits": visits,
            "can_plan": scoping.can(user, Cap.INSPECT),
            "breadcrumbs": _crumbs((_("Unannounced inspections"), None)),
        },
    )


class PlanCreate(CreateView):
    capability = Cap.INSPECT
    form_class = forms.PlanForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Inspection planned.")
    success_url_name = "supervision:plan_detail"

    def perform(self, form, obj, user):
        return services.plan_create(actor=user, **form.cleaned_data)

    def get_extra_context(self, obj):
        return {
            "heading": _("Plan an unannounced inspection"),
            "breadcrumbs": _crumbs(
                (_("Unannounced inspections"), reverse("supervision:plan_list")), (_("New"), None)
            ),
        }


class PlanDetail(ObjectView):
    queryset = InspectionPlan.objects.select_related("org", "created_by")
    template_name = "supervision/plan_detail.html"
    context_object_name = "plan"

    def get_extra_context(self, plan):
        return {
            "targets": list(plan.targets.order_by("path")),
            "visits": list(plan.visits.visible_to(self.request.user).select_related("org")),
            "moves": workflow.allowed_moves(plan, self.request.user),
            "timeline": audit.timeline(plan, viewer=self.request.user),
            "breadcrumbs": _crumbs(
                (_("Unannounced inspections"), reverse("supervision:plan_list")), (str(plan), None)
            ),
        }


class PlanStart(ActionView):
    queryset = InspectionPlan.objects.all()
    capability = Cap.INSPECT
    success_message = gettext_lazy("The inspection is under way: visits may be recorded.")
    success_url_name = "supervision:plan_detail"

    def perform(self, form, plan, user):
        return services.plan_start(plan=plan, actor=user)


class PlanClose(PlanStart):
    success_message = gettext_lazy("The inspection is finished.")

    def perform(self, form, plan, user):
        return services.plan_close(plan=plan, actor=user)


class VisitCreate(ServiceFormView):
    """Record a visit from a phone, on the spot."""

    pk_url_kwarg = "plan_pk"
    queryset = InspectionPlan.objects.select_related("org")
    capability = Cap.INSPECT
    form_class = forms.VisitForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Visit recorded.")

    def get_form_kwargs(self, plan):
        return {"plan": plan}

    def get_initial(self, plan):
        return {
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "inspectors": str(self.request.user),
        }

    def perform(self, form, plan, user):
        return services.visit_record(plan=plan, actor=user, **form.service_kwargs())

    def get_success_url(self, plan, visit):
        return reverse("supervision:visit_detail", args=[visit.pk])

    def get_extra_context(self, plan):
        return {
            "heading": _("Record a visit"),
            "subtitle": str(plan),
            "multipart": True,
            "breadcrumbs": _crumbs(
                (_("Unannounced inspections"), reverse("supervision:plan_list")),
                (str(plan), reverse("supervision:plan_detail", args=[plan.pk])),
                (_("Record a visit"), None),
            ),
        }


class VisitDetail(ObjectView):
    queryset = Visit.objects.select_related("org", "plan", "plan__org", "created_by")
    template_name = "supervision/visit_detail.html"
    context_object_name = "visit"

    def get_extra_context(self, visit):
        user = self.request.user
        inspecting = InspectionPlan.objects.visible_to(user).filter(pk=visit.plan_id).exists()
        return {
            "inspecting": inspecting,
            "items": list(door.items_of_source(visit, user)),
            "photos": list(attachments.for_owner(visit, user)),
            "moves": workflow.allowed_moves(visit, user),
            "timeline": audit.timeline(visit, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Unannounced inspections"), reverse("supervision:plan_list")), (str(visit), None)
            ),
        }


class VisitSubmit(ActionView):
    queryset = Visit.objects.select_related("plan", "plan__org", "org")
    success_message = gettext_lazy("The findings were handed down to the organisation's ledger.")
    success_url_name = "supervision:visit_detail"

    def check_capability(self, visit):
        if not scoping.can(self.request.user, Cap.INSPECT, visit.plan.org):
            raise PermissionDenied(self.denied_message)

    def perform(self, form, visit, user):
        return services.visit_submit(visit=visit, actor=user)


# ------------------------------------------------------------------ rankings


@login_required
@require_GET
def ranking_page(request):
    """The ranking of an organisation's children by a weighted indicator set, with movement and trend."""
    user = request.user
    sets = list(RankingSet.objects.visible_to(user).select_related("org"))
    chosen = next((s for s in sets if s.pk == int_param(request.GET.get("set"))), sets[0] if sets else None)
    root_id = int_param(request.GET.get("org"))
    if root_id is not None:
        root = scoping.get_for_user(Organisation.objects.all(), user, pk=root_id)
    elif chosen is not None:
        root = chosen.org if Organisation.objects.visible_to(user).filter(pk=chosen.org_id).exists() else None
    else:
        root = None
    if root is not None and not scoping.sees_whole_subtree(user, root):
        raise Http404
    month = _month(request)
    # A whole year's ranking (?year=2025) instead of a month's: no monthly trend and no call-in there.
    year = int_param(request.GET.get("year"))
    year = year if year and 2000 <= year <= 2100 else None
    period = Period.year(year) if year else selectors.period_of(month)
    trend = None
    if chosen and root and year is None:
        result, trend = selectors.ranking_with_trend(chosen, root, month)
    else:
        result = selectors.ranking(chosen, root, period) if chosen and root else None
    monthly = result is not None and year is None
    return render(
        request,
        "supervision/ranking.html",
        {
            "sets": sets,
            "chosen": chosen,
            "root": root,
            "month": month,
            "year": year,
            "result": result,
            "chart": selectors.ranking_chart(result) if result else None,
            "trend": trend,
            "can_edit": scoping.can(user, BRIEF),
            "can_edit_chosen": chosen is not None and scoping.can(user, BRIEF, chosen),
            "can_call": monthly and scoping.can(user, BRIEF, root),
            "bottom": param(params.BOTTOM_N.key),
            "calls": list(
                RankingCall.objects.visible_to(user).filter(ranking_set=chosen, org=root, month=month)
            )
            if monthly
            else [],
            "breadcrumbs": _crumbs((_("Rankings"), None)),
        },
    )


class RankingSetCreate(CreateView):
    capability = BRIEF
    form_class = forms.RankingSetForm
    template_name = "supervision/ranking_set_form.html"
    success_message = gettext_lazy("Ranking set saved.")

    def perform(self, form, obj, user):
        return services.ranking_set_save(
            org=form.cleaned_data["org"], name=form.cleaned_data["name"], items=form.items(), actor=user
        )

    def get_success_url(self, obj, ranking_set):
        return f"{reverse('supervision:ranking')}?set={ranking_set.pk}"

    def get_extra_context(self, obj):
        return {
            "breadcrumbs": _crumbs(
                (_("Rankings"), reverse("supervision:ranking")), (_("New ranking set"), None)
            )
        }


class RankingSetEdit(ServiceFormView):
    """Change a ranking set's name, indicators, weights and directions (weights still total 100 %)."""

    queryset = RankingSet.objects.select_related("org")
    capability = BRIEF
    form_class = forms.RankingSetForm
    template_name = "supervision/ranking_set_form.html"
    success_message = gettext_lazy("Ranking set saved.")

    def get_form_kwargs(self, ranking_set):
        return {"user": self.request.user, "editing": True}

    def get_initial(self, ranking_set):
        initial = {"name": ranking_set.name}
        for n, item in enumerate(ranking_set.items):
            initial[f"key_{n}"] = item["key"]
            initial[f"weight_{n}"] = item["weight"]
            initial[f"direction_{n}"] = "up" if item["higher_is_better"] else "down"
        return initial

    def perform(self, form, ranking_set, user):
        return services.ranking_set_save(
            org=ranking_set.org,
            name=form.cleaned_data["name"],
            items=form.items(),
            actor=user,
            ranking_set=ranking_set,
        )

    def get_success_url(self, ranking_set, result):
        return f"{reverse('supervision:ranking')}?set={ranking_set.pk}"

    def get_extra_context(self, ranking_set):
        return {
            "heading": ranking_set.name,
            "breadcrumbs": _crumbs((_("Rankings"), reverse("supervision:ranking")), (ranking_set.name, None)),
        }


class RankingCallCreate(CreateView):
    """One action: the last places of a month's ranking become ledger items (约谈、整改) of their organisations."""

    capability = BRIEF
    form_class = forms.RankingCallForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("The last places were called in: each has an item in its ledger.")
    success_url_name = "supervision:ranking_call_detail"

    def get_initial(self, obj):
        get = self.request.GET
        return {
            "ranking_set": int_param(get.get("set")),
            "root": int_param(get.get("org")),
            "month": _month(self.request).strftime("%Y-%m"),
            "deadline": timezone.localdate() + timedelta(days=30),
        }

    def perform(self, form, obj, user):
        data = form.cleaned_data
        return services.ranking_call(
            ranking_set=data["ranking_set"],
            root=data["root"],
            month=data["month"],
            bottom=data["bottom"],
            deadline=data["deadline"],
            actor=user,
        )

    def get_extra_context(self, obj):
        return {
            "heading": _("Call in the last of the ranking"),
            "breadcrumbs": _crumbs((_("Rankings"), reverse("supervision:ranking")), (_("Call in"), None)),
        }


class RankingCallDetail(ObjectView):
    queryset = RankingCall.objects.select_related("ranking_set", "org", "created_by")
    template_name = "supervision/ranking_call_detail.html"
    context_object_name = "call"

    def get_extra_context(self, call):
        user = self.request.user
        return {
            "items": list(door.items_of_source(call, user)),
            "timeline": audit.timeline(call, viewer=user),
            "breadcrumbs": _crumbs((_("Rankings"), reverse("supervision:ranking")), (str(call), None)),
        }


# ------------------------------------------------------------------ briefings


@login_required
@require_GET
def briefing_list(request):
    page = _page(
        request,
        Briefing.objects.visible_to(request.user)
        .select_related("org", "created_by")
        .order_by("-month", "-pk"),
    )
    return render(
        request,
        "supervision/briefing_list.html",
        {
            "page": page,
            "can_brief": scoping.can(request.user, BRIEF),
            "breadcrumbs": _crumbs((_("Monthly briefings"), None)),
        },
    )


class BriefingCreate(CreateView):
    capability = BRIEF
    form_class = forms.BriefingForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Draft briefing saved.")
    success_url_name = "supervision:briefing_detail"

    def get_initial(self, obj):
        return {"month": selectors.month_start(timezone.localdate()).strftime("%Y-%m")}

    def perform(self, form, obj, user):
        return services.briefing_create(actor=user, **form.cleaned_data)

    def get_extra_context(self, obj):
        return {
            "heading": _("New monthly briefing"),
            "breadcrumbs": _crumbs(
                (_("Monthly briefings"), reverse("supervision:briefing_list")), (_("New"), None)
            ),
        }


class BriefingDetail(ObjectView):
    queryset = Briefing.objects.select_related(
        "org", "ranking_set", "created_by", "reviewed_by", "published_by"
    )
    template_name = "supervision/briefing_detail.html"
    context_object_name = "briefing"

    def get_extra_context(self, briefing):
        user = self.request.user
        return {
            "content": selectors.briefing_view(briefing),
            "moves": workflow.allowed_moves(briefing, user),
            "can_edit": briefing.status == Briefing.Status.DRAFT and scoping.can(user, BRIEF, briefing),
            "timeline": audit.timeline(briefing, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Monthly briefings"), reverse("supervision:briefing_list")), (str(briefing), None)
            ),
        }


class BriefingPrint(BriefingDetail):
    template_name = "supervision/briefing_print.html"


class BriefingEdit(ServiceFormView):
    queryset = Briefing.objects.select_related("org", "ranking_set")
    capability = BRIEF
    form_class = forms.BriefingForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Briefing saved.")
    success_url_name = "supervision:briefing_detail"

    def get_form_kwargs(self, briefing):
        return {"user": self.request.user, "editing": True}

    def get_initial(self, briefing):
        return {
            "title": briefing.title,
            "summary": briefing.summary,
            "good_practice": briefing.good_practice,
            "ranking_set": briefing.ranking_set_id,
        }

    def perform(self, form, briefing, user):
        return services.briefing_update(briefing=briefing, actor=user, **form.cleaned_data)

    def get_extra_context(self, briefing):
        return {
            "heading": _("Edit the briefing"),
            "breadcrumbs": _crumbs(
                (_("Monthly briefings"), reverse("supervision:briefing_list")),
                (str(briefing), reverse("supervision:briefing_detail", args=[briefing.pk])),
                (_("Edit"), None),
            ),
        }


class BriefingReview(ActionView):
    queryset = Briefing.objects.select_related("org")
    capability = BRIEF
    success_message = gettext_lazy("The briefing was reviewed; it can now be issued.")
    success_url_name = "supervision:briefing_detail"

    def perform(self, form, briefing, user):
        return services.briefing_review(briefing=briefing, actor=user)


class BriefingReturn(ServiceFormView):
    queryset = Briefing.objects.select_related("org")
    capability = BRIEF
    form_class = forms.NoteForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("The briefing was returned to draft.")
    success_url_name = "supervision:briefing_detail"

    def perform(self, form, briefing, user):
        return services.briefing_return(briefing=briefing, actor=user, note=form.cleaned_data["note"])

    def get_extra_context(self, briefing):
        return {
            "heading": _("Return the briefing to draft"),
            "breadcrumbs": _crumbs(
                (_("Monthly briefings"), reverse("supervision:briefing_list")),
                (str(briefing), reverse("supervision:briefing_detail", args=[briefing.pk])),
                (_("Return to draft"), None),
            ),
        }


class BriefingPublish(ActionView):
    queryset = Briefing.objects.select_related("org", "ranking_set")
    capability = BRIEF
    success_message = gettext_lazy("The briefing was published; its figures are now frozen.")
    success_url_name = "supervision:briefing_detail"

    def perform(self, form, briefing, user):
        return services.briefing_publish(briefing=briefing, actor=user)


class BriefingExport(ObjectView):
    """The briefing's tables as an .xlsx annex (the snapshot once published)."""

    queryset = Briefing.objects.select_related("org", "ranking_set")

    def get(self, request, *args, **kwargs):
        briefing = self.fetch()
        content = selectors.briefing_view(briefing)
        return xlsx_response(exports.briefing_xlsx(content), f"{briefing.title}.xlsx")


class BriefingDocument(ObjectView):
    """The briefing as a Word document from the replaceable template."""

    queryset = Briefing.objects.select_related("org", "ranking_set")

    def get(self, request, *args, **kwargs):
        briefing = self.fetch()
        content = selectors.briefing_view(briefing)
        data = documents.render(
            "supervision.briefing", selectors.briefing_document_context(briefing, content)
        )
        return documents.response(data, filename=f"{briefing.title}.docx")


# ------------------------------------------------------------------ ratings


def _year(request) -> int:
    year = int_param(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year - 1


@login_required
@require_GET
def rating_list(request):
    """Ratings of one year (分类定级 and stars), with the star plaques list for download."""
    year = _year(request)
    page = _page(
        request,
        Rating.objects.visible_to(request.user)
        .filter(year=year)
        .select_related("org")
        .order_by("org__path", "pk"),
    )
    return render(
        request,
        "supervision/rating_list.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "page": page,
            "can_self": scoping.can(request.user, SELF_ASSESS),
            "breadcrumbs": _crumbs((_("Classification and stars"), None)),
        },
    )


@login_required
@require_GET
def rating_export(request):
    """The star plaques list (.xlsx): confirmed ratings of the year with their stars."""
    year = _year(request)
    ratings = (
        Rating.objects.visible_to(request.user)
        .filter(year=year, status=Rating.Status.CONFIRMED)
        .select_related("org")
        .order_by("-stars", "org__path")
    )
    return xlsx_response(exports.plaques_xlsx(ratings), f"{year}年星级党组织名单.xlsx")


class RatingCreate(CreateView):
    """The self-assessment; once the organisation and year are chosen, on the scoresheet that applies."""

    capability = SELF_ASSESS
    form_class = forms.RatingSelfForm
    template_name = "supervision/rating_form.html"
    success_message = gettext_lazy("Self-assessment saved.")
    success_url_name = "supervision:rating_detail"

    def _chosen(self):
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        org_id, year = int_param(data.get("org")), int_param(data.get("year"))
        if org_id is None or year is None:
            return None, None
        org = Organisation.objects.where_can(self.request.user, SELF_ASSESS).filter(pk=org_id).first()
        sheet = selectors.sheet_for(org, year) if org is not None else None
        return org, sheet

    def get_form_kwargs(self, obj):
        org, sheet = self._chosen()
        self.sheet_rows = selectors.sheet_prefill(sheet, org) if sheet is not None else None
        self.sheet = sheet
        return {"user": self.request.user, "sheet_rows": self.sheet_rows}

    def get_initial(self, obj):
        return {
            "org": int_param(self.request.GET.get("org")),
            "year": int_param(self.request.GET.get("year")) or timezone.localdate().year,
        }

    def perform(self, form, obj, user):
        return services.rating_self_assess(actor=user, **form.service_kwargs())

    def get_extra_context(self, obj):
        return {
            "heading": _("Self-assessment"),
            "sheet": getattr(self, "sheet", None),
            "sheet_rows": getattr(self, "sheet_rows", None),
            "breadcrumbs": _crumbs(
                (_("Classification and stars"), reverse("supervision:rating_list")), (_("New"), None)
            ),
        }


# ------------------------------------------------------------------ rating scoresheets


@login_required
@require_GET
def scoresheet_list(request):
    """The rating scoresheets of the organisations the user may see, and whether ratings have used them."""
    sheets = Scoresheet.objects.visible_to(request.user)
    page = _page(
        request,
        sheets.select_related("org")
        .annotate(n_ratings=Count("ratings"))
        .order_by("-year", "org__path", "pk"),
        count=sheets.count(),
    )
    return render(
        request,
        "supervision/scoresheet_list.html",
        {
            "page": page,
            "can_rate": scoping.can(request.user, RATE),
            "breadcrumbs": _crumbs(
                (_("Classification and stars"), reverse("supervision:rating_list")), (_("Scoresheets"), None)
            ),
        },
    )


def _sheet_initial() -> dict:
    return {
        "grade_thresholds": ",".join(
            str(param(k.key)) for k in (params.GRADE_GOOD, params.GRADE_FAIRLY_GOOD, params.GRADE_AVERAGE)
        ),
        "star_thresholds": ",".join(params.split(params.STAR_THRESHOLDS.key)),
    }


class ScoresheetCreate(CreateView):
    capability = RATE
    form_class = forms.ScoresheetForm
    template_name = "supervision/scoresheet_form.html"
    success_message = gettext_lazy("Scoresheet saved.")
    success_url_name = "supervision:scoresheet_edit"

    def get_initial(self, obj):
        return {"year": timezone.localdate().year, **_sheet_initial()}

    def perform(self, form, obj, user):
        return services.scoresheet_save(actor=user, **form.service_kwargs())

    def get_extra_context(self, obj):
        return {
            "heading": _("New scoresheet"),
            "breadcrumbs": _crumbs(
                (_("Scoresheets"), reverse("supervision:scoresheet_list")), (_("New"), None)
            ),
        }


class ScoresheetEdit(ServiceFormView):
    """A scoresheet's page: its items and thresholds, changed until a rating has used it."""

    queryset = Scoresheet.objects.select_related("org", "created_by")
    template_name = "supervision/scoresheet_form.html"
    form_class = forms.ScoresheetForm
    context_object_name = "sheet"
    success_message = gettext_lazy("Scoresheet saved.")
    success_url_name = "supervision:scoresheet_edit"

    capability = RATE

    def get_form_kwargs(self, sheet):
        return {"user": self.request.user, "editing": True}

    def get_initial(self, sheet):
        initial = {
            "name": sheet.name,
            "grade_thresholds": ",".join(f"{v:g}" for v in sheet.grade_thresholds),
            "star_thresholds": ",".join(f"{v:g}" for v in sheet.star_thresholds),
        }
        for n, item in enumerate(sheet.items):
            initial.update(
                {
                    f"name_{n}": item["name"],
                    f"weight_{n}": item["weight"],
                    f"indicator_{n}": item["indicator"],
                    f"full_{n}": item["full"],
                }
            )
        return initial

    def perform(self, form, sheet, user):
        return services.scoresheet_save(
            org=sheet.org, year=sheet.year, actor=user, sheet=sheet, **form.service_kwargs()
        )

    def get_extra_context(self, sheet):
        user = self.request.user
        return {
            "heading": str(sheet),
            "subtitle": sheet.org.label,
            "frozen": sheet.ratings.exists(),
            "can_edit": scoping.can(user, RATE, sheet),
            "timeline": audit.timeline(sheet, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Scoresheets"), reverse("supervision:scoresheet_list")), (str(sheet), None)
            ),
        }


class RatingDetail(ObjectView):
    queryset = Rating.objects.select_related("org", "rated_by", "created_by", "sheet")
    template_name = "supervision/rating_detail.html"
    context_object_name = "rating"

    def get_extra_context(self, rating):
        user = self.request.user
        moves = dict(workflow.allowed_moves(rating, user))
        return {
            "rate_form": forms.RatingRateForm() if "rated" in moves else None,
            "can_confirm": "confirmed" in moves,
            "can_return": "self_assessed" in moves,
            "note_form": forms.NoteForm(),
            "timeline": audit.timeline(rating, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Classification and stars"), reverse("supervision:rating_list")), (str(rating), None)
            ),
        }


class RatingRate(ServiceFormView):
    queryset = Rating.objects.select_related("org")
    capability = RATE
    form_class = forms.RatingRateForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Rating saved.")
    success_url_name = "supervision:rating_detail"

    def perform(self, form, rating, user):
        return services.rating_rate(rating=rating, actor=user, **form.cleaned_data)

    def get_extra_context(self, rating):
        return {
            "heading": _("Rate %(org)s") % {"org": rating.org.label},
            "breadcrumbs": _crumbs(
                (_("Classification and stars"), reverse("supervision:rating_list")),
                (str(rating), reverse("supervision:rating_detail", args=[rating.pk])),
                (_("Rate"), None),
            ),
        }


class RatingConfirm(ActionView):
    queryset = Rating.objects.select_related("org")
    capability = CONFIRM_RATING
    success_message = gettext_lazy("Rating confirmed.")
    success_url_name = "supervision:rating_detail"

    def perform(self, form, rating, user):
        return services.rating_confirm(rating=rating, actor=user)


class RatingReturn(ServiceFormView):
    queryset = Rating.objects.select_related("org")
    capability = CONFIRM_RATING
    form_class = forms.NoteForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Rating returned to the township.")
    success_url_name = "supervision:rating_detail"

    def perform(self, form, rating, user):
        return services.rating_return(rating=rating, actor=user, note=form.cleaned_data["note"])

    def get_extra_context(self, rating):
        return {"heading": _("Return the rating"), "breadcrumbs": []}


# ------------------------------------------------------------------ weak organisations


@login_required
@require_GET
def weak_list(request):
    """Weak organisations (软弱涣散) and the organisations the data suggest flagging."""
    user = request.user
    page = _page(
        request, WeakOrg.objects.visible_to(user).select_related("org").order_by("-year", "org__path", "pk")
    )
    return render(
        request,
        "supervision/weak_list.html",
        {
            "page": page,
            "suggestions": selectors.weak_suggestions(user),
            "can_flag": scoping.can(user, RATE),
            "breadcrumbs": _crumbs((_("Weak organisations"), None)),
        },
    )


class WeakCreate(CreateView):
    capability = RATE
    form_class = forms.WeakFlagForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Organisation flagged weak and lax.")
    success_url_name = "supervision:weak_detail"

    def get_initial(self, obj):
        org = int_param(self.request.GET.get("org"))
        reasons = [r for r in self.request.GET.getlist("reason") if r]
        return {"org": org, "reasons": reasons}

    def perform(self, form, obj, user):
        return services.weak_flag(actor=user, **form.cleaned_data)

    def get_extra_context(self, obj):
        return {
            "heading": _("Flag a weak organisation"),
            "breadcrumbs": _crumbs(
                (_("Weak organisations"), reverse("supervision:weak_list")), (_("New"), None)
            ),
        }


class WeakDetail(ObjectView):
    queryset = WeakOrg.objects.select_related("org", "created_by")
    template_name = "supervision/weak_detail.html"
    context_object_name = "weak"

    def get_extra_context(self, weak):
        user = self.request.user
        moves = dict(workflow.allowed_moves(weak, user))
        return {
            "items": list(door.items_of_source(weak, user)),
            "plan_form": forms.WeakPlanForm() if "rectifying" in moves else None,
            "can_lift": "lifted" in moves,
            "timeline": audit.timeline(weak, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Weak organisations"), reverse("supervision:weak_list")), (str(weak), None)
            ),
        }


class WeakHandDown(ServiceFormView):
    queryset = WeakOrg.objects.select_related("org")
    capability = RATE
    form_class = forms.WeakPlanForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("The rectification list was handed down.")
    success_url_name = "supervision:weak_detail"

    def perform(self, form, weak, user):
        return services.weak_hand_down(weak=weak, actor=user, **form.service_kwargs())

    def get_extra_context(self, weak):
        return {"heading": _("Rectification list of %(org)s") % {"org": weak.org.label}, "breadcrumbs": []}


class WeakLift(ActionView):
    queryset = WeakOrg.objects.select_related("org")
    capability = CONFIRM_RATING
    success_message = gettext_lazy("The flag was lifted.")
    success_url_name = "supervision:weak_detail"

    def perform(self, form, weak, user):
        return services.weak_lift(weak=weak, actor=user)


# ------------------------------------------------------------------ venues


@login_required
@require_GET
def venue_list(request):
    """Venues (六有) and the 清零 progress by township: branches still without a venue."""
    user = request.user
    # The pager's total and the figure above the list in one query, both over every venue the user sees.
    counts, zero = selectors.venue_overview(user)
    venues = Venue.objects.visible_to(user)
    page = _page(request, venues.select_related("org").order_by("org__path", "pk"), count=counts["total"])
    return render(
        request,
        "supervision/venue_list.html",
        {
            "page": page,
            "zero": zero,
            "missing": counts["missing"],
            "chart": selectors.zero_chart(zero) if zero else None,
            "can_edit": scoping.can(user, SELF_ASSESS),
            "breadcrumbs": _crumbs((_("Activity venues"), None)),
        },
    )


class VenueSave(CreateView):
    capability = SELF_ASSESS
    form_class = forms.VenueForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Venue saved.")
    success_url_name = "supervision:venue_detail"

    def get_initial(self, obj):
        return {"org": int_param(self.request.GET.get("org"))}

    def perform(self, form, obj, user):
        return services.venue_save(actor=user, **form.cleaned_data)

    def get_extra_context(self, obj):
        return {
            "heading": _("Record a venue"),
            "multipart": True,
            "breadcrumbs": _crumbs(
                (_("Activity venues"), reverse("supervision:venue_list")),
                (pgettext("action", "Record"), None),
            ),
        }


class VenueDetail(ObjectView):
    queryset = Venue.objects.select_related("org", "created_by")
    template_name = "supervision/venue_detail.html"
    context_object_name = "venue"

    def get_extra_context(self, venue):
        user = self.request.user
        parent = Organisation.objects.get_parent(venue.org)
        return {
            "standard": selectors.venue_standard(venue),
            "photos": list(attachments.for_owner(venue, user)),
            "items": list(door.items_of_source(venue, user)),
            "can_hand_down": venue.kind == VenueKind.NONE
            and parent is not None
            and scoping.can(user, Cap.HAND_DOWN, parent),
            "timeline": audit.timeline(venue, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Activity venues"), reverse("supervision:venue_list")), (str(venue), None)
            ),
        }


class VenueHandDown(ActionView):
    queryset = Venue.objects.select_related("org")
    success_message = gettext_lazy("The venue plan was handed down as a ledger item.")
    success_url_name = "supervision:venue_detail"

    def check_capability(self, venue):
        parent = Organisation.objects.get_parent(venue.org)
        if parent is None or not scoping.can(self.request.user, Cap.HAND_DOWN, parent):
            raise PermissionDenied(self.denied_message)

    def perform(self, form, venue, user):
        return services.venue_hand_down(venue=venue, actor=user)


# ------------------------------------------------------------------ annual assessment


@login_required
@require_GET
def assessment_list(request):
    page = _page(
        request, Assessment.objects.visible_to(request.user).select_related("org").order_by("-year", "-pk")
    )
    return render(
        request,
        "supervision/assessment_list.html",
        {
            "page": page,
            "can_brief": scoping.can(request.user, BRIEF),
            "breadcrumbs": _crumbs((_("Annual assessment"), None)),
        },
    )


class AssessmentCreate(CreateView):
    capability = BRIEF
    form_class = forms.AssessmentForm
    template_name = "supervision/ranking_set_form.html"
    success_message = gettext_lazy("Assessment set up.")
    success_url_name = "supervision:assessment_detail"

    def get_initial(self, obj):
        return {"year": timezone.localdate().year, "manual_items": "述职评议 20\n党员教育培训 10"}

    def perform(self, form, obj, user):
        data = form.cleaned_data
        return services.assessment_create(
            org=data["org"],
            year=data["year"],
            title=data["name"],
            items=form.items(),
            manual_items=data["manual_items"],
            actor=user,
        )

    def get_extra_context(self, obj):
        return {
            "heading": _("New annual assessment"),
            "extra_fields": True,
            "breadcrumbs": _crumbs(
                (_("Annual assessment"), reverse("supervision:assessment_list")), (_("New"), None)
            ),
        }


class AssessmentDetail(ObjectView):
    queryset = Assessment.objects.select_related("org", "created_by", "confirmed_by")
    template_name = "supervision/assessment_detail.html"
    context_object_name = "assessment"

    def get_extra_context(self, assessment):
        user = self.request.user
        draft = assessment.status == Assessment.Status.DRAFT
        return {
            "results": selectors.assessment_view(assessment),
            "score_form": forms.AssessmentScoreForm(assessment=assessment)
            if draft and assessment.manual_names and scoping.can(user, BRIEF, assessment)
            else None,
            "moves": workflow.allowed_moves(assessment, user),
            "timeline": audit.timeline(assessment, viewer=user),
            "breadcrumbs": _crumbs(
                (_("Annual assessment"), reverse("supervision:assessment_list")), (str(assessment), None)
            ),
        }


class AssessmentScore(ServiceFormView):
    queryset = Assessment.objects.select_related("org")
    capability = BRIEF
    form_class = forms.AssessmentScoreForm
    template_name = "supervision/form.html"
    success_message = gettext_lazy("Score saved.")
    success_url_name = "supervision:assessment_detail"

    def get_form_kwargs(self, assessment):
        return {"assessment": assessment}

    def perform(self, form, assessment, user):
        return services.assessment_score(assessment=assessment, actor=user, **form.cleaned_data)

    def get_extra_context(self, assessment):
        return {"heading": _("Score an item"), "subtitle": str(assessment), "breadcrumbs": []}


class AssessmentConfirm(ActionView):
    queryset = Assessment.objects.select_related("org")
    capability = BRIEF
    success_message = gettext_lazy("The results are confirmed and frozen.")
    success_url_name = "supervision:assessment_detail"

    def perform(self, form, assessment, user):
        return services.assessment_confirm(assessment=assessment, actor=user)
