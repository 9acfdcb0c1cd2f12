"""Rule parameters of the ledger (DOMAIN.md §8), with defaults an administrator can change."""

from django.conf import settings

from dangjian.core.params import declare, get

YELLOW_DAYS = declare("ledger.yellow_days", 3, "黄灯：距整改时限不足多少天（含当天）")
ESCALATE_AFTER_DAYS = declare("ledger.escalate_after_days", 7, "逾期超过多少天列入督办（约谈、问责）清单")
RANKING_MIN_ITEMS = declare("ledger.ranking_min_items", 5, "参加排名的组织至少应有的事项数")
EVIDENCE_MAX_MB = declare("ledger.evidence_max_mb", getattr(settings, "UPLOAD_MAX_MB", 20), "佐证材料单个文件大小上限（MB）")
EVIDENCE_EXTENSIONS = declare(
    "ledger.evidence_extensions",
    "pdf,jpg,jpeg,png,doc,docx,xls,xlsx,ofd,zip",
    "佐证材料允许的文件类型（以英文逗号分隔）",
    kind=str,
)
SEPARATION_OF_DUTIES = declare(
    "ledger.separation_of_duties", 1, "职责分离：整改单位的人员不得核验本单位事项的销号（1 = 是，0 = 否）"
)


def evidence_extensions() -> list[str]:
    """The allowed evidence file extensions, lower case, without dots."""
    raw = str(get(EVIDENCE_EXTENSIONS.key))
    return [e.strip().lower().lstrip(".") for e in raw.replace("，", ",").split(",") if e.strip()]
