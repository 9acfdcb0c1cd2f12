"""Organisation rules from 《中国共产党支部工作条例（试行）》 (DOMAIN.md §1), adjustable by administrators."""

from dangjian.core.params import declare

BRANCH_MIN_FULL_MEMBERS = declare("orgs.branch_min_full_members", 3, "成立党支部的最少正式党员数（不足则应为联合党支部）")
COMMITTEE_MIN_FULL_MEMBERS = declare("orgs.committee_min_full_members", 7, "应设立支部委员会的正式党员数")
TERM_YEARS_VILLAGE = declare("orgs.term_years_village", 5, "村、社区党组织委员会任期（年）")
TERM_YEARS_OTHER = declare("orgs.term_years_other", 3, "其他基层党组织委员会任期（年）")
