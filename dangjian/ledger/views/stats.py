"""Statistics: the roll-up by child organisation (live or a stored month), rankings, ageing of overdue
items, pressure transmission by tree level (上热中温下凉), and the supervisors' escalation list."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core import nav, registry
from dangjian.core.dbrouter import reports_on_replica
from dangjian.core.exports import xlsx_response
from dangjian.core.pagination import list_key, page_of
from dangjian.core.scoping import can
from dangjian.orgs.models import Organisation

from .. import charts, selectors
from ..columns import export_escalations
from ..deadlines import days_overdue
from ..figures import FIGURE, FIGURES
from ..forms import MonthForm
from ..rules import SUPERVISOR, can_act
from .common import EXPORT, INSPECT, VERIFY

PER_PAGE = 50


def _root(request) -> Organisation | None:
    """The organisation whose children the roll-up compares: ?org=, else the focus, else my top one."""
    return selectors.rollup_root(request.user, request.GET.get("org"))


def _month(request) -> date | None:
    form = MonthForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("month"):
        return form.cleaned_data["month"].replace(day=1)
    return None


def _crumbs(root, *tail) -> list:
    crumbs = [(_("Statistics"), reverse("ledger:rollup"))]
    if root is not None:
        crumbs.append((root.label, None))
    return crumbs + list(tail)


def _rows(request, root, month):
    """The roll-up's rows, and when they were saved if they are the daily run's (None: counted now).

    A stored month as saved at its end; a wide scope (a city, a province) as the daily run saved the month
    so far, for counting all its items on every visit takes seconds; anything else live."""
    if root is None:
        return [], None
    if month is not None:
        return selectors.snapshot_rollup(request.user, root, month), None
    return selectors.rollup_now(request.user, root)


@reports_on_replica
@login_required
@require_GET
def rollup(request):
    """Per child organisation: counts by status, on-time closure rate, overdue count and age, closed late.

    A month (``?month=2026-10``) shows the figures saved at that month's end, exactly as stored.
    """
    root = _root(request)
    month = _month(request)
    rows, saved_at = _rows(request, root, month)
    live = month is None and saved_at is None
    totals = selectors.rollup_totals(rows)
    for row in [*rows, totals] if totals else rows:
        row.status_counts = [row.by_word.get(w, 0) for w in selectors.COMPLETION_WORDS]
    ranked, method = (
        selectors.ranking(request.user, root, rollup_rows=rows)
        if root is not None and month is None
        else ([], "")
    )
    ancestors = (
        Organisation.objects.visible_to(request.user)
        .filter(path__in=root.ancestor_paths())
        .only("id", "name", "short_name")
        if root is not None
        else []
    )
    return render(
        request,
        "ledger/rollup.html",
        {
            "root": root,
            "rows": rows,
            "totals": totals,
            "figures": FIGURE,
            # Counted in the published words (已整改销号 … 未完成), as offices report them.
            "statuses": [(w, w) for w in selectors.COMPLETION_WORDS],
            "month": month,
            "month_form": MonthForm(initial={"month": month}),
            "months": selectors.snapshot_months(request.user),
            "ranking": ranked,
            # Saved figures (a month, a wide scope's night) have no table by person nor ageing: both count
            # every item now.
            "saved_at": saved_at,
            "saved": not live,
            "by_person": selectors.items_by_person(request.user, root) if root is not None and live else [],
            "definitions": FIGURES,
            "ranking_method": method,
            "ancestors": ancestors,
            "chart_orgs": charts.by_org(rows),
            "chart_ageing": charts.ageing(selectors.ageing(request.user)) if live else None,
            "can_export": can(request.user, EXPORT),
            "query": request.GET.urlencode(),
            "breadcrumbs": _crumbs(root),
        },
    )


@reports_on_replica
@login_required
@require_GET
def rollup_export(request):
    """The roll-up as shown (a stored month exactly as it was saved) in .xlsx."""
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export ledgers."))
    root = _root(request)
    month = _month(request)
    rows, saved_at = _rows(request, root, month)
    label = month.strftime("%Y-%m") if month else timezone.localdate().isoformat()
    filename = _("rectification-statistics-%(org)s-%(period)s.xlsx") % {
        "org": root.label if root else "",
        "period": label,
    }
    heading = charts.statistics_heading(
        _("%(org)s rectification statistics") % {"org": root.name if root else ""},
        root=root,
        user=request.user,
        period=_period_words(month, saved_at),
    )
    return xlsx_response(charts.rollup_xlsx(rows, selectors.rollup_totals(rows), heading=heading), filename)


def _period_words(month: date | None, saved_at=None) -> str:
    if month is not None:
        return _("end of %(year)s-%(month)02d") % {"year": month.year, "month": month.month}
    day = timezone.localtime(saved_at).date() if saved_at is not None else timezone.localdate()
    words = f"{day.year}年{day.month}月{day.day}日"
    return _("%(day)s, the daily run's figures") % {"day": words} if saved_at is not None else words


@login_required
@require_GET
def ranking_export(request):
    """The ranking on the roll-up page in .xlsx, from the same figures (a wide scope's as the daily run saved
    them, as of when in the title block, with the method)."""
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("You are not allowed to export ledgers."))
    root = _root(request)
    rows, saved_at = _rows(request, root, None)
    ranked, method = selectors.ranking(request.user, root, rollup_rows=rows) if root is not None else ([], "")
    heading = charts.statistics_heading(
        _("%(org)s on-time closure ranking") % {"org": root.name if root else ""},
        root=root,
        user=request.user,
        period=_period_words(None, saved_at),
        extra=[(_("Method"), method)],
    )
    filename = _("ranking-%(org)s-%(date)s.xlsx") % {
        "org": root.label if root else "",
        "date": timezone.localdate().isoformat(),
    }
    return xlsx_response(charts.ranking_xlsx(ranked, heading=heading), filename)


@login_required
@require_GET
def pressure(request):
    """On-time closure rate by tree level: is pressure passed down (上热中温下凉)?"""
    rows = selectors.rollup_by_level(request.user)
    return render(
        request,
        "ledger/pressure.html",
        {
            "rows": rows,
            "totals": selectors.rollup_totals(rows),
            "figures": FIGURE,
            "definitions": [
                FIGURE[k] for k in ("total", "closed", "closed_on_time", "due", "on_time_rate", "overdue")
            ],
            "chart_levels": charts.by_level(rows),
            "breadcrumbs": [(_("Statistics"), reverse("ledger:rollup")), (_("Pressure transmission"), None)],
        },
    )


# The escalation list counts its rows up to this many: each is judged overdue on the item's dates, so a
# province's count of 100 000 took 300 ms; a supervisor with more than ten thousand to chase filters first.
ESCALATIONS_COUNT_MAX = 10_000


@login_required
@require_GET
def escalations(request):
    """Items overdue beyond the allowed days, for supervisors: record an interview or accountability."""
    if not (can(request.user, VERIFY) or can(request.user, INSPECT)):
        raise PermissionDenied(_("Only supervisors see the escalation list."))
    today = timezone.localdate()
    page = page_of(
        selectors.escalation_rows(request.user, today),
        request,
        PER_PAGE,
        count_max=ESCALATIONS_COUNT_MAX,
        key=list_key(request),
    )
    actions = registry.actions_for("escalation")
    for item in page:
        item.days_overdue = days_overdue(item, today)
        # Buttons other modules add here (e.g. the talks module's "record an interview").
        item.actions = [
            (action, nav.id_url(action.url_name, item.pk))  # reversed once per view, not per row
            for action in actions
            if can_act(request.user, action.cap, item, SUPERVISOR)
        ]
        item.can_hold_accountable = can_act(request.user, INSPECT, item, SUPERVISOR)
    return render(
        request,
        "ledger/escalations.html",
        {
            "page": page,
            "after_days": selectors.escalate_after_days(),
            "can_export": can(request.user, EXPORT),
            "breadcrumbs": [(_("Lists"), reverse("ledger:list_index")), (_("Escalation"), None)],
        },
    )


@login_required
@require_GET
def escalations_export(request):
    """The escalation list as shown, every row, in .xlsx (督办清单)."""
    if not can(request.user, EXPORT) or not (can(request.user, VERIFY) or can(request.user, INSPECT)):
        raise PermissionDenied(_("Only supervisors see the escalation list."))
    today = timezone.localdate()
    rows = list(selectors.escalation_rows(request.user, today))
    for item in rows:
        item.days_overdue = days_overdue(item, today)
    root = selectors.rollup_root(request.user)
    heading = charts.statistics_heading(
        _("%(org)s escalation list (overdue by more than %(n)s days)")
        % {"org": root.name if root else "", "n": selectors.escalate_after_days()},
        root=root,
        user=request.user,
        period=_period_words(None),
    )
    filename = _("escalation-list-%(date)s.xlsx") % {"date": today.isoformat()}
    return xlsx_response(export_escalations(rows, heading=heading), filename)


urlpatterns = [
    path("stats/", rollup, name="rollup"),
    path("stats/export/", rollup_export, name="rollup_export"),
    path("stats/ranking/export/", ranking_export, name="ranking_export"),
    path("escalations/export/", escalations_export, name="escalations_export"),
    path("stats/pressure/", pressure, name="pressure"),
    path("escalations/", escalations, name="escalations"),
]
