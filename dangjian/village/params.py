"""Rule parameters of village governance (DOMAIN.md §4 and §12), each with its default."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core import params

CHECKIN_FROM_HOUR = params.declare(
    "village.checkin_from_hour", 7, _("Duty check-in opens at (hour of the day, 0–23)")
)
CHECKIN_UNTIL_HOUR = params.declare(
    "village.checkin_until_hour", 19, _("Duty check-in closes at (hour of the day, 1–24)")
)
MAKEUP_DAY_ROTA = params.declare(
    "village.makeup_day_rota_weekday",
    1,
    _("Weekday whose office rota applies on a weekend made a working day (调休; 1 = Monday … 5 = Friday)"),
)
LEAVE_TOWNSHIP_DAYS = params.declare(
    "village.leave_township_over_days",
    3,
    _("Leave longer than this many days is approved by the township (a secretary's always)"),
)
FIRST_SECRETARY_MIN_DAYS = params.declare(
    "village.first_secretary_min_days", 20, _("Days a first secretary is on post each month (minimum)")
)
DISCLOSURE_MIN_DAYS = params.declare(
    "village.disclosure_min_days", 7, _("Days a 四议两公开 disclosure stays published (minimum)")
)
RESULT_DISCLOSURE_DAYS = params.declare(
    "village.result_disclosure_days",
    30,
    _("Days after implementation by which the results must be disclosed"),
)
DECISION_STUCK_DAYS = params.declare(
    "village.decision_stuck_days", 30, _("Days without a next step after which a decision counts as stuck")
)
DECISION_REVIEW_AMOUNT = params.declare(
    "village.decision_review_amount",
    500000,
    _("Decisions above this amount (yuan) need the township's review before the villagers decide"),
)
GRID_RESOLVE_COMPLEX_DAYS = params.declare(
    "village.grid_resolve_complex_working_days",
    15,
    _(
        "Grid matters: resolution of complex matters within at least (working days; each category sets its own limits)"
    ),
)
