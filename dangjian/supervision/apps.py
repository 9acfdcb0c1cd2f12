from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.caps import Cap
from dangjian.core.modules import (
    DemoStep,
    DocField,
    DocumentKind,
    HomeBlock,
    ItemSource,
    ModuleConfig,
    NavEntry,
    Panel,
)
from dangjian.core.scoping import can

BRIEF = "brief"
RATE = "rate"
CONFIRM_RATING = "confirm_rating"
SELF_ASSESS = "self_assess"


class SupervisionConfig(ModuleConfig):
    """Supervision and assessment: unannounced inspections, monthly briefings and rankings, ratings,
    weak organisations and venues (督查暗访、逐月通报、分类定级、评星晋级、后进整顿、六有、清零)."""

    name = "dangjian.supervision"
    label = "supervision"
    verbose_name = _("Supervision and assessment")

    url_prefix = "supervision/"
    api = "dangjian.supervision.api.register"
    parameters = "dangjian.supervision.params"
    workflows = "dangjian.supervision.rules"
    indicators = "dangjian.supervision.indicators"
    capabilities = {
        BRIEF: _("Compile and publish monthly briefings and ranking sets"),
        RATE: _("Rate organisations and flag weak organisations"),
        CONFIRM_RATING: _("Confirm ratings and lift weak-organisation flags"),
        SELF_ASSESS: _("Enter the organisation's self-assessment"),
    }
    role_capabilities = {
        "org_dept": {BRIEF, RATE, CONFIRM_RATING, SELF_ASSESS},
        "township": {BRIEF, RATE, SELF_ASSESS},
        "branch_secretary": {SELF_ASSESS},
    }
    audited = {
        name: {"exclude_fields": ["version", "status_changed_at", "snapshot", "results"]}
        for name in (
            "InspectionPlan",
            "Visit",
            "RankingSet",
            "Briefing",
            "Rating",
            "WeakOrg",
            "Venue",
            "Assessment",
            "Scoresheet",
            "RankingCall",
        )
    }
    nav = (
        NavEntry(
            key="supervision",
            label=_("Supervision"),
            icon="eye-check",
            url_name="supervision:plan_list",
            order=60,
            visible=lambda user: can(user, Cap.INSPECT) or can(user, Cap.VIEW),
        ),
        NavEntry(
            key="supervision_briefings",
            label=_("Monthly briefings"),
            icon="news",
            url_name="supervision:briefing_list",
            order=61,
        ),
        NavEntry(
            key="supervision_ratings",
            label=_("Ratings"),
            icon="stars",
            url_name="supervision:rating_list",
            order=62,
        ),
    )
    item_sources = (
        ItemSource(
            "supervision.Visit",
            label=_("Unannounced inspection"),
            url_name="supervision:visit_detail",
            source="inspection",
            cap=Cap.INSPECT,
        ),
        ItemSource(
            "supervision.RankingCall",
            label=_("Interview of the last in a ranking"),
            url_name="supervision:ranking_call_detail",
            source="interview",
            cap=BRIEF,
        ),
        ItemSource(
            "supervision.WeakOrg",
            label=_("Rectification of a weak organisation"),
            url_name="supervision:weak_detail",
            source="special_check",
            cap=Cap.HAND_DOWN,
        ),
        ItemSource(
            "supervision.Venue",
            label=_("Activity venue"),
            url_name="supervision:venue_detail",
            source="assigned",
            cap=Cap.HAND_DOWN,
        ),
    )
    panels = (
        Panel(
            on="orgs.organisation",
            key="supervision",
            order=60,
            template="supervision/partials/org_panel.html",
            context="dangjian.supervision.selectors.org_panel",
        ),
    )
    home_blocks = (
        HomeBlock(
            key="supervision_dashboard",
            order=30,
            template="supervision/partials/home_block.html",
            context="dangjian.supervision.selectors.home_block",
        ),
    )
    documents = (
        DocumentKind(
            key="supervision.briefing",
            label=_("Monthly briefing"),
            fields=(
                DocField("title", _("Title of the briefing")),
                DocField("number", _("Document number, e.g. 萍党建通〔2026〕11号")),
                DocField("org", pgettext_lazy("briefing", "Issuing organisation")),
                DocField("period", _("Month covered, e.g. 2026-11")),
                DocField("summary", _("Opening summary")),
                DocField("ranking_title", _("Name of the ranking set")),
                DocField("ranking_rows", _("Ranking rows, a list: each has rank, org, score and move")),
                DocField("method", _("How the ranking is computed, in words")),
                DocField("findings", _("Inspection findings, a list: each has org, on and title")),
                DocField("indicator_rows", _("Indicator rows, a list: each has org and text")),
                DocField("good_practice", _("Good practice"), required=False),
                DocField("issued_on", _("Date of issue"), required=False),
            ),
        ),
    )
    # Inspections, ratings, weak organisations and venues raise items: before the ledger's demo, whose
    # daily run then escalates their overdue items; briefings and assessments show the ledger's figures.
    demo = (
        DemoStep(
            "supervision",
            order=45,
            build="dangjian.supervision.demo.build",
            county="dangjian.supervision.demo.build_county",
        ),
        DemoStep("supervision_briefings", order=70, build="dangjian.supervision.demo.build_briefings"),
    )
    leak_rows = "dangjian.supervision.tests.leak"
