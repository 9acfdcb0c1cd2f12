"""Rules of organisational life (DOMAIN.md §2) that vary locally; the meeting frequencies are a table
(``FrequencyRule``), the training targets too (``CoverageTarget``); the rest are rule parameters."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.params import declare

WARN_DAYS = declare(
    "orglife.warn_days_before_period_end",
    7,
    _("Days before a period ends when the secretary is warned of a required meeting still missing"),
)
REPORT_DUE_DAY = declare(
    "orglife.report_due_day",
    5,
    _("Day of the following month by which the monthly report (月报) is due"),
)
EXCELLENT_MAX_PERCENT = declare(
    "orglife.excellent_max_percent",
    20,
    _("Most members graded excellent in a democratic evaluation (percent of those evaluated)"),
)
