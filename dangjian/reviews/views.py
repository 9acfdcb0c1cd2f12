"""Pages of duty-report evaluation: the organiser's sessions and console, the reporters' reports,
the results and exports, and the two pages without an account — the big screen (a view link)
and the rater's ballot (a credential code).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import attachments, audit, documents, workflow
from dangjian.core.caps import Cap
from dangjian.core.exports import Column, xlsx_bytes, xlsx_response
from dangjian.core.forms import add_service_error
from dangjian.core.generic import ServiceFormView
from dangjian.core.pagination import list_key, page_of
from dangjian.core.scoping import can, get_for_user, sees_whole_subtree
from dangjian.ledger import door
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import (
    BallotForm,
    CodeForm,
    CommentForm,
    GroupFormSet,
    HandOverForm,
    IndicatorFormSet,
    MoveForm,
    QuestionForm,
    ReporterForm,
    ReportForm,
    SessionEditForm,
    SessionForm,
    SheetForm,
)
from .models import Credential, Grade, Reporter, Result, ReviewSession
from .rules import FILE_REPORT, HOST

PER_PAGE = 30
SHEET_ROWS = 6


def _crumbs(*extra):
    return [(_("Evaluation"), reverse("reviews:session_list")), *extra]


def _session(user, pk) -> ReviewSession:
    """A session the user sees (as host's side or as a reporter's organisation), else 404."""
    return get_for_user(ReviewSession.objects.select_related("org", "current_reporter__org"), user, pk=pk)


def _hosted(user, pk) -> ReviewSession:
    """A session whose host organisation the user sees (404 otherwise) and may host (403 otherwise)."""
    try:
        session = (
            ReviewSession.objects.hosted_by(user).select_related("org", "current_reporter__org").get(pk=pk)
        )
    except (ReviewSession.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not can(user, HOST, session):
        raise PermissionDenied(_("You are not allowed to host this evaluation."))
    return session


def _reporter(user, pk) -> Reporter:
    return get_for_user(Reporter.objects.select_related("session__org", "org"), user, pk=pk)


def _hosted_reporter(user, pk) -> Reporter:
    reporter = _reporter(user, pk)
    if not can(user, HOST, reporter.session):
        raise PermissionDenied(_("You are not allowed to host this evaluation."))
    return reporter


def _flash_refusal(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# ------------------------------------------------------------------ sessions


@login_required
@require_GET
def session_list(request):
    """The sessions I host or report in, newest first, with how many reports have been filed."""
    sessions = ReviewSession.objects.visible_to(request.user).select_related("org")
    page = page_of(sessions, request, PER_PAGE, key=list_key(request))
    counts = {
        row["session_id"]: row
        for row in Reporter.objects.visible_to(request.user)
        .filter(session__in=[s.pk for s in page])
        .values("session_id")
        .annotate(total=Count("pk"), filed=Count("pk", filter=Q(filed_at__isnull=False)))
    }
    rows = [(s, counts.get(s.pk, {"total": 0, "filed": 0})) for s in page]
    can_create = Organisation.objects.current().where_can(request.user, HOST).exists()
    return render(
        request,
        "reviews/session_list.html",
        {"page": page, "rows": rows, "can_create": can_create, "breadcrumbs": [(_("Evaluation"), None)]},
    )


@login_required
def session_create(request):
    """A new session hosted by an organisation where I may host evaluations."""
    orgs = Organisation.objects.current().where_can(request.user, HOST)
    if not orgs.exists():
        raise PermissionDenied(_("You are not allowed to host evaluations."))
    today = timezone.localdate()
    form = SessionForm(
        request.POST or None,
        orgs=orgs,
        initial={"year": today.year, "held_on": today, "sheet_kind": ReviewSession.SheetKind.GRADES},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Session created. Now set up the score sheet and the reporters."))
            return redirect("reviews:session_sheet", pk=session.pk)
    return render(
        request, "reviews/session_form.html", {"form": form, "breadcrumbs": _crumbs((_("New session"), None))}
    )


@login_required
@require_GET
def session_detail(request, pk: int):
    """The session: for its host the console (order, scoring, questions, comments); for a reporter their row."""
    session = _session(request.user, pk)
    is_host = can(request.user, HOST, session) and session in ReviewSession.objects.hosted_by(request.user)
    reporters = list(
        Reporter.objects.visible_to(request.user)
        .filter(session=session)
        .select_related("org")
        .order_by("position", "pk")
    )
    # The current reporter only when the viewer may see that reporter (a host's grant may lack the subtree).
    current = next((r for r in reporters if r.pk == session.current_reporter_id), None) if is_host else None
    scoring_now = any(r.status == Reporter.Status.SCORING for r in reporters)
    context = {
        "session": session,
        "reporters": reporters,
        "is_host": is_host,
        "current": current,
        "scoring_now": scoring_now,
        "groups": list(session.groups.all()) if is_host else [],
        "moves": {new for new, _rule in workflow.allowed_moves(session, request.user)} if is_host else set(),
        "breadcrumbs": _crumbs((str(session), None)),
    }
    if is_host:
        context.update(
            progress=selectors.progress(session, current),
            question_form=QuestionForm(),
            comment_form=CommentForm(initial={"commenter": _("County party secretary")}),
            questions=list(current.questions.all()) if current else [],
            comments=list(current.comments.all()) if current else [],
            credentials_count=session.credentials.filter(revoked_at__isnull=True).count(),
            unfiled=[r for r in reporters if not r.has_filed],
            timeline=audit.timeline(session, viewer=request.user),
        )
    return render(request, "reviews/session_detail.html", context)


class SessionEdit(ServiceFormView):
    """The session's title, date, venue and rater comments (refused once closed)."""

    form_class = SessionEditForm
    template_name = "reviews/session_form.html"
    context_object_name = "session"
    success_message = gettext_lazy("Session saved.")

    def get_object(self):
        return _hosted(self.request.user, self.kwargs["pk"])

    def get_initial(self, session) -> dict:
        return {
            "title": session.title,
            "held_on": session.held_on,
            "venue": session.venue,
            "with_comment": session.with_comment,
        }

    def perform(self, form, session, user):
        return services.session_update(session=session, actor=user, **form.cleaned_data)

    def get_success_url(self, session, result) -> str:
        return reverse("reviews:session_detail", args=[session.pk])

    def get_extra_context(self, session) -> dict:
        return {
            "breadcrumbs": _crumbs(
                (str(session), reverse("reviews:session_detail", args=[session.pk])), (_("Edit"), None)
            )
        }


class SessionSheet(ServiceFormView):
    """The score sheet: rater groups with weights (100 % in all), quorums, indicators, grade points, thresholds."""

    template_name = "reviews/sheet_form.html"
    context_object_name = "session"
    success_message = gettext_lazy("Score sheet saved.")

    def get_object(self):
        return _hosted(self.request.user, self.kwargs["pk"])

    def get_form(self, session):
        data = self.request.POST if self.request.method == "POST" else None
        groups = [
            {"name": g.name, "weight": g.weight, "expected": g.expected, "quorum": g.quorum}
            for g in session.groups.all()
        ]
        indicators = [{"name": i.name, "max_points": i.max_points} for i in session.indicators.all()]
        points, limits = session.grade_points, session.thresholds
        form = SheetForm(
            data,
            initial={
                **{f"points_{g}": points.get(g) for g in Grade.values},
                **{f"threshold_{g}": limits.get(g) for g in ("good", "fairly_good", "average")},
            },
        )
        form.groups = GroupFormSet(data, prefix="groups", initial=_padded(groups, SHEET_ROWS))
        form.indicators = IndicatorFormSet(data, prefix="indicators", initial=_padded(indicators, SHEET_ROWS))
        return form

    def post(self, request, *args, **kwargs):
        session = self.fetch()
        form = self.get_form(session)
        if form.is_valid() and form.groups.is_valid() and form.indicators.is_valid():
            data = form.cleaned_data
            groups = [
                services.GroupSpec(
                    f["name"], f.get("weight") or 0, f.get("expected") or 0, f.get("quorum") or 0
                )
                for f in form.groups.cleaned_data
                if f.get("name")
            ]
            indicators = [
                services.IndicatorSpec(f["name"], f.get("max_points") or 0)
                for f in form.indicators.cleaned_data
                if f.get("name")
            ]
            try:
                services.sheet_update(
                    session=session,
                    actor=request.user,
                    groups=groups,
                    indicators=indicators,
                    grade_points={g: data[f"points_{g}"] for g in Grade.values},
                    thresholds={g: data[f"threshold_{g}"] for g in ("good", "fairly_good", "average")},
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect("reviews:session_detail", pk=session.pk)
        return self.render(session, form=form)

    def get_extra_context(self, session) -> dict:
        return {
            "breadcrumbs": _crumbs(
                (str(session), reverse("reviews:session_detail", args=[session.pk])), (_("Score sheet"), None)
            )
        }


def _padded(rows: list[dict], size: int) -> list[dict]:
    return rows + [{} for _n in range(max(size - len(rows), 0))]


@login_required
def reporter_add(request, pk: int):
    """Add an organisation below the host, and its secretary, to the reporters."""
    session = _hosted(request.user, pk)
    orgs = (
        Organisation.objects.current()
        .visible_to(request.user)
        .filter(path__startswith=session.org.path, depth=session.org.depth + 1)
        .order_by("path")
    )
    form = ReporterForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            services.reporter_add(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Reporter added."))
            return redirect("reviews:session_detail", pk=session.pk)
    return render(
        request,
        "reviews/reporter_form.html",
        {
            "form": form,
            "session": session,
            "breadcrumbs": _crumbs(
                (str(session), reverse("reviews:session_detail", args=[session.pk])),
                (_("Add a reporter"), None),
            ),
        },
    )


def _session_action(service, success):
    """A POST on a hosted session that calls one service and returns to the console."""

    @login_required
    @require_POST
    def view(request, pk: int):
        session = _hosted(request.user, pk)
        try:
            result = service(session=session, actor=request.user)
        except ValidationError as exc:
            _flash_refusal(request, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
        return redirect("reviews:session_detail", pk=session.pk)

    return view


session_open = _session_action(services.session_open, gettext_lazy("The session is open."))
session_close = _session_action(
    services.session_close, gettext_lazy("The session is closed: results and ballots are frozen.")
)
credentials_issue = _session_action(
    services.credentials_issue,
    lambda n: _("%(count)s credentials issued.") % {"count": n},
)


def _reporter_action(service, success):
    @login_required
    @require_POST
    def view(request, pk: int):
        reporter = _hosted_reporter(request.user, pk)
        try:
            service(request, reporter)
        except ValidationError as exc:
            _flash_refusal(request, exc)
        else:
            messages.success(request, success)
        return redirect("reviews:session_detail", pk=reporter.session_id)

    return view


scoring_open = _reporter_action(
    lambda request, r: services.scoring_open(reporter=r, actor=request.user), gettext_lazy("Scoring is open.")
)
scoring_close = _reporter_action(
    lambda request, r: services.scoring_close(reporter=r, actor=request.user),
    gettext_lazy("Scoring is closed."),
)


def _move(request, reporter):
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose up or down."))
    services.reporter_move(reporter=reporter, up=form.cleaned_data["direction"] == "up", actor=request.user)


reporter_move = _reporter_action(_move, gettext_lazy("Order changed."))


def _clerk(form_class, service):
    def run(request, reporter):
        form = form_class(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        service(reporter=reporter, actor=request.user, **form.cleaned_data)

    return run


question_add = _reporter_action(
    _clerk(QuestionForm, services.question_add), gettext_lazy("Question recorded.")
)
comment_add = _reporter_action(_clerk(CommentForm, services.comment_add), gettext_lazy("Comment recorded."))


# ------------------------------------------------------------------ credentials


@login_required
@require_GET
def credential_sheet(request, pk: int):
    """Printable QR cards, one per rater seat, with the short code under each."""
    import segno

    session = _hosted(request.user, pk)
    cards = []
    for credential in session.credentials.select_related("group").order_by("group__position", "pk"):
        link = request.build_absolute_uri(reverse("reviews:vote", args=[credential.code]))
        qr = segno.make(link, error="m") if credential.revoked_at is None else None
        cards.append((credential, qr.svg_data_uri(scale=4, border=2) if qr else None))
    return render(
        request,
        "reviews/credential_sheet.html",
        {
            "session": session,
            "cards": cards,
            "vote_entry": request.build_absolute_uri(reverse("reviews:vote_entry")),
            "breadcrumbs": _crumbs(
                (str(session), reverse("reviews:session_detail", args=[session.pk])),
                (_("Ballot credentials"), None),
            ),
        },
    )


@login_required
@require_POST
def credential_revoke(request, pk: int):
    credential = get_for_user(Credential.objects.select_related("session__org"), request.user, pk=pk)
    if not can(request.user, HOST, credential):
        raise PermissionDenied(_("You are not allowed to host this evaluation."))
    try:
        services.credential_revoke(credential=credential, actor=request.user)
    except ValidationError as exc:
        _flash_refusal(request, exc)
    else:
        messages.success(request, _("Credential %(code)s revoked.") % {"code": credential.display_code})
    return redirect("reviews:credential_sheet", pk=credential.session_id)


# ------------------------------------------------------------------ reporters


@login_required
@require_GET
def reporter_detail(request, pk: int):
    """A reporter: the written report, last year's handed-down items, questions, comments, result, hand-over."""
    reporter = _reporter(request.user, pk)
    session = reporter.session
    previous, previous_items = selectors.previous_items(reporter, request.user)
    result = getattr(reporter, "result", None) if session.is_closed else None
    return render(
        request,
        "reviews/reporter_detail.html",
        {
            "reporter": reporter,
            "session": session,
            "files": attachments.for_owner(reporter, request.user),
            "previous": previous,
            "previous_items": previous_items,
            "questions": list(reporter.questions.visible_to(request.user)),
            "comments": list(reporter.comments.visible_to(request.user)),
            "result": result,
            "handed": list(door.items_of_source(reporter, request.user)),
            "can_file": not session.is_closed and can(request.user, FILE_REPORT, reporter),
            "can_hand_over": session.is_closed and can(request.user, Cap.HAND_DOWN, session.org),
            "breadcrumbs": _crumbs(
                (str(session), reverse("reviews:session_detail", args=[session.pk])), (str(reporter), None)
            ),
        },
    )


class ReportFile(ServiceFormView):
    """The reporter's written report: achievements, problems found, plans; with attachments."""

    queryset = Reporter.objects.select_related("session__org", "org")
    capability = FILE_REPORT
    denied_message = gettext_lazy("You are not allowed to file this organisation's report.")
    form_class = ReportForm
    template_name = "reviews/report_form.html"
    context_object_name = "reporter"
    success_message = gettext_lazy("Report filed.")

    def get_initial(self, reporter) -> dict:
        return {"achievements": reporter.achievements, "problems": reporter.problems, "plans": reporter.plans}

    def perform(self, form, reporter, user):
        return services.report_file(reporter=reporter, actor=user, **form.cleaned_data)

    def get_success_url(self, reporter, result) -> str:
        return reverse("reviews:reporter_detail", args=[reporter.pk])

    def get_extra_context(self, reporter) -> dict:
        previous, previous_items = selectors.previous_items(reporter, self.request.user)
        return {
            "previous": previous,
            "previous_items": previous_items,
            "breadcrumbs": _crumbs(
                (str(reporter.session), reverse("reviews:session_detail", args=[reporter.session_id])),
                (str(reporter), reverse("reviews:reporter_detail", args=[reporter.pk])),
                (_("Written report"), None),
            ),
        }


class HandOver(ServiceFormView):
    """Hand the reporter's problems to their organisation as a rectification list (交办), through the ledger."""

    queryset = Reporter.objects.select_related("session__org", "org")
    denied_message = gettext_lazy("You are not allowed to hand down problems from this session.")
    form_class = HandOverForm
    template_name = "reviews/hand_over_form.html"
    context_object_name = "reporter"

    def check_capability(self, reporter) -> None:
        if not can(self.request.user, Cap.HAND_DOWN, reporter.session.org):
            raise PermissionDenied(self.denied_message)

    def get_initial(self, reporter) -> dict:
        return {
            "problems": "\n".join(selectors.hand_over_candidates(reporter, self.request.user)),
            "deadline": timezone.localdate() + timedelta(days=90),
        }

    def perform(self, form, reporter, user):
        return services.problems_hand_over(
            reporter=reporter,
            actor=user,
            titles=form.cleaned_data["problems"],
            deadline=form.cleaned_data["deadline"],
        )

    def get_success_message(self, reporter, items) -> str:
        return _("%(count)s problems handed over to %(org)s.") % {
            "count": len(items),
            "org": reporter.org.label,
        }

    def get_success_url(self, reporter, items) -> str:
        return reverse("reviews:reporter_detail", args=[reporter.pk])

    def get_extra_context(self, reporter) -> dict:
        return {
            "breadcrumbs": _crumbs(
                (str(reporter.session), reverse("reviews:session_detail", args=[reporter.session_id])),
                (str(reporter), reverse("reviews:reporter_detail", args=[reporter.pk])),
                (_("Hand over problems"), None),
            )
        }


# ------------------------------------------------------------------ results and exports


def _closed_session(user, pk) -> ReviewSession:
    session = _session(user, pk)
    if not session.is_closed:
        raise Http404
    return session


@login_required
@require_GET
def results(request, pk: int):
    """The frozen results: ranking, per-group figures, formula in words, charts and the digest."""
    session = _closed_session(request.user, pk)
    rows = list(selectors.results_for(session, request.user))
    is_host = session in ReviewSession.objects.hosted_by(request.user) and sees_whole_subtree(
        request.user, session.org
    )
    return render(
        request,
        "reviews/results.html",
        {
            "session": session,
            "rows": rows,
            "is_host": is_host,
            "ranked": sum(1 for r in rows if r.rank) if is_host else None,
            "charts": selectors.charts(rows) if is_host else None,
            "breadcrumbs": _crumbs(
                (str(session), reverse("reviews:session_detail", args=[session.pk])), (_("Results"), None)
            ),
        },
    )


def _group_cell(result) -> str:
    parts = []
    for g in result.groups:
        shares = "、".join(f"{Grade(k).label}{n}" for k, n in g["grades"].items())
        figure = g["average"] if g["average"] is not None else "—"
        mark = "" if g["met"] else _("(below minimum)")
        parts.append(
            f"{g['name']} {g['count']}/{g['expected']} {figure}{(' ' + shares) if shares else ''}{mark}"
        )
    return "；".join(parts)


@login_required
@require_GET
def results_export(request, pk: int):
    """The results as .xlsx (the rows the user may see), with the ballot digest on every row."""
    session = _closed_session(request.user, pk)
    columns = [
        Column(_("Rank"), "rank", width=6),
        Column(_("Organisation"), "reporter__org__name", width=28),
        Column(_("Secretary"), "reporter__secretary"),
        Column(_("Weighted total"), "total", render=lambda r: str(r.total) if r.total is not None else "—"),
        Column(_("Overall grade"), "grade", render=lambda r: r.get_grade_display() or "—"),
        Column(_("Rater groups"), "groups", render=_group_cell, width=60),
        Column(_("How the total was computed"), "formula", width=60),
        Column(_("Ballot digest (SHA-256)"), "digest", render=lambda r: session.digest, width=66),
    ]
    data = xlsx_bytes(columns, selectors.results_for(session, request.user), title=_("Results"))
    return xlsx_response(data, f"{session.title}-{_('results')}.xlsx")


@login_required
@require_GET
def ballots_export(request, pk: int):
    """Every anonymised ballot, for those who see the host's whole subtree: recounting it reproduces the digest."""
    try:
        session = (
            ReviewSession.objects.hosted_by(request.user)
            .select_related("org")
            .get(pk=pk, status=ReviewSession.Status.CLOSED)
        )
    except (ReviewSession.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not sees_whole_subtree(request.user, session.org):
        raise Http404
    headers = [
        _("Serial"),
        _("Order"),
        _("Rater group"),
        _("Grade"),
        _("Indicator points"),
        _("Points"),
        _("Comment"),
        _("Organisation"),
    ]
    columns = [Column(h, str(n), render=lambda row, n=n: row[n], width=16) for n, h in enumerate(headers)]
    data = xlsx_bytes(columns, selectors.ballot_export_rows(session), title=_("Ballots"))
    return xlsx_response(data, f"{session.title}-{_('ballots')}-{session.digest[:12]}.xlsx")


@login_required
@require_GET
def results_notice(request, pk: int):
    """The Word 评议结果通报 of the whole session (for those who see the host's whole subtree)."""
    try:
        session = (
            ReviewSession.objects.hosted_by(request.user)
            .select_related("org")
            .get(pk=pk, status=ReviewSession.Status.CLOSED)
        )
    except (ReviewSession.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not sees_whole_subtree(request.user, session.org):
        raise Http404
    rows = list(selectors.results_for(session, request.user))
    data = documents.render("reviews.result_notice", selectors.result_notice(session, rows))
    return documents.response(data, filename=f"{session.title}-{_('result notice')}.docx")


# ------------------------------------------------------------------ without an account


def _screen_session(token: str) -> ReviewSession:
    """The session of an unguessable big-screen link; any other link is 404 (not a scoped record fetch)."""
    session = (
        ReviewSession.objects.select_related("org", "current_reporter__org")
        .filter(screen_token=token)
        .first()
    )
    if session is None:
        raise Http404
    return session


def _screen_context(session) -> dict:
    current = session.current_reporter if session.status == ReviewSession.Status.LIVE else None
    context = {"session": session, "current": current, "progress": selectors.progress(session, current)}
    if session.is_closed:
        context["rows"] = list(
            Result.objects.filter(reporter__session=session)
            .select_related("reporter__org")
            .order_by("rank", "reporter__position")
        )
    return context


@require_GET
def screen(request, token: str):
    """The big screen (projector): current reporter, live ballot counts per group, results once closed."""
    session = _screen_session(token)
    return render(request, "reviews/screen.html", _screen_context(session))


@require_GET
def screen_live(request, token: str):
    """The big screen's live part, polled every second or two."""
    session = _screen_session(token)
    return render(request, "reviews/partials/screen_live.html", _screen_context(session))


def vote_entry(request):
    """Type the code printed on a credential card (for a phone that cannot scan the QR code)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credential = services.credential_by_code(form.cleaned_data["code"])
        if credential is not None:
            return redirect("reviews:vote", code=credential.code)
        form.add_error("code", _("This code is not a valid ballot credential."))
    return render(request, "reviews/vote_entry.html", {"form": form})


def vote(request, code: str):
    """A rater's ballot on the reporter now being scored (the credential is the only key)."""
    credential = services.credential_by_code(code)
    if credential is None:
        return render(
            request,
            "reviews/vote_refused.html",
            {"message": _("This code is not a valid ballot credential.")},
            status=404,
        )
    session = credential.session
    reporter = session.current_reporter if session.status == ReviewSession.Status.LIVE else None
    if reporter is not None and reporter.status != Reporter.Status.SCORING:
        reporter = None
    form = BallotForm(
        request.POST or None, session=session, initial={"reporter": reporter.pk if reporter else None}
    )
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_submit(
                code=credential.code,
                reporter_id=form.cleaned_data["reporter"],
                grade=form.cleaned_data.get("grade") or "",
                scores=form.scores(),
                comment=form.cleaned_data.get("comment") or "",
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            done = True
    voted = reporter is not None and services.has_voted(credential, reporter)
    return render(
        request,
        "reviews/vote.html",
        {
            "credential": credential,
            "session": session,
            "reporter": reporter,
            "form": form,
            "done": done,
            "voted": voted,
        },
    )
