"""Organisation rules from 《中国共产党支部工作条例（试行）》 (DOMAIN.md §1), adjustable by administrators."""

from django.utils.translation import gettext_lazy as _

from dangjian.core.params import declare

BRANCH_MIN_FULL_MEMBERS = declare(
    "orgs.branch_min_full_members", 3, _("Fewest full members to form a branch (fewer: a joint branch)")
)
COMMITTEE_MIN_FULL_MEMBERS = declare(
    "orgs.committee_min_full_members", 7, _("Full members from which a branch committee must be set up")
)
TERM_YEARS_VILLAGE = declare(
    "orgs.term_years_village", 5, _("Committee term of village and community organisations (years)")
)
TERM_YEARS_OTHER = declare(
    "orgs.term_years_other", 3, _("Committee term of other grassroots organisations (years)")
)
BRANCH_MAX_MEMBERS = declare(
    "orgs.branch_max_members", 50, _("Most members of a branch (more: a general branch)")
)
COMMITTEE_FROM_MEMBERS = declare(
    "orgs.committee_from_members",
    100,
    _("Members from which a grassroots committee is needed instead of a general branch"),
)
COMMITTEE_MIN_SIZE = declare("orgs.committee_min_size", 3, _("Fewest members of a branch committee"))
COMMITTEE_MAX_SIZE = declare("orgs.committee_max_size", 7, _("Most members of a branch committee"))
PROBATION_GRACE_DAYS = declare(
    "orgs.probation_grace_days",
    0,
    _("Days after the end of the probation year before an unconverted probationary member is flagged"),
)
LOST_CONTACT_MONTHS = declare(
    "orgs.lost_contact_months", 6, _("Months out of contact after which a member is flagged")
)
JOINT_BRANCH_MAX_UNITS = declare(
    "orgs.joint_branch_max_units",
    5,
    _("Most units a joint branch covers (more: set up branches of their own)"),
)
SECRETARY_VACANT_DAYS = declare(
    "orgs.secretary_vacant_days", 90, _("Days a secretary post may stay vacant before the warning turns red")
)
