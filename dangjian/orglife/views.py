"""Pages of organisational life: meetings, compliance, monthly reports, evaluations, training."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import attachments, audit, scoping, workflow
from dangjian.core.caps import Cap
from dangjian.core.exports import xlsx_response
from dangjian.core.forms import add_service_error
from dangjian.core.pagination import list_key, page_of
from dangjian.core.params import get as param
from dangjian.core.prepared import aggregated, kept
from dangjian.core.scoping import get_for_user
from dangjian.ledger import door
from dangjian.orgs.models import Organisation, Person

from . import columns, forms, periods, selectors, services
from .apps import RECORD
from .models import (
    RULE_KINDS,
    Course,
    CourseKind,
    CoverageCheck,
    CoverageTarget,
    Evaluation,
    EvaluationRound,
    FrequencyRule,
    Grade,
    Meeting,
    MeetingKind,
    MonthlyReport,
    Presence,
    TrainingRecord,
)
from .periods import State
from .rules import parent_of


def _year(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


def _org_param(request, name="org"):
    """The organisation named in the query string, through the user's scope (404 otherwise), or None."""
    pk = request.GET.get(name) or request.POST.get(name)
    if not pk:
        return None
    return get_for_user(Organisation, request.user, pk=pk)


# --------------------------------------------------------------------------- meetings


@login_required
@require_GET
def meeting_list(request):
    """Meetings the user may see, newest first, filtered by organisation, kind, status and year."""
    org = _org_param(request)
    qs = Meeting.objects.visible_to(request.user).select_related("org")
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    kind = request.GET.get("kind")
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    status = request.GET.get("status")
    if status in Meeting.Status.values:
        qs = qs.filter(status=status)
    key = list_key(request, naming=("org",), read=(org and org.path,))  # a move: another path, another key
    page = page_of(qs.order_by("-starts_at", "-pk"), request, 50, key=key)
    return render(
        request,
        "orglife/meeting_list.html",
        {
            "page": page,
            "org": org,
            "kinds": MeetingKind.choices,
            "kind": kind,
            "status": status,
            "can_record": scoping.can(request.user, RECORD),
            "can_export": scoping.can(request.user, Cap.EXPORT),
        },
    )


@login_required
@require_GET
def meeting_calendar(request):
    """A month of meetings, planned and held, day by day (the plan ahead and what was done)."""
    import calendar as pycalendar

    month = _month(request, default_current=True)
    end = periods.month_end(month)
    org = _org_param(request)
    qs = Meeting.objects.visible_to(request.user).filter(
        starts_at__range=(selectors.aware(month), selectors.aware(end, True))
    )
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    by_day: dict[int, list] = {}
    for m in qs.select_related("org").order_by("starts_at"):
        by_day.setdefault(timezone.localtime(m.starts_at).day, []).append(m)
    weeks = [
        [(day, by_day.get(day, [])) if day else (None, []) for day in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdayscalendar(month.year, month.month)
    ]
    previous = (month - timezone.timedelta(days=1)).replace(day=1)
    following = end + timezone.timedelta(days=1)
    return render(
        request,
        "orglife/calendar.html",
        {
            "month": month,
            "org": org,
            "weeks": weeks,
            "days": [(d, by_day[d]) for d in sorted(by_day)],
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
        },
    )


def _meeting_form_context(request, form, org, kind, day, meeting=None):
    expected = selectors.expected_on(org, kind, day) if org is not None and kind and day else []
    marks = form.marks() if form.is_bound else {}
    rows = [(e, marks.get(e.person.pk)) for e in expected]
    lecturer = str(form.data.get("lecturer_person_id") or "") if form.is_bound else ""
    return {
        "form": form,
        "org": org,
        "rows": rows,
        "presences": Presence.choices,
        "meeting": meeting,
        "lecturer_id": int(lecturer) if lecturer.isdigit() else None,
    }


def _posted_day(form, fallback=None):
    text = (form.data.get("starts_at") or "")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return fallback


@login_required
def meeting_create(request):
    """Register a meeting: pick the organisation, kind and time; then mark the expected list and the minutes."""
    data = request.POST if request.method == "POST" else (request.GET if "org" in request.GET else None)
    form = forms.MeetingForm(data, request.FILES or None, user=request.user)
    org = kind = day = None
    if data is not None:
        org_pk = data.get("org")
        org = (
            Organisation.objects.where_can(request.user, RECORD).filter(pk=org_pk).first() if org_pk else None
        )
        kind = data.get("kind") if data.get("kind") in MeetingKind.values else None
        day = _posted_day(form)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_register(
                org=form.cleaned_data["org"], actor=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Meeting registered."))
            return redirect("orglife:meeting_detail", meeting.pk)
    if request.method == "GET" and data is not None:
        form = forms.MeetingForm(initial=dict(data.items()), user=request.user)
    return render(request, "orglife/meeting_form.html", _meeting_form_context(request, form, org, kind, day))


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = get_for_user(Meeting.objects.select_related("org", "recorded_by"), request.user, pk=pk)
    # Members since moved to an organisation the viewer may not see are counted, not named.
    rows = meeting.attendance.select_related("person").order_by("presence", "person__name_pinyin")
    attendance = list(rows.filter(person__in=Person.objects.visible_to(request.user).values("pk")))
    return render(
        request,
        "orglife/meeting_detail.html",
        {
            "meeting": meeting,
            "attendance": attendance,
            "files": attachments.for_owner(meeting, request.user),
            "timeline": audit.timeline(meeting, viewer=request.user),
            "can_hold": meeting.status == Meeting.Status.PLANNED
            and scoping.can(request.user, RECORD, meeting),
        },
    )


@login_required
def meeting_hold(request, pk):
    """Register a planned meeting as held: the minutes and attendance of the planned meeting."""
    meeting = get_for_user(Meeting.objects.select_related("org"), request.user, pk=pk)
    if not scoping.can(request.user, RECORD, meeting):
        raise PermissionDenied(_("You are not allowed to do this here."))
    initial = {
        f: getattr(meeting, f) for f in ("kind", "place", "chair", "topic", "lecturer", "lesson_title")
    }
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    form = forms.MeetingForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user, with_org=False
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        kwargs.pop("kind", None)
        kwargs.pop("planned", None)
        try:
            services.meeting_hold(meeting=meeting, actor=request.user, **kwargs)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Meeting registered."))
            return redirect("orglife:meeting_detail", meeting.pk)
    day = _posted_day(form, timezone.localdate()) if form.is_bound else timezone.localdate()
    return render(
        request,
        "orglife/meeting_form.html",
        _meeting_form_context(request, form, meeting.org, meeting.kind, day, meeting),
    )


@login_required
@require_GET
def meeting_export(request):
    """The 三会一课 ledger of an organisation (and everything below it) for a year, as .xlsx."""
    org = _org_param(request)
    year = _year(request)
    if not scoping.can(request.user, Cap.EXPORT, org):
        raise PermissionDenied(_("You are not allowed to do this here."))
    qs = Meeting.objects.visible_to(request.user).filter(starts_at__year=year).select_related("org")
    if org is not None:
        qs = qs.filter(org__path__subtree=org.path)
    content = columns.meetings_xlsx(qs.order_by("org__path", "starts_at"))
    return xlsx_response(content, f"三会一课台账-{year}.xlsx")


# --------------------------------------------------------------------------- compliance


def _span(request) -> tuple[date, date, date | None]:
    """The periods judged: those ending in the month asked for (``month=YYYY-MM``), else in the year."""
    if request.GET.get("month"):
        month = _month(request)
        return month, periods.month_end(month), month
    year = _year(request)
    return date(year, 1, 1), date(year, 12, 31), None


@login_required
@require_GET
def compliance(request):
    """Compliance with the frequency rules over the focused subtree, by child organisation, with drill-down."""
    start, end, month = _span(request)
    year = start.year
    root, orgs = selectors.child_orgs(request.user, _org_param(request))
    today = timezone.localdate()
    # The year's dues are read once: the month's roll-up, the branch's periods and the trend use them.
    branches = selectors.branches_under(orgs)
    dues = selectors.compliance(branches, date(year, 1, 1), date(year, 12, 31), today=today)
    rows = selectors.rollup(orgs, start, end, today=today, branches=branches, dues=dues)
    branch_dues = []
    if root is not None and root.kind in selectors.BRANCH_KIND_VALUES:
        branch_dues = [d for d in dues.get(root.pk, []) if start <= d.span.end <= end]
    trend = selectors.monthly_trend(dues)
    chart_orgs = {
        "tooltip": {},
        "xAxis": {
            "type": "category",
            "data": [r.org.label for r in rows],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "max": 100},
        "series": [{"type": "bar", "name": _("Completion rate"), "data": [r.rate for r in rows]}],
    }
    chart_trend = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [f"{m}月" for m in range(1, 13)]},
        "yAxis": {"type": "value", "max": 100},
        "series": [{"type": "line", "name": _("Monthly rules met"), "data": trend}],
    }
    return render(
        request,
        "orglife/compliance.html",
        {
            "year": year,
            "month": month,
            "root": root,
            "rows": rows,
            "kinds": RULE_KINDS,
            "dues": branch_dues,
            "State": State,
            "ancestors": list(
                Organisation.objects.visible_to(request.user).filter(path__in=root.ancestor_paths())
            )
            if root is not None
            else [],
            "chart_orgs": chart_orgs,
            "chart_trend": chart_trend,
            "query": request.GET.urlencode(),
            "can_export": scoping.can(request.user, Cap.EXPORT),
        },
    )


@login_required
@require_GET
def compliance_export(request):
    start, end, month = _span(request)
    if not scoping.can(request.user, Cap.EXPORT):
        raise PermissionDenied(_("You are not allowed to do this here."))
    _root, orgs = selectors.child_orgs(request.user, _org_param(request))
    rows = selectors.rollup(orgs, start, end)
    label = f"{month:%Y-%m}" if month else str(start.year)
    return xlsx_response(columns.rollup_xlsx(rows), f"组织生活达标情况-{label}.xlsx")


# --------------------------------------------------------------------------- frequency rules


@login_required
def rules(request):
    """The frequency table (DOMAIN.md §2): everybody may read it, administrators change a row."""
    if request.method == "POST" and "target" in request.POST:
        return _target_update(request)
    if request.method == "POST" and "org_kind" in request.POST:
        return _rule_override(request)
    if request.method == "POST":
        if not scoping.can(request.user, Cap.ADMINISTER):
            raise PermissionDenied(_("You are not allowed to do this here."))
        form = forms.RuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rule_update(
                    rule=data["rule"],
                    actor=request.user,
                    period=data["period"],
                    times=data["times"],
                    active=data["active"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Rule saved."))
        else:
            messages.error(request, _("Please correct the rule."))
        return redirect("orglife:rules")
    rows = list(FrequencyRule.objects.all())
    return render(
        request,
        "orglife/rules.html",
        {
            "rules": rows,
            "targets": list(CoverageTarget.objects.all()),
            "override_form": forms.RuleOverrideForm(),
            "org_kinds": dict(forms.RuleOverrideForm().fields["org_kind"].choices),
            "course_kinds": CourseKind.choices,
            "can_edit": scoping.can(request.user, Cap.ADMINISTER),
            "periods": forms.PeriodKind.choices,
        },
    )


def _rule_override(request):
    """A new row for one organisation kind, added by an administrator."""
    if not scoping.can(request.user, Cap.ADMINISTER):
        raise PermissionDenied(_("You are not allowed to do this here."))
    form = forms.RuleOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.rule_override(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rule saved."))
    else:
        messages.error(request, _("Please correct the rule."))
    return redirect("orglife:rules")


def _target_update(request):
    """One row of the training targets, changed by an administrator."""
    if not scoping.can(request.user, Cap.ADMINISTER):
        raise PermissionDenied(_("You are not allowed to do this here."))
    form = forms.TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Target saved."))
    else:
        messages.error(request, _("Please correct the target."))
    return redirect("orglife:rules")


# --------------------------------------------------------------------------- monthly reports


def _month(request, *, default_current: bool = False) -> date:
    """The month named ``YYYY-MM`` in the query; by default last month (or this month)."""
    text = request.GET.get("month", "")
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        today = timezone.localdate()
        if default_current:
            return today.replace(day=1)
        return (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)


MISSING_SHOWN = 200  # branches named on the monthly reports page as not having submitted


@login_required
@require_GET
def report_list(request):
    """The month's reports the user may see, with their state; late ones flagged."""
    month = _month(request)
    user = request.user
    # The page asks the same queries of a user each visit: compiled once per user, scope and month
    # (``core.prepared.kept``), their rows read afresh.
    key = ("orglife.report_list", user.pk, scoping.get_scope(user), month)
    reports = kept((*key, "reports"), lambda: selectors.reports_for(user, month)).objects(model=MonthlyReport)

    # The branches still owing, built (as an ORM query, ~1 ms) only when a kept query below is compiled.
    def owing():
        return selectors.owing_reports(user, month)

    # A county owes ~700 reports: the first names in tree order are shown, and how many more there are (as
    # the names lists use, ``Organisation.label``: read as two columns, not 200 organisations).
    missing = [
        short_name or name
        for short_name, name in kept(
            (*key, "missing", MISSING_SHOWN),
            lambda: owing().order_by("path").values_list("short_name", "name")[:MISSING_SHOWN],
        ).rows(model=Organisation)
    ]
    missing_total = len(missing)
    if missing_total == MISSING_SHOWN:  # as many as shown: count them all
        owing_count = kept((*key, "owing"), lambda: aggregated(owing(), n=Count("pk")))
        missing_total = owing_count.aggregate(model=Organisation)["n"]
    counts = {s: sum(1 for r in reports if r.status == s) for s in MonthlyReport.Status.values}
    return render(
        request,
        "orglife/report_list.html",
        {
            "month": month,
            "reports": reports,
            "missing": missing,
            "missing_total": missing_total,
            "missing_more": missing_total - len(missing),
            "counts": [(label, counts[value]) for value, label in MonthlyReport.Status.choices],
            "late": sum(1 for r in reports if r.late),
            "due_on": selectors.report_due_on(month),
            "form": forms.ReportCompileForm(initial={"month": month}, user=request.user),
            "can_record": scoping.can(request.user, RECORD),
        },
    )


@login_required
@require_POST
def report_compile(request):
    form = forms.ReportCompileForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose an organisation and a month."))
        return redirect("orglife:report_list")
    try:
        report = services.report_compile(
            org=form.cleaned_data["org"], month=form.cleaned_data["month"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orglife:report_list")
    return redirect("orglife:report_detail", report.pk)


@login_required
@require_GET
def report_detail(request, pk):
    report = get_for_user(
        MonthlyReport.objects.select_related("org", "submitted_by", "reviewed_by"), request.user, pk=pk
    )
    moves = {new for new, _rule in workflow.allowed_moves(report, request.user)}
    figures = report.figures or {}
    kinds = dict(RULE_KINDS)
    meeting_rows = [(kinds.get(k, k), n) for k, n in figures.get("meetings", {}).items()]
    dues = [{**d, "label": kinds.get(d["kind"], d["kind"])} for d in figures.get("dues", [])]
    missed = [d for d in dues if d["state"] == State.MISSED]
    return render(
        request,
        "orglife/report_detail.html",
        {
            "report": report,
            "figures": figures,
            "meeting_rows": meeting_rows,
            "dues": dues,
            "State": State,
            "can_compile": report.status in (MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED)
            and scoping.can(request.user, RECORD, report),
            "can_submit": MonthlyReport.Status.SUBMITTED in moves,
            "can_review": MonthlyReport.Status.APPROVED in moves,
            "can_amend": report.status == MonthlyReport.Status.APPROVED
            and scoping.can(request.user, RECORD, report),
            "can_raise": missed
            and report.status != MonthlyReport.Status.DRAFT
            and scoping.can(request.user, Cap.INSPECT, parent_of(report.org)),
            "submit_form": forms.ReportSubmitForm(initial={"remarks": report.remarks}),
            "review_form": forms.ReportReviewForm(),
            "amend_form": forms.AmendmentForm(),
            "raise_form": forms.RaiseItemsForm(
                initial={"deadline": timezone.localdate() + timezone.timedelta(days=30)}
            ),
            "amendments": list(report.amendments.select_related("actor")),
            "items": list(door.items_of_source(report, request.user)),
            "timeline": audit.timeline(report, viewer=request.user),
        },
    )


def _report_action(request, pk, form_class, perform, success):
    report = get_for_user(MonthlyReport.objects.select_related("org"), request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("orglife:report_detail", report.pk)
    try:
        perform(report, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("orglife:report_detail", report.pk)


@login_required
@require_POST
def report_refresh(request, pk):
    report = get_for_user(MonthlyReport.objects.select_related("org"), request.user, pk=pk)
    try:
        services.report_compile(org=report.org, month=report.month, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Figures compiled again from the records."))
    return redirect("orglife:report_detail", report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    return _report_action(
        request,
        pk,
        forms.ReportSubmitForm,
        lambda r, d: services.report_submit(report=r, actor=request.user, remarks=d["remarks"]),
        _("Report submitted."),
    )


@login_required
@require_POST
def report_review(request, pk):
    return _report_action(
        request,
        pk,
        forms.ReportReviewForm,
        lambda r, d: services.report_review(
            report=r, actor=request.user, approve=d["decision"] == "approve", opinion=d["opinion"]
        ),
        _("Review recorded."),
    )


@login_required
@require_POST
def report_amend(request, pk):
    return _report_action(
        request,
        pk,
        forms.AmendmentForm,
        lambda r, d: services.report_amend(report=r, actor=request.user, text=d["text"]),
        _("Amendment recorded."),
    )


@login_required
@require_POST
def report_items(request, pk):
    return _report_action(
        request,
        pk,
        forms.RaiseItemsForm,
        lambda r, d: services.report_raise_items(report=r, actor=request.user, deadline=d["deadline"]),
        _("The missed meetings were handed down as ledger items."),
    )


# --------------------------------------------------------------------------- democratic evaluation


@login_required
def evaluation_list(request):
    """A branch's evaluation for a year: the roster with each member's grade; the form grades one member."""
    year = _year(request)
    org = _org_param(request)
    # The form is shown for one branch (its organisation choices are a query to build): not built for the
    # county's list of every grade.
    form = None
    if request.method == "POST" or org is not None:
        form = forms.EvaluationForm(
            request.POST or None, initial={"year": year, "org": org}, user=request.user
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("org")
        person = Person.objects.visible_to(request.user).filter(pk=data.pop("person")).first()
        try:
            if person is None:
                raise ValidationError(_("Choose a member of the branch."))
            services.evaluation_record(org=org, actor=request.user, person=person, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Grade recorded."))
            return redirect(reverse("orglife:evaluation_list") + f"?org={org.pk}&year={data['year']}")
    evaluations = (
        Evaluation.objects.visible_to(request.user).filter(year=year).select_related("org", "person")
    )
    roster = []
    evaluation_round = None
    if org is not None:
        evaluation_round = EvaluationRound.objects.filter(org=org, year=year).first()
        evaluations = evaluations.filter(org=org)
        graded = {e.person_id for e in evaluations}
        day = min(date(year, 12, 31), timezone.localdate())
        visible = set(Person.objects.visible_to(request.user).filter(org=org).values_list("pk", flat=True))
        roster = [
            e.person
            for e in selectors.roster_on(org, day)
            if e.person.pk not in graded and e.person.pk in visible
        ]
    return render(
        request,
        "orglife/evaluation_list.html",
        {
            "year": year,
            "org": org,
            "page": page_of(
                evaluations.order_by("org__path", "grade", "person__name_pinyin", "pk"),
                request,
                50,
                # The branch a post names in its body, not in the query string: named in the key.
                key=list_key(request, ("org", org and org.pk)),
            ),
            "roster": roster,
            "form": form,
            "can_record": org is not None and scoping.can(request.user, RECORD, org),
            "round": evaluation_round,
            "grading": evaluation_round is not None
            and evaluation_round.status == EvaluationRound.Status.GRADING,
            "limit": param("orglife.excellent_max_percent"),
        },
    )


@login_required
def evaluation_mutual(request):
    """A branch's mutual assessment (互评) for a year: who has handed in a sheet, each member's tallies, and the
    form entering one member's sheet (a grade for every other member)."""
    year = _year(request)
    org = _org_param(request)
    form = forms.MutualSheetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org, year = data["org"], data["year"]
        rater = Person.objects.visible_to(request.user).filter(pk=data["rater"]).first()
        try:
            if rater is None:
                raise ValidationError(_("Choose a member of the branch."))
            services.mutual_sheet(org=org, actor=request.user, year=year, rater=rater, grades=form.grades())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Mutual assessment of %(name)s recorded.") % {"name": rater.name})
            return redirect(reverse("orglife:evaluation_mutual") + f"?org={org.pk}&year={year}")
    evaluation_round, members, raters, tallies = None, [], set(), {}
    if org is not None:
        evaluation_round = EvaluationRound.objects.filter(org=org, year=year).first()
        day = min(date(year, 12, 31), timezone.localdate())
        visible = set(Person.objects.visible_to(request.user).filter(org=org).values_list("pk", flat=True))
        members = [e.person for e in selectors.roster_on(org, day) if e.person.pk in visible]
        if evaluation_round is not None:
            raters = selectors.mutual_raters(evaluation_round)
            tallies = selectors.mutual_tallies(evaluation_round)
    can_record = org is not None and scoping.can(request.user, RECORD, org)
    is_open = evaluation_round is None or evaluation_round.status == EvaluationRound.Status.MUTUAL
    return render(
        request,
        "orglife/evaluation_mutual.html",
        {
            "year": year,
            "org": org,
            "round": evaluation_round,
            "rows": [
                (p, p.pk in raters, [tallies.get(p.pk, {}).get(g, 0) for g in Grade.values]) for p in members
            ],
            "grades": Grade.choices,
            "pending": [p for p in members if p.pk not in raters],
            "members": members,
            "form": form,
            "can_rate": can_record and is_open,
            "can_close": can_record
            and evaluation_round is not None
            and EvaluationRound.Status.GRADING
            in {new for new, _rule in workflow.allowed_moves(evaluation_round, request.user)},
        },
    )


@login_required
@require_POST
def evaluation_close(request, pk):
    """Close a branch's mutual assessment: the poll and grades come next."""
    evaluation_round = get_for_user(EvaluationRound.objects.select_related("org"), request.user, pk=pk)
    try:
        services.mutual_close(evaluation_round=evaluation_round, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The mutual assessment is closed; enter the poll and the grades."))
    return redirect(
        reverse("orglife:evaluation_mutual") + f"?org={evaluation_round.org_id}&year={evaluation_round.year}"
    )


@login_required
@require_GET
def evaluation_detail(request, pk):
    evaluation = get_for_user(Evaluation.objects.select_related("org", "person"), request.user, pk=pk)
    return render(
        request,
        "orglife/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "items": list(door.items_of_source(evaluation, request.user)),
            "timeline": audit.timeline(evaluation, viewer=request.user),
        },
    )


# --------------------------------------------------------------------------- training


@login_required
def course_list(request):
    """Courses the user may see, and the form to register one."""
    form = forms.CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            course = services.course_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Course registered."))
            return redirect("orglife:course_detail", course.pk)
    year = _year(request)
    courses = Course.objects.visible_to(request.user).filter(starts_on__year=year).select_related("org")
    return render(
        request,
        "orglife/course_list.html",
        {
            "page": page_of(courses.order_by("-starts_on", "-pk"), request, 50, key=list_key(request)),
            "year": year,
            "form": form,
            "can_record": scoping.can(request.user, RECORD),
        },
    )


@login_required
def course_detail(request, pk):
    """A course, its attendance, and (for those who may) the form entering hours for one branch's members."""
    course = get_for_user(Course.objects.select_related("org"), request.user, pk=pk)
    can_record = scoping.can(request.user, RECORD, course)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("You are not allowed to do this here."))
        entries, problems = [], []
        people = {
            p.pk: p
            for p in Person.objects.visible_to(request.user).filter(
                pk__in=[int(k[2:]) for k in request.POST if k.startswith("h_") and k[2:].isdigit()]
            )
        }
        for key, value in request.POST.items():
            if not key.startswith("h_") or not key[2:].isdigit() or not value.strip():
                continue
            person = people.get(int(key[2:]))
            if person is None:
                raise PermissionDenied(_("You are not allowed to do this here."))
            try:
                entries.append((person, Decimal(value.strip())))
            except InvalidOperation:
                problems.append(_("%(name)s: hours must be a number.") % {"name": person.name})
        try:
            if problems:
                raise ValidationError(problems)
            if not entries:
                raise ValidationError(_("Enter the hours of at least one person."))
            services.training_record(course=course, actor=request.user, entries=entries)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Training hours recorded."))
        return redirect("orglife:course_detail", course.pk)
    records = list(
        TrainingRecord.objects.visible_to(request.user)
        .filter(course=course)
        .select_related("person", "person__org")
    )
    branch = _org_param(request, "branch")
    candidates = []
    if can_record and branch is not None and branch.path.startswith(course.org.path):
        done = {r.person_id for r in records}
        candidates = [
            p
            for p in Person.objects.visible_to(request.user)
            .members()
            .filter(org=branch)
            .order_by("name_pinyin")
            if p.pk not in done
        ]
    return render(
        request,
        "orglife/course_detail.html",
        {
            "course": course,
            "records": records,
            "branch": branch,
            "candidates": candidates,
            "can_record": can_record,
            "branches": list(
                Organisation.objects.visible_to(request.user)
                .filter(path__subtree=course.org.path, kind__in=selectors.BRANCH_KIND_VALUES)
                .only("id", "name")[:300]
            )
            if can_record
            else [],
        },
    )


@login_required
@require_GET
def training_coverage(request):
    """Per organisation and year: each training target, who it concerns, who reached it and who is missing."""
    year = _year(request)
    org = _org_param(request)
    targets = selectors.target_coverage(request.user, org, year) if org is not None else []
    checks = (
        {c.target_id: c for c in CoverageCheck.objects.visible_to(request.user).filter(org=org, year=year)}
        if org is not None
        else {}
    )
    can_raise = org is not None and scoping.can(request.user, Cap.INSPECT, org)
    return render(
        request,
        "orglife/coverage.html",
        {
            "year": year,
            "org": org,
            "targets": [(c, checks.get(c.target.pk)) for c in targets],
            "can_raise": can_raise,
            "deadline": timezone.localdate() + timezone.timedelta(days=30),
        },
    )


@login_required
@require_POST
def coverage_items(request):
    """Hand down who is still missing a training target as ledger items (one action, source 教育培训)."""
    form = forms.CoverageItemsForm(request.POST, user=request.user)
    org = _org_param(request)
    back = reverse("orglife:training_coverage") + (
        f"?org={org.pk}&year={request.POST.get('year', '')}" if org is not None else ""
    )
    if not form.is_valid():
        if "org" in form.errors:
            raise PermissionDenied(_("You are not allowed to do this here."))
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        items = services.coverage_raise_items(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(n)s ledger items handed down for the people still missing.") % {"n": len(items)}
        )
    return redirect(back)


@login_required
@require_GET
def coverage_check(request, pk):
    """A training coverage check and the ledger items it handed down."""
    check = get_for_user(
        CoverageCheck.objects.select_related("org", "target", "checked_by"), request.user, pk=pk
    )
    return render(
        request,
        "orglife/coverage_check.html",
        {
            "check": check,
            "items": list(door.items_of_source(check, request.user)),
            "timeline": audit.timeline(check, viewer=request.user),
        },
    )


@login_required
@require_GET
def training_export(request):
    """The training ledger (one row per person and course) of an organisation's subtree for a year, as .xlsx."""
    year = _year(request)
    org = _org_param(request)
    if not scoping.can(request.user, Cap.EXPORT, org):
        raise PermissionDenied(_("You are not allowed to do this here."))
    qs = TrainingRecord.objects.visible_to(request.user).filter(on__year=year)
    if org is not None:
        qs = qs.filter(person__org__path__subtree=org.path)
    qs = qs.select_related("person", "person__org", "course", "course__org").order_by(
        "person__org__path", "person__name_pinyin", "on"
    )
    return xlsx_response(columns.training_xlsx(qs), f"培训台账-{year}.xlsx")


@login_required
@require_GET
def person_training(request, pk):
    """One person's training ledger."""
    person = get_for_user(Person.objects.select_related("org"), request.user, pk=pk)
    records = selectors.person_ledger(request.user, person)
    year = _year(request)
    total = sum((r.hours for r in records if r.on.year == year), Decimal("0"))
    return render(
        request,
        "orglife/person_training.html",
        {
            "person": person,
            "records": records,
            "year": year,
            "total": total,
            "target": selectors.hours_target(date(year, 1, 1), date(year, 12, 31)),
        },
    )
