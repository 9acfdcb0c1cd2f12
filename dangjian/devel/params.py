"""Time rules of 《中国共产党发展党员工作细则》(2014) (DOMAIN.md §3), adjustable by administrators."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.params import declare

MIN_AGE = declare("devel.min_age", 18, _("Youngest age at the application for Party membership (years)"))
TALK_WITHIN_MONTHS = declare(
    "devel.talk_within_months", 1, _("A talk with the applicant within this many months of the application")
)
ACTIVIST_MIN_MONTHS = declare(
    "devel.activist_min_months", 12, _("Months as an activist before being chosen as a candidate")
)
ASSESSMENT_EVERY_MONTHS = declare(
    "devel.assessment_every_months",
    6,
    _("An activist is assessed by the branch at least every so many months"),
)
TRAINING_MIN_DAYS = declare(
    "devel.training_min_days", 3, _("Concentrated training of candidates: fewest days")
)
TRAINING_MIN_HOURS = declare(
    "devel.training_min_hours", 24, _("Concentrated training of candidates: fewest class hours")
)
NOTICE_MIN_WORKING_DAYS = declare(
    "devel.notice_min_working_days", 5, _("A public notice (公示) lasts at least this many working days")
)
APPROVAL_WITHIN_MONTHS = declare(
    "devel.approval_within_months", 3, _("The higher committee approves within this many months of the vote")
)
APPROVAL_EXTENDED_MONTHS = declare(
    "devel.approval_extended_months", 6, _("Approval limit when an extension was granted (months)")
)
PROBATION_MONTHS = declare("devel.probation_months", 12, _("Probation from the branch vote (months)"))
EXTENSION_MIN_MONTHS = declare("devel.extension_min_months", 6, _("Shortest extension of probation (months)"))
EXTENSION_MAX_MONTHS = declare("devel.extension_max_months", 12, _("Longest extension of probation (months)"))
QUOTA_STEP = declare(
    "devel.quota_step", 17, _("The step whose approval consumes a development quota (17, or 12)")
)
REMIND_TALK_DAYS = declare("devel.remind_talk_days", 7, _("Remind of a talk due within this many days"))
REMIND_APPROVAL_DAYS = declare(
    "devel.remind_approval_days", 14, _("Remind of an approval due within this many days")
)
