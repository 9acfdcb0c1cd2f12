from django.utils.translation import gettext_lazy as _

from dangjian.core.modules import (
    DailyJob,
    DemoStep,
    DocField,
    DocumentKind,
    HomeBlock,
    ModuleConfig,
    NavEntry,
)
from dangjian.core.scoping import can


class DevelConfig(ModuleConfig):
    """Party-member development (发展党员全程纪实): 5 stages, 25 steps, time rules, public notices, quotas."""

    name = "dangjian.devel"
    label = "devel"
    verbose_name = _("Party-member development")

    url_prefix = "devel/"
    api = "dangjian.devel.api.register"
    parameters = "dangjian.devel.params"
    workflows = "dangjian.devel.rules"
    capabilities = {
        "develop": _("Record the steps of Party-member development files"),
        "approve_development": _(
            "File, pre-review and approve Party-member development as the higher committee"
        ),
        "set_quota": _("Divide the yearly development quota among the organisations below"),
    }
    role_capabilities = {
        "org_dept": {"develop", "approve_development", "set_quota"},
        "township": {"develop", "approve_development", "set_quota"},
        "branch_secretary": {"develop"},
    }
    audited = {
        "DevelopmentFile": {"exclude_fields": ["version", "status_changed_at"]},
        "StepRecord": {},
        "PublicNotice": {},
        "Quota": {},
    }
    nav = (
        NavEntry(
            key="devel",
            label=_("Party-member development"),
            icon="user-plus",
            url_name="devel:pipeline",
            order=40,
            visible=lambda user: can(user, "develop") or can(user, "approve_development"),
        ),
        NavEntry(
            key="devel_quotas",
            label=_("Development quotas"),
            icon="chart-pie",
            url_name="devel:quotas",
            order=41,
            visible=lambda user: can(user, "develop") or can(user, "set_quota"),
        ),
    )
    home_blocks = (
        HomeBlock(
            key="devel_due",
            order=30,
            template="devel/partials/home_block.html",
            context="dangjian.devel.views.home_block",
        ),
    )
    demo = (
        DemoStep(
            "devel", order=65, build="dangjian.devel.demo.build", county="dangjian.devel.demo.build_county"
        ),
    )
    daily = (DailyJob("devel", order=65, run="dangjian.devel.services.daily_run"),)
    indicators = "dangjian.devel.indicators"
    # Filled by devel.selectors.*_document; default templates: devel/documents/*.docx
    # (written by scripts/make_devel_templates.py).
    documents = (
        DocumentKind(
            key="devel.public_notice",
            label=_("Public notice of Party-member development (公示)"),
            fields=(
                DocField("title", _("Title of the notice")),
                DocField("org", _("Branch")),
                DocField("higher_org", _("Higher committee")),
                DocField("purpose", _("What is proposed (to choose as a candidate, to admit, to convert)")),
                DocField("name", _("Name")),
                DocField("sex", _("Sex")),
                DocField("ethnicity", _("Ethnicity")),
                DocField("born", _("Year and month of birth")),
                DocField("education", _("Education"), required=False),
                DocField("applied_on", _("Date of application")),
                DocField("activist_on", _("Activist since"), required=False),
                DocField("candidate_on", _("Candidate since"), required=False),
                DocField("starts_on", _("Notice from")),
                DocField("ends_on", _("Notice until")),
                DocField("working_days", _("Working days of the notice")),
                DocField("place", _("Published where")),
                DocField("printed_on", _("Date printed"), required=False),
            ),
        ),
        DocumentKind(
            key="devel.approval_reply",
            label=_("Reply of the higher committee (pre-review, approval, conversion)"),
            fields=(
                DocField("title", _("Title of the reply")),
                DocField("org", _("Branch")),
                DocField("higher_org", _("Higher committee")),
                DocField("name", _("Name")),
                DocField("subject", _("What was reviewed")),
                DocField("vote_on", _("Date of the branch's meeting or vote")),
                DocField("entitled", _("Members entitled to vote (empty for a pre-review)"), required=False),
                DocField("present", _("Voting members present"), required=False),
                DocField("votes_for", _("Votes for"), required=False),
                DocField("done_on", _("Date of the decision")),
                DocField("decision", _("The decision")),
                DocField("particulars", _("Particulars"), required=False),
            ),
        ),
        DocumentKind(
            key="devel.file_index",
            label=_("Index of a development file (档案目录)"),
            fields=(
                DocField("org", _("Branch")),
                DocField("name", _("Name")),
                DocField("id_masked", _("Citizen ID, masked")),
                DocField("status", _("Current step")),
                DocField("steps", _("The 25 steps, a list: each has number, label, dates and documents")),
                DocField("printed_on", _("Date printed"), required=False),
            ),
        ),
    )
    leak_rows = "dangjian.devel.tests.leak"
