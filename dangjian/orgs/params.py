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
