from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import DailyJob, DemoStep, ItemSource, ModuleConfig, NavEntry, Panel

RECORD = "record_orglife"
REVIEW = "review_monthly_reports"


class OrglifeConfig(ModuleConfig):
    """Organisational life (三会一课 and the rest), monthly reports, member evaluation and training."""

    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = _("Organisational life")

    url_prefix = "orglife/"
    api = "dangjian.orglife.api.register"
    nav = (
        NavEntry(
            key="orglife",
            label=_("Organisational life"),
            icon="users-group",
            url_name="orglife:meeting_list",
            order=35,
        ),
    )
    capabilities = {
        RECORD: _("Register meetings, evaluations and training; compile and submit monthly reports"),
        REVIEW: _("Review the monthly reports of the organisations below"),
    }
    role_capabilities = {
        "branch_secretary": {RECORD},
        "township": {RECORD, REVIEW},
        "org_dept": {RECORD, REVIEW},
    }
    audited = {
        "Meeting": {},
        "Attendance": {},
        "MonthlyReport": {},
        "Amendment": {},
        "EvaluationRound": {},
        "MutualRating": {},
        "Evaluation": {},
        "Course": {},
        "TrainingRecord": {},
        "FrequencyRule": {},
        "CoverageCheck": {},
    }
    workflows = "dangjian.orglife.rules"
    parameters = "dangjian.orglife.params"
    demo = (
        DemoStep(
            "orglife",
            order=60,
            build="dangjian.orglife.demo.build",
            county="dangjian.orglife.demo.build_county",
        ),
    )
    daily = (DailyJob("orglife", order=60, run="dangjian.orglife.services.daily_run"),)
    item_sources = (
        ItemSource(
            "orglife.Evaluation",
            label=_("Democratic evaluation of members"),
            url_name="orglife:evaluation_detail",
            source="orglife",
            cap=RECORD,
        ),
        ItemSource(
            "orglife.MonthlyReport",
            label=_("Monthly report of organisational life"),
            url_name="orglife:report_detail",
            source="orglife",
            cap=Cap.INSPECT,
        ),
        ItemSource(
            "orglife.CoverageCheck",
            label=_("Training coverage check"),
            url_name="orglife:coverage_check",
            source="training",
            cap=Cap.INSPECT,
        ),
    )
    panels = (
        Panel(
            on="orgs.organisation",
            key="orglife",
            order=45,
            template="orglife/partials/org_panel.html",
            context="dangjian.orglife.selectors.org_panel",
        ),
    )
    indicators = "dangjian.orglife.indicators"
    leak_rows = "dangjian.orglife.tests.leak"
