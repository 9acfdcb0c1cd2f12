"""Village governance pages: duty and check-in (phones first), leave, major-matter reports, first
secretaries, work files, 四议两公开 decisions and grid matters.

Each view fetches through the user's scope (404 for missing and not yours), calls one service
and renders; refusals from the services are shown on the form or flashed on the record's page.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dangjian.core import attachments, audit, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.exports import xlsx_response
from dangjian.core.generic import ObjectView, ServiceFormView
from dangjian.core.pagination import list_key, page_of
from dangjian.core.prepared import kept, kept_related
from dangjian.ledger import door
from dangjian.orgs.models import Organisation, Post

from . import columns, selectors, services
from .forms import (
    CheckInForm,
    CommitmentsForm,
    DecisionForm,
    GridCategoryForm,
    GridForm,
    HolidayDutyForm,
    ImplementedForm,
    LeaveForm,
    MatterForm,
    MatterMoveForm,
    MoveForm,
    PostingForm,
    ReportForm,
    ReportKindForm,
    RotaForm,
    StepForm,
    ToLedgerForm,
    WorkFileForm,
)
from .models import (
    CADRE_POSTS,
    CheckIn,
    Decision,
    FirstSecretaryPosting,
    Grid,
    GridCategory,
    GridMatter,
    HolidayDuty,
    Leave,
    MajorMatterReport,
    OfficeRota,
    ReportKind,
    Step,
    WorkFile,
)
from .rules import NEXT_STEP, VCap, can_keep, keeper_orgs

PER_PAGE = 30


def _parse_day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _org_param(request):
    """The organisation named in ?org= (through the scope), or None."""
    pk = request.GET.get("org")
    if not pk:
        return None
    return scoping.get_for_user(Organisation, request.user, pk=pk)


def _dictionary_param(request, name: str, model):
    """The dictionary entry named in ?<name>= among those the user sees (None when absent or unknown)."""
    pk = request.GET.get(name, "")
    return model.objects.visible_to(request.user).filter(pk=pk).first() if pk.isdigit() else None


def _filter_choices(request, model):
    """Entries to filter a list by: those the user sees, in use or not (older records keep theirs)."""
    return model.objects.visible_to(request.user).order_by("-active", "order", "name")


def _page(request, queryset, read: tuple | None = None):
    """A page of the list. ``read``: what its filters read from the database while its query was built (the
    path of the organisation ?org= chose, the dictionary entry ?category= or ?kind= named if the user sees
    it): named in the key, so that a move or an entry's change compiles the list afresh. A list that reads
    any of them and does not say what gets no key (built and compiled on each visit)."""
    key = list_key(request, naming=("org", "category", "kind"), read=read)
    return page_of(queryset, request, PER_PAGE, key=key)


def cadre_posts():
    return Post.objects.filter(kind__in=CADRE_POSTS).select_related("org", "person")


# --- duty ---


@login_required
@require_GET
def my_duty(request):
    """The cadre's own page on a phone: today's duty, one-tap check-in, own leave and reports."""
    today = timezone.localdate()
    person_id = getattr(request.user, "person_id", None)
    posts, checked, leaves = [], set(), []
    if person_id:
        # One card per village, even for a secretary who is also the committee director (一肩挑).
        posts = list(
            {
                p.org_id: p
                for p in reversed(
                    cadre_posts()
                    .visible_to(request.user)
                    .filter(person_id=person_id)
                    .current(today)
                    .order_by("kind")
                )
            }.values()
        )
        checked = set(
            CheckIn.objects.visible_to(request.user)
            .filter(person_id=person_id, day=today)
            .values_list("org_id", flat=True)
        )
        leaves = list(
            Leave.objects.visible_to(request.user)
            .filter(person_id=person_id)
            .select_related("org")
            .order_by("-starts_on")[:5]
        )
    days = {}
    for post in posts:
        day_rows = selectors.rota_day(request.user, today, [post.org])[0].rows
        days[post.pk] = next((r for r in day_rows if r.person_id == person_id), None)
    return render(
        request,
        "village/my_duty.html",
        {
            "today": today,
            "posts": [(p, p.org_id in checked, days.get(p.pk)) for p in posts],
            "leaves": leaves,
            "has_person": bool(person_id),
            "form": CheckInForm(),
        },
    )


class CheckInCreate(ServiceFormView):
    """One tap: the cadre checks in on duty (time from the server; location and photo optional)."""

    queryset = cadre_posts()
    form_class = CheckInForm
    template_name = "village/form.html"
    context_object_name = "post"
    success_message = gettext_lazy("Checked in.")

    def perform(self, form, post, user):
        return services.checkin_record(
            post=post, actor=user, location=form.cleaned_data["location"], photo=form.cleaned_data["photo"]
        )

    def get_success_url(self, post, result):
        return reverse("village:my_duty")

    def get_extra_context(self, post):
        return {
            "title": _("Check in"),
            "subtitle": f"{post.org.label} · {post.person.name}",
            "multipart": True,
        }


@login_required
@require_GET
def rota_day(request):
    """Who was due on duty on a day in each village, who checked in, who was on leave, who was missing."""
    day = _parse_day(request.GET.get("day"))
    org = _org_param(request)
    page = _page(request, selectors.villages_for(request.user, org), (org and org.path,))
    villages = selectors.rota_day(request.user, day, list(page))
    from .duty import day_kind, holiday_name

    return render(
        request,
        "village/rota_day.html",
        {
            "day": day,
            "kind": day_kind(day),
            "holiday": holiday_name(day),
            "org": org,
            "import_org_id": _import_org_id(request.user, org),
            "page": page,
            "villages": villages,
            "totals": {
                k: sum(getattr(v, k) for v in villages) for k in ("due", "checked", "on_leave", "missing")
            },
        },
    )


def _import_org_id(user, org) -> int | None:
    """Where the rota and grid imports lead: the organisation shown, else the top one where the user keeps
    the cadres' records (read from the user's grants, no query)."""
    if org is not None:
        return org.pk if scoping.can(user, VCap.MANAGE_CADRES, org) else None
    grants = [g for g in scoping.without_focus(user).grants if VCap.MANAGE_CADRES in g.caps and g.subtree]
    return min(grants, key=lambda g: len(g.path)).org_id if grants else None


class CadreDetail(ObjectView):
    """One cadre in one village: rota, recent check-ins, leave, reports, first-secretary posting, work files."""

    queryset = cadre_posts()
    template_name = "village/cadre_detail.html"
    context_object_name = "post"

    def get_extra_context(self, post):
        user = self.request.user
        mine = {"org_id": post.org_id, "person_id": post.person_id}
        return {
            "rota": OfficeRota.objects.visible_to(user).filter(**mine, active_until__isnull=True),
            "checkins": CheckIn.objects.visible_to(user).filter(**mine)[:20],
            "duties": HolidayDuty.objects.visible_to(user).filter(**mine, day__gte=timezone.localdate())[:10],
            "leaves": Leave.objects.visible_to(user).filter(**mine)[:20],
            "reports": MajorMatterReport.objects.visible_to(user).filter(**mine).select_related("kind")[:20],
            "postings": FirstSecretaryPosting.objects.visible_to(user).filter(**mine),
            "work_files": WorkFile.objects.visible_to(user).filter(**mine),
            "can_manage": scoping.can(user, VCap.MANAGE_CADRES, post),
            "is_self": getattr(user, "person_id", None) == post.person_id,
            "is_first_secretary": post.kind == "first_secretary",
        }


class PostFormView(ServiceFormView):
    """A form about one cadre's post, returning to the cadre's page."""

    queryset = cadre_posts()
    template_name = "village/form.html"
    context_object_name = "post"
    title = ""

    def get_success_url(self, post, result):
        return reverse("village:cadre_detail", args=[post.pk])

    def get_extra_context(self, post):
        return {
            "title": self.title,
            "subtitle": f"{post.org.label} · {post.person.name} · {post.get_kind_display()}",
            "back": reverse("village:cadre_detail", args=[post.pk]),
        }


class RotaEdit(PostFormView):
    capability = VCap.MANAGE_CADRES
    form_class = RotaForm
    title = gettext_lazy("Office hours")
    success_message = gettext_lazy("The rota was saved.")

    def get_initial(self, post):
        rows = OfficeRota.objects.filter(org=post.org, person=post.person, active_until__isnull=True)
        return {"weekdays": [r.weekday for r in rows]}

    def perform(self, form, post, user):
        return services.rota_set(post=post, weekdays=form.cleaned_data["weekdays"], actor=user)


class HolidayDutyGenerate(ServiceFormView):
    """Share a year's statutory holidays among the village's cadres (from the official calendar)."""

    queryset = Organisation.objects.all()
    capability = VCap.MANAGE_CADRES
    form_class = HolidayDutyForm
    template_name = "village/form.html"
    context_object_name = "org"

    def get_initial(self, org):
        return {"year": timezone.localdate().year}

    def perform(self, form, org, user):
        return services.holiday_duty_generate(org=org, year=form.cleaned_data["year"], actor=user)

    def get_success_message(self, org, result):
        return _("%(n)s holiday duty days assigned.") % {"n": result}

    def get_success_url(self, org, result):
        return reverse("village:rota_day") + f"?org={org.pk}"

    def get_extra_context(self, org):
        return {"title": _("Holiday duty"), "subtitle": org.label}


# --- leave ---


class LeaveCreate(PostFormView):
    form_class = LeaveForm
    title = gettext_lazy("Request leave")
    success_message = gettext_lazy("The leave request was sent.")

    def perform(self, form, post, user):
        return services.leave_request(post=post, actor=user, **form.cleaned_data)

    def get_success_url(self, post, result):
        return reverse("village:leave_detail", args=[result.pk])


def _leave_list(request):
    today = timezone.localdate()
    qs = Leave.objects.visible_to(request.user).select_related("org", "person")
    status = request.GET.get("status", "")
    if status == "unreturned":
        qs = qs.filter(selectors.unreturned_q(today))
    elif status in Leave.Status.values:
        qs = qs.filter(status=status)
    org = _org_param(request)
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    return qs, status, org, today, (org and org.path,)


@login_required
@require_GET
def leave_list(request):
    qs, status, org, today, read = _leave_list(request)
    return render(
        request,
        "village/leave_list.html",
        {
            "page": _page(request, qs, read),
            "status": status,
            "org": org,
            "today": today,
            "states": Leave.Status.choices,
        },
    )


@login_required
@require_GET
def leave_export(request):
    qs, _status, _org, _today, _read = _leave_list(request)
    scoping.ensure_can(request.user, "export")
    return xlsx_response(columns.leave_xlsx(qs), _("Village cadres' leave.xlsx"))


def _moves(obj, user):
    return [
        {"to": to, "label": rule.label, "note_required": rule.note_required}
        for to, rule in workflow.allowed_moves(obj, user)
    ]


class LeaveDetail(ObjectView):
    queryset = Leave.objects.select_related("org", "person", "requested_by")
    template_name = "village/leave_detail.html"
    context_object_name = "leave"

    def get_extra_context(self, leave):
        return {
            "moves": _moves(leave, self.request.user),
            "timeline": audit.timeline(leave, viewer=self.request.user),
            "unreturned": leave.unreturned(timezone.localdate()),
        }


class MoveView(ObjectView):
    """POST only: one workflow move; a refusal is flashed on the record's page, nothing changed."""

    http_method_names = ["post"]
    form_class = MoveForm
    detail_url = ""

    def perform(self, form, obj, user):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.fetch()
        form = self.form_class(request.POST)
        target = reverse(self.detail_url, args=[obj.pk])
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(target)
        try:
            self.perform(form.cleaned_data, obj, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved."))
        return redirect(target)


class LeaveMove(MoveView):
    queryset = Leave.objects.all()
    detail_url = "village:leave_detail"

    def perform(self, data, leave, user):
        services.leave_move(
            leave=leave,
            to=data["to"],
            actor=user,
            note=data["note"],
            returned_on=data["returned_on"],
            version=data["version"],
        )


# --- major-matter reports ---


class ReportCreate(PostFormView):
    form_class = ReportForm
    title = gettext_lazy("File a major-matter report")
    success_message = gettext_lazy("The report was filed with the township.")

    def get_form_kwargs(self, post):
        return {"org": post.org}

    def perform(self, form, post, user):
        return services.report_file(post=post, actor=user, **form.cleaned_data)

    def get_success_url(self, post, result):
        return reverse("village:report_detail", args=[result.pk])


def _report_list(request):
    qs = MajorMatterReport.objects.visible_to(request.user).select_related("org", "person", "kind")
    status = request.GET.get("status", "")
    if status == "late":
        qs = qs.filter(late=True)
    elif status in MajorMatterReport.Status.values:
        qs = qs.filter(status=status)
    kind = _dictionary_param(request, "kind", ReportKind)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs, status, (kind and kind.pk,)


@login_required
@require_GET
def report_list(request):
    qs, status, read = _report_list(request)
    return render(
        request,
        "village/report_list.html",
        {
            "page": _page(request, qs, read),
            "status": status,
            "states": MajorMatterReport.Status.choices,
            "kinds": _filter_choices(request, ReportKind),
            "kind": request.GET.get("kind", ""),
        },
    )


@login_required
@require_GET
def report_export(request):
    qs, _status, _read = _report_list(request)
    scoping.ensure_can(request.user, "export")
    return xlsx_response(columns.report_xlsx(qs), _("Major-matter reports.xlsx"))


class ReportDetail(ObjectView):
    queryset = MajorMatterReport.objects.select_related("org", "person", "filed_by", "kind")
    template_name = "village/report_detail.html"
    context_object_name = "report"

    def get_extra_context(self, report):
        return {
            "moves": _moves(report, self.request.user),
            "timeline": audit.timeline(report, viewer=self.request.user),
        }


class ReportMove(MoveView):
    queryset = MajorMatterReport.objects.all()
    detail_url = "village:report_detail"

    def perform(self, data, report, user):
        if data["to"] != MajorMatterReport.Status.ACKNOWLEDGED:
            raise ValidationError(_("Unknown step."))
        services.report_acknowledge(report=report, actor=user, note=data["note"], version=data["version"])


# --- first secretaries, work files ---


class PostingCreate(PostFormView):
    capability = VCap.MANAGE_CADRES
    form_class = PostingForm
    title = gettext_lazy("First-secretary posting")
    success_message = gettext_lazy("The posting was recorded.")

    def perform(self, form, post, user):
        return services.posting_create(post=post, actor=user, **form.cleaned_data)


@login_required
@require_GET
def first_secretaries(request):
    """Every first secretary in scope with days on post per month; months under the minimum flagged."""
    today = timezone.localdate()
    postings, months, presence = selectors.first_secretaries(request.user, today)
    rows = [(p, presence.get(p.pk, [])) for p in postings]
    return render(
        request,
        "village/first_secretaries.html",
        {"rows": rows, "months": months, "short": sum(1 for _p, ms in rows for m in ms if m.short)},
    )


class WorkFileEdit(PostFormView):
    capability = VCap.MANAGE_CADRES
    form_class = WorkFileForm
    title = gettext_lazy("Work file")
    success_message = gettext_lazy("The work file was saved.")

    def get_form(self, post):
        year = str(self.request.POST.get("year") or self.request.GET.get("year") or "")
        year = int(year) if year.isdigit() and len(year) == 4 else timezone.localdate().year
        instance = WorkFile.objects.filter(org=post.org, person=post.person, year=year).first()
        data = self.request.POST if self.request.method == "POST" else None
        return WorkFileForm(data=data, instance=instance, initial={"year": year})

    def perform(self, form, post, user):
        values = dict(form.cleaned_data)
        return services.work_file_save(post=post, actor=user, **values)

    def get_success_url(self, post, result):
        return reverse("village:work_file_detail", args=[result.pk])


class WorkFileDetail(ObjectView):
    queryset = WorkFile.objects.select_related("org", "person", "updated_by")
    template_name = "village/work_file_detail.html"
    context_object_name = "work_file"

    def get_extra_context(self, work_file):
        post = (
            cadre_posts()
            .visible_to(self.request.user)
            .filter(org=work_file.org, person=work_file.person)
            .first()
        )
        user = self.request.user
        issuer = Organisation.objects.filter(path=work_file.org.path[:-4]).first()
        return {
            "post": post,
            "items": list(door.items_of_source(work_file, user)),
            "can_track": bool(work_file.commitments.strip())
            and issuer is not None
            and scoping.can(user, Cap.HAND_DOWN, issuer)
            and work_file.year >= timezone.localdate().year,
            "timeline": audit.timeline(work_file, viewer=user),
        }


class WorkFileExport(ObjectView):
    queryset = WorkFile.objects.select_related("org", "person")
    capability = "export"

    def get(self, request, *args, **kwargs):
        work_file = self.fetch()
        return xlsx_response(
            columns.work_file_xlsx(work_file),
            _("Work file %(name)s %(year)s.xlsx")
            % {
                "name": work_file.person.name,
                "year": work_file.year,
            },
        )


# --- 四议两公开 ---


def _decision_list(request):
    today = timezone.localdate()
    qs = Decision.objects.visible_to(request.user).select_related("org")
    status = request.GET.get("status", "")
    if status == "stuck":
        qs = qs.filter(selectors.stuck_q(today))
    elif status == "results_missing":
        qs = qs.filter(selectors.results_missing_q(today))
    elif status in Decision.Status.values:
        qs = qs.filter(status=status)
    return qs, status, today


@login_required
@require_GET
def decision_list(request):
    qs, status, today = _decision_list(request)
    page = _page(request, qs)
    user = request.user
    # The page's own queries are the same on every visit: compiled once per user, scope and day
    # (``core.prepared``), their rows read afresh.
    key = ("village.decision_list", user.pk, scoping.get_scope(user), today)
    decisions = list(page)
    kept_related(  # which of the page's decisions are stuck at a step: each gets itself, or nothing
        key,
        decisions,
        lambda: Decision.objects.visible_to(user).filter(selectors.stuck_q(today)).only("pk"),
        field="id",
        to_attr="stuck_rows",
    )
    stuck = {d.pk for d in decisions if d.stuck_rows}
    recordable = kept(
        (*key, "recordable"),
        lambda: (
            Organisation.objects.where_can(user, VCap.RECORD_DECISION)
            .filter(kind__in=["branch", "general_branch"], sector__in=["rural", "community"])
            .order_by("path")[:4]
        ),
    ).objects(model=Organisation)
    return render(
        request,
        "village/decision_list.html",
        {
            "page": page,
            "status": status,
            "stuck": stuck,
            "states": Decision.Status.choices,
            "counts": selectors.decisions_by_status(user, key=key),
            # A branch secretary gets a button for his village; a township enters decisions from the
            # village cards of the day's duty page rather than from a wall of buttons.
            "recordable": recordable if len(recordable) <= 3 else [],
        },
    )


@login_required
@require_GET
def decision_export(request):
    qs, _status, _today = _decision_list(request)
    scoping.ensure_can(request.user, "export")
    return xlsx_response(columns.decision_xlsx(qs.prefetch_related("steps")), _("Village decisions.xlsx"))


class DecisionCreate(ServiceFormView):
    queryset = Organisation.objects.all()
    capability = VCap.RECORD_DECISION
    form_class = DecisionForm
    template_name = "village/form.html"
    context_object_name = "org"
    success_message = gettext_lazy("The decision was registered.")

    def perform(self, form, org, user):
        return services.decision_create(org=org, actor=user, **form.cleaned_data)

    def get_success_url(self, org, result):
        return reverse("village:decision_detail", args=[result.pk])

    def get_extra_context(self, org):
        return {"title": _("New village decision"), "subtitle": org.label}


class DecisionDetail(ObjectView):
    queryset = Decision.objects.select_related("org", "created_by")
    template_name = "village/decision_detail.html"
    context_object_name = "decision"

    def get_extra_context(self, decision):
        user = self.request.user
        next_step = NEXT_STEP.get(decision.status)
        can_record = scoping.can(user, VCap.RECORD_DECISION, decision)
        form = None
        if next_step and can_record:
            form = StepForm(initial={"step": next_step, "held_on": timezone.localdate()})
        review = [m for m in _moves(decision, user) if m["to"] == Decision.Status.TOWNSHIP_REVIEWED]
        return {
            "steps": decision.steps.select_related("recorded_by"),
            "next_step": Step(next_step).label if next_step else None,
            "next_number": next_step,
            "form": form,
            "review": review,
            "implemented_form": ImplementedForm()
            if can_record and decision.status == Decision.Status.DISCLOSED
            else None,
            "files": attachments.for_owner(decision, user),
            "timeline": audit.timeline(decision, viewer=user),
        }


class DecisionStepCreate(ServiceFormView):
    """Record the next step of a decision (POST; the form is on the decision's page)."""

    queryset = Decision.objects.select_related("org")
    capability = VCap.RECORD_DECISION
    form_class = StepForm
    template_name = "village/decision_detail.html"
    context_object_name = "decision"
    success_message = gettext_lazy("The step was recorded.")

    def perform(self, form, decision, user):
        data = dict(form.cleaned_data)
        return services.decision_record_step(decision=decision, actor=user, **data)

    def get_success_url(self, decision, result):
        return reverse("village:decision_detail", args=[decision.pk])

    def get_extra_context(self, decision):
        context = DecisionDetail(request=self.request, kwargs=self.kwargs).get_extra_context(decision)
        context.pop("form", None)
        return context


class DecisionReview(MoveView):
    queryset = Decision.objects.all()
    detail_url = "village:decision_detail"

    def perform(self, data, decision, user):
        services.decision_review(decision=decision, actor=user, note=data["note"], version=data["version"])


class DecisionImplemented(MoveView):
    queryset = Decision.objects.all()
    detail_url = "village:decision_detail"
    form_class = ImplementedForm

    def perform(self, data, decision, user):
        services.decision_implemented(decision=decision, actor=user, implemented_on=data["implemented_on"])


# --- grid ---


class GridCreate(ServiceFormView):
    queryset = Organisation.objects.all()
    capability = VCap.MANAGE_CADRES
    form_class = GridForm
    template_name = "village/form.html"
    context_object_name = "org"
    success_message = gettext_lazy("The grid was created.")

    def get_form_kwargs(self, org):
        from dangjian.orgs.models import Person

        people = (
            Person.objects.visible_to(self.request.user).current().filter(org=org).order_by("name_pinyin")
        )
        return {"people": people}

    def perform(self, form, org, user):
        return services.grid_create(org=org, actor=user, **form.cleaned_data)

    def get_success_url(self, org, result):
        return reverse("village:matter_list") + f"?org={org.pk}"

    def get_extra_context(self, org):
        return {"title": _("New grid"), "subtitle": org.label}


def _matter_list(request):
    qs = GridMatter.objects.visible_to(request.user).select_related("org", "grid", "handler_org", "category")
    status = request.GET.get("status", "")
    today = timezone.localdate()
    if status == "overdue":
        qs = qs.filter(selectors.overdue_matter_q(today))
    elif status in GridMatter.Status.values:
        qs = qs.filter(status=status)
    org = _org_param(request)
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    category = _dictionary_param(request, "category", GridCategory)
    if category is not None:
        qs = qs.filter(category=category)
    return qs, status, org, today, (org and org.path, category and category.pk)


@login_required
@require_GET
def matter_list(request):
    qs, status, org, today, read = _matter_list(request)
    page = _page(request, qs, read)
    grids = (
        Grid.objects.visible_to(request.user).where_can(request.user, VCap.HANDLE_GRID).select_related("org")
    )
    if org is not None:
        grids = grids.filter(org__path__subtree=org.path)
    return render(
        request,
        "village/matter_list.html",
        {
            "page": page,
            "rows": [(m, selectors.light(m, today)) for m in page],
            "status": status,
            "org": org,
            "states": GridMatter.Status.choices,
            "grids": grids[:50],
            "categories": _filter_choices(request, GridCategory),
            "import_org_id": _import_org_id(request.user, org),
            "category": request.GET.get("category", ""),
        },
    )


@login_required
@require_GET
def matter_export(request):
    qs, _status, _org, _today, _read = _matter_list(request)
    scoping.ensure_can(request.user, "export")
    return xlsx_response(columns.matter_xlsx(qs), _("Grid matters.xlsx"))


@login_required
@require_GET
def grid_rollup(request):
    """Matters per organisation below the one asked (default: the user's top organisations), with ECharts."""
    org = _org_param(request)
    if org is None:
        tops = list(Organisation.objects.visible_to(request.user).order_by("depth", "path")[:1])
        org = tops[0] if tops else None
    if org is None:
        raise Http404
    children = list(
        Organisation.objects.visible_to(request.user)
        .filter(path__startswith=org.path, depth=org.depth + 1)
        .order_by("path")
    )
    orgs = [org, *children] if scoping.sees_whole_subtree(request.user, org) else []
    rows = selectors.grid_rollup(request.user, orgs) if orgs else []
    categories = selectors.grid_by_category(request.user, org) if orgs else []
    return render(
        request,
        "village/grid_rollup.html",
        {
            "org": org,
            "total": rows[0] if rows else None,
            "categories": categories,
            "category_chart": {
                "tooltip": {"trigger": "item"},
                "series": [
                    {"type": "pie", "radius": "65%", "data": [{"name": n, "value": v} for n, v in categories]}
                ],
            },
            "rows": rows[1:],
            "chart": {
                "tooltip": {"trigger": "axis"},
                "legend": {},
                "grid": {"containLabel": True},
                "xAxis": {"type": "category", "data": [r["org"].label for r in rows[1:]]},
                "yAxis": {"type": "value"},
                "series": [
                    {
                        "name": _("Handled"),
                        "type": "bar",
                        "stack": "n",
                        "data": [r["done"] for r in rows[1:]],
                    },
                    {"name": _("Open"), "type": "bar", "stack": "n", "data": [r["open"] for r in rows[1:]]},
                    {"name": _("Overdue"), "type": "line", "data": [r["overdue"] for r in rows[1:]]},
                ],
            },
        },
    )


class MatterCreate(ServiceFormView):
    queryset = Grid.objects.select_related("org")
    capability = VCap.HANDLE_GRID
    form_class = MatterForm
    template_name = "village/form.html"
    context_object_name = "grid"
    success_message = gettext_lazy("The matter was registered.")

    def get_form_kwargs(self, grid):
        return {"org": grid.org}

    def perform(self, form, grid, user):
        return services.matter_register(grid=grid, actor=user, **form.cleaned_data)

    def get_success_url(self, grid, result):
        return reverse("village:matter_detail", args=[result.pk])

    def get_extra_context(self, grid):
        return {"title": _("Register a grid matter"), "subtitle": f"{grid.org.label} · {grid.name}"}


class MatterDetail(ObjectView):
    queryset = GridMatter.objects.select_related("org", "grid", "handler_org", "registered_by", "category")
    template_name = "village/matter_detail.html"
    context_object_name = "matter"

    def get_extra_context(self, matter):
        user = self.request.user
        moves = [m for m in _moves(matter, user) if m["to"] != GridMatter.Status.ROUTED]
        can_route = any(to == GridMatter.Status.ROUTED for to, _r in workflow.allowed_moves(matter, user))
        light = selectors.light(matter, timezone.localdate())
        return {
            "moves": moves,
            "can_route": can_route,
            "targets": services.route_targets(matter, user)
            .exclude(pk=matter.handler_org_id)
            .order_by("path")[:200]
            if can_route
            else [],
            "hops": matter.hops.select_related("from_org", "to_org", "actor"),
            "light": light,
            "items": list(door.items_of_source(matter, user)),
            "can_escalate": matter.status != GridMatter.Status.CLOSED
            and (light == "red" or matter.satisfaction == "unsatisfied")
            and scoping.can(user, Cap.INSPECT, selectors.issuer_of(matter)),
            "escalate_form": ToLedgerForm(initial={"deadline": timezone.localdate() + timedelta(days=15)}),
            "timeline": audit.timeline(matter, viewer=user),
            "today": timezone.localdate(),
        }


class MatterRoute(MoveView):
    queryset = GridMatter.objects.all()
    detail_url = "village:matter_detail"
    form_class = None

    def post(self, request, *args, **kwargs):
        from .forms import RouteForm

        matter = self.fetch()
        form = RouteForm(request.POST)
        target = reverse(self.detail_url, args=[matter.pk])
        if not form.is_valid():
            messages.error(request, _("Please choose where to route the matter and why."))
            return redirect(target)
        to_org = services.route_targets(matter, request.user).filter(pk=form.cleaned_data["to_org"]).first()
        try:
            if to_org is None:
                raise ValidationError(_("You can route a matter only to an organisation in your scope."))
            services.matter_route(
                matter=matter,
                to_org=to_org,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The matter was routed."))
        return redirect(target)


class MatterMove(MoveView):
    queryset = GridMatter.objects.all()
    detail_url = "village:matter_detail"
    form_class = MatterMoveForm

    def perform(self, data, matter, user):
        services.matter_move(
            matter=matter,
            to=data.pop("to"),
            actor=user,
            note=data.pop("note"),
            version=data.pop("version"),
            **data,
        )


class MatterToLedger(MoveView):
    """督查问效: hand an overdue or unsatisfied matter to the ledger as an item of its community."""

    queryset = GridMatter.objects.all()
    detail_url = "village:matter_detail"
    form_class = ToLedgerForm

    def perform(self, data, matter, user):
        services.matter_to_ledger(matter=matter, actor=user, deadline=data["deadline"])


class WorkFileCommitments(MoveView):
    """Track the commitments of a work file as ledger items of the village (POST)."""

    queryset = WorkFile.objects.select_related("org", "person")
    detail_url = "village:work_file_detail"
    form_class = CommitmentsForm

    def perform(self, data, work_file, user):
        services.work_file_commitments_to_ledger(work_file=work_file, actor=user)


# --- dictionaries ---

DICTIONARIES = {
    "grid": (GridCategory, GridCategoryForm, gettext_lazy("Grid matter categories")),
    "report": (ReportKind, ReportKindForm, gettext_lazy("Kinds of major matters")),
}
SHARED = "shared"


def _dictionary(kind: str):
    if kind not in DICTIONARIES:
        raise Http404
    return DICTIONARIES[kind]


@login_required
@require_GET
def dictionaries(request):
    """The grid-matter categories and kinds of major matters that apply in one's scope, and who keeps each."""
    user = request.user
    tables = []
    for kind, (model, _form, label) in DICTIONARIES.items():
        entries = list(
            model.objects.visible_to(user).select_related("org").order_by("org__path", "order", "name")
        )
        tables.append(
            {
                "kind": kind,
                "label": label,
                "rows": [(e, can_keep(user, e.org)) for e in entries],
            }
        )
    return render(
        request,
        "village/dictionaries.html",
        {"tables": tables, "can_add": can_keep(user, None) or keeper_orgs(user).exists()},
    )


def _keeper_choices(user) -> list[tuple[str, str]]:
    choices = [(str(org.pk), org.label) for org in keeper_orgs(user)]
    if can_keep(user, None):
        choices.insert(0, (SHARED, _("Shared by all organisations")))
    return choices


class DictionaryEntryCreate(ServiceFormView):
    """Add an entry to a dictionary, kept by one of one's organisations (or shared, for an administrator)."""

    capability = VCap.KEEP_DICTIONARIES
    template_name = "village/form.html"
    success_message = gettext_lazy("The entry was added.")

    def fetch(self):
        self.dictionary, self.form_class, self.label = _dictionary(self.kwargs["kind"])
        return super().fetch()

    def get_form_kwargs(self, obj):
        return {"keepers": _keeper_choices(self.request.user)}

    def perform(self, form, obj, user):
        data = dict(form.cleaned_data)
        keeper = data.pop("keeper")
        org = None
        if keeper != SHARED:
            org = keeper_orgs(user).filter(pk=keeper).first()
            if org is None:
                raise ValidationError({"keeper": [_("Please choose whose entry this is.")]})
        return services.dictionary_entry_create(model=self.dictionary, org=org, actor=user, **data)

    def get_success_url(self, obj, result):
        return reverse("village:dictionaries")

    def get_extra_context(self, obj):
        return {"title": _("New entry"), "subtitle": self.label, "back": reverse("village:dictionaries")}


class DictionaryEntryEdit(ServiceFormView):
    """Change an entry one keeps (404 for one not seen, 403 for one kept by somebody else)."""

    template_name = "village/form.html"
    context_object_name = "entry"
    success_message = gettext_lazy("The entry was saved.")

    def get_queryset(self):
        self.dictionary, self.form_class, self.label = _dictionary(self.kwargs["kind"])
        return self.dictionary.objects.select_related("org")

    def check_capability(self, entry) -> None:
        if not can_keep(self.request.user, entry.org):
            raise PermissionDenied(self.denied_message)

    def get_form_kwargs(self, entry):
        return {"instance": self.dictionary.objects.get(pk=entry.pk)}

    def perform(self, form, entry, user):
        return services.dictionary_entry_update(entry=entry, actor=user, **form.cleaned_data)

    def get_success_url(self, entry, result):
        return reverse("village:dictionaries")

    def get_extra_context(self, entry):
        keeper = entry.org.label if entry.org else _("Shared by all organisations")
        return {
            "title": entry.name,
            "subtitle": f"{self.label} · {keeper}",
            "back": reverse("village:dictionaries"),
        }
