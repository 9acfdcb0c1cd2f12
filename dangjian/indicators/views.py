"""The indicators page: every registered figure with its meaning, and any of them for a subtree and period."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core import indicators
from dangjian.core.dbrouter import reports_on_replica
from dangjian.core.indicators import Period
from dangjian.core.scoping import get_for_user
from dangjian.orgs.models import Organisation
from dangjian.orgs.selectors import top_organisations

from . import selectors


def _period(text: str | None) -> Period:
    try:
        return Period.parse(text or "")
    except ValueError:
        today = timezone.localdate()
        return Period.month(today.year, today.month)


@reports_on_replica
@login_required
@require_GET
def index(request):
    """List the indicators; with ``key``, show one for the children of ``org`` over ``period``."""
    user = request.user
    period = _period(request.GET.get("period"))
    catalogue = [
        (
            i,
            apps.get_app_config(i.module).verbose_name
            if apps.is_installed(f"dangjian.{i.module}")
            else i.module,
        )
        for i in indicators.all_indicators()
    ]
    chosen = None
    total = rows = ancestors = None
    key = request.GET.get("key")
    if key in {i.key for i, _m in catalogue}:
        chosen = indicators.get(key)
    parent = None
    if chosen is not None:
        org_id = request.GET.get("org")
        if org_id:
            parent = get_for_user(Organisation.objects.current(), user, pk=org_id)
        else:
            tops = top_organisations(user)
            parent = tops[0] if tops else None
    if chosen is not None and parent is not None:
        total, rows = selectors.breakdown(user, chosen, parent, period)
        steps = range(Organisation.steplen, len(parent.path), Organisation.steplen)
        ancestors = list(
            Organisation.objects.visible_to(user)
            .filter(path__in=[parent.path[:n] for n in steps])
            .order_by("depth")
        )
    return render(
        request,
        "indicators/index.html",
        {
            "catalogue": catalogue,
            "chosen": chosen,
            "period": period,
            # A month's figures come from the daily run's record once it has ended (see core.indicators.record).
            "settle_days": settings.INDICATOR_SETTLE_DAYS if indicators.is_recorded_period(period) else None,
            "record_min_orgs": settings.INDICATOR_RECORD_MIN_ORGS,
            "parent": parent,
            "ancestors": ancestors or [],
            "total": total,
            "rows": rows or [],
            "chart": selectors.chart(chosen, rows) if rows else None,
            "breadcrumbs": [(_("Indicators"), reverse("indicators:index") if chosen else None)]
            + ([(str(chosen.label), None)] if chosen else []),
        },
    )


urlpatterns = [path("", index, name="index")]
