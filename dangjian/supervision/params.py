"""Rule parameters of supervision and assessment (DOMAIN.md §5), with defaults an administrator can change."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.params import declare, get

GRADE_GOOD = declare("supervision.grade_good", 90, _("Classification: lowest score graded 好"))
GRADE_FAIRLY_GOOD = declare(
    "supervision.grade_fairly_good", 80, _("Classification: lowest score graded 较好")
)
GRADE_AVERAGE = declare("supervision.grade_average", 60, _("Classification: lowest score graded 一般"))
STAR_THRESHOLDS = declare(
    "supervision.star_thresholds",
    "60,65,75,85,95",
    _("Star rating: lowest score for one to five stars (five numbers, separated by commas)"),
    kind=str,
)
FIVE_STAR_QUOTA = declare(
    "supervision.five_star_quota_percent",
    10,
    _("Star rating: most five-star organisations under one township, in percent of its organisations"),
)
RATING_WEIGHTS = declare(
    "supervision.rating_weights",
    "20,30,50",
    _("Rating: weights of self-assessment, member and public poll and the township's rating (total 100)"),
    kind=str,
)
BOTTOM_N = declare(
    "supervision.bottom_n", 3, _("Ranking: the last N organisations are flagged for an interview (约谈)")
)
DASHBOARD_INDICATORS = declare(
    "supervision.dashboard_indicators",
    "ledger.open_items,ledger.overdue_items,ledger.closed_on_time_rate,supervision.inspection_score,"
    "supervision.inspection_findings,supervision.weak_orgs,supervision.venues_missing",
    _(
        "Dashboard: the registered indicators shown on the county's and townships' home page (keys, by commas)"
    ),
    kind=str,
)
BRIEFING_PREFIX = declare(
    "supervision.briefing_prefix", "萍党建通", _("Monthly briefing: document number prefix"), kind=str
)
VENUE_CHECKLIST = declare(
    "supervision.venue_checklist",
    "有场所,有设施,有标志,有党旗,有书报,有制度",
    _("Venue standard (六有): the items checked (separated by commas)"),
    kind=str,
)
INSPECTION_CHECKLIST = declare(
    "supervision.inspection_checklist",
    "坐班在岗,台账规范,三会一课记录,六有,公开栏",
    _("Unannounced inspections: the default checklist of a new plan (separated by commas)"),
    kind=str,
)
OVERDUE_SUGGESTS_WEAK = declare(
    "supervision.overdue_suggests_weak",
    3,
    _("Weak organisations: overdue items from which the flag is suggested"),
)
VACANT_DAYS_SUGGESTS_WEAK = declare(
    "supervision.vacant_days_suggests_weak",
    90,
    _("Weak organisations: days the secretary post has been vacant from which the flag is suggested"),
)


def split(key: str) -> list[str]:
    """A comma-separated parameter as a list (Chinese commas accepted)."""
    return [part.strip() for part in str(get(key)).replace("，", ",").split(",") if part.strip()]


def numbers(key: str) -> list[int]:
    return [int(part) for part in split(key)]
