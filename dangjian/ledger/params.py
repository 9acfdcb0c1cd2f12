"""Rule parameters of the ledger (DOMAIN.md §8), with defaults an administrator can change."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dangjian.core.params import declare, get

YELLOW_DAYS = declare(
    "ledger.yellow_days", 3, _("Yellow light: days left before the deadline (today included)")
)
ESCALATE_AFTER_DAYS = declare(
    "ledger.escalate_after_days",
    7,
    _("Days overdue after which an item joins the escalation list (interview, accountability)"),
)
DUTY_REVIEW_DAYS = declare(
    "ledger.duty_review_days",
    365,
    _("Responsibility lists (责任清单): days between two reviews of each standing duty"),
)
RANKING_MIN_ITEMS = declare(
    "ledger.ranking_min_items", 5, _("Items an organisation needs at least to be ranked")
)
EVIDENCE_MAX_MB = declare(
    "ledger.evidence_max_mb", getattr(settings, "UPLOAD_MAX_MB", 20), _("Largest evidence file (MB)")
)
EVIDENCE_EXTENSIONS = declare(
    "ledger.evidence_extensions",
    "pdf,jpg,jpeg,png,doc,docx,xls,xlsx,ofd,zip",
    _("Allowed evidence file types (separated by commas)"),
    kind=str,
)
SEPARATION_OF_DUTIES = declare(
    "ledger.separation_of_duties",
    1,
    _(
        "Separation of duties: staff of the rectifying organisation may not verify its closures (1 = yes, 0 = no); "
        "whoever rectified an item never verifies it, whatever this value"
    ),
)
MAX_EXTENSIONS = declare(
    "ledger.max_extensions", 2, _("Times an item's deadline may be extended (requests per round)")
)


def evidence_extensions() -> list[str]:
    """The allowed evidence file extensions, lower case, without dots."""
    raw = str(get(EVIDENCE_EXTENSIONS.key))
    return [e.strip().lower().lstrip(".") for e in raw.replace("，", ",").split(",") if e.strip()]
