from django.utils.translation import gettext_lazy as _

from dangjian.core.modules import DailyJob, DemoStep, HomeBlock, ModuleConfig, NavEntry
from dangjian.core.scoping import can


class DevelConfig(ModuleConfig):
    """Party-member development (发展党员全程纪实): 5 stages, 25 steps, time rules, public notices, quotas."""

    name = "dangjian.devel"
    label = "devel"
    verbose_name = _("Party-member development")

    url_prefix = "devel/"
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
    demo = (DemoStep("devel", order=65, build="dangjian.devel.demo.build"),)
    daily = (DailyJob("devel", order=65, run="dangjian.devel.services.daily_run"),)
    indicators = "dangjian.devel.indicators"
    leak_rows = "dangjian.devel.tests.leak"
