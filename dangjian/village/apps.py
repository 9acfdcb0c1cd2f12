from django.utils.translation import gettext_lazy as _

from dangjian.core.modules import DailyJob, DemoStep, ItemSource, ModuleConfig, NavEntry, Panel

MANAGE = "manage_cadres"
APPROVE = "approve_leave"
OVERSEE = "oversee_village"
RECORD = "record_decision"
REVIEW = "review_decision"
HANDLE = "handle_grid"
SUPERVISE = "supervise_grid"
KEEP = "keep_village_dictionaries"


def _keeps_dictionaries(user) -> bool:
    from dangjian.core import scoping

    return scoping.without_focus(user).can(KEEP)


class VillageConfig(ModuleConfig):
    """Village governance (村级治理): cadres' duty and leave, major-matter reports, first secretaries,
    work files; grid matters; 四议两公开 decisions."""

    name = "dangjian.village"
    label = "village"
    verbose_name = _("Village governance")

    url_prefix = "village/"
    api = "dangjian.village.api.register"
    nav = (
        NavEntry(
            key="village_duty", label=_("My duty"), icon="fingerprint", url_name="village:my_duty", order=60
        ),
        NavEntry(
            key="village_rota",
            label=_("Duty of the day"),
            icon="calendar",
            url_name="village:rota_day",
            order=61,
        ),
        NavEntry(
            key="village_leave",
            label=_("Cadres' leave"),
            icon="plane-departure",
            url_name="village:leave_list",
            order=62,
        ),
        NavEntry(
            key="village_reports",
            label=_("Major-matter reports"),
            icon="flag",
            url_name="village:report_list",
            order=63,
        ),
        NavEntry(
            key="village_fs",
            label=_("First secretaries"),
            icon="user-star",
            url_name="village:first_secretaries",
            order=64,
        ),
        NavEntry(
            key="village_decisions",
            label=_("Four deliberations, two disclosures"),
            icon="checklist",
            url_name="village:decision_list",
            order=65,
        ),
        NavEntry(
            key="village_dictionaries",
            label=_("Village categories"),
            icon="list-details",
            url_name="village:dictionaries",
            order=67,
            visible=lambda user: _keeps_dictionaries(user),
        ),
        NavEntry(
            key="village_grid",
            label=_("Grid matters"),
            icon="grid-dots",
            url_name="village:matter_list",
            order=66,
        ),
    )
    capabilities = {
        MANAGE: _("Keep village cadres' rota, holiday duty, first secretaries and work files"),
        APPROVE: _("Approve village cadres' leave"),
        OVERSEE: _("Approve village secretaries' and long leave; acknowledge major-matter reports"),
        RECORD: _("Record a village's 四议两公开 steps"),
        REVIEW: _("Review large village decisions before the villagers decide"),
        HANDLE: _("Register, route, handle and answer grid matters"),
        SUPERVISE: _("Close or reopen grid matters (督查问效)"),
        KEEP: _("Keep the grid-matter categories and the kinds of major matters of one's organisation"),
    }
    # A role that creates the accounts below it holds at least their rights (accounts refuses otherwise):
    # the organisation department and the township may also enter a village's steps for it (代录).
    role_capabilities = {
        "org_dept": {MANAGE, APPROVE, OVERSEE, RECORD, REVIEW, HANDLE, SUPERVISE, KEEP},
        "township": {MANAGE, APPROVE, OVERSEE, RECORD, REVIEW, HANDLE, SUPERVISE, KEEP},
        "branch_secretary": {MANAGE, APPROVE, RECORD, HANDLE},
        "inspector": {SUPERVISE},
    }
    audited = {
        "OfficeRota": {},
        "HolidayDuty": {},
        "CheckIn": {},
        "Leave": {},
        "MajorMatterReport": {},
        "FirstSecretaryPosting": {},
        "WorkFile": {},
        "Decision": {},
        "DecisionStep": {},
        "Grid": {},
        "GridMatter": {"exclude_fields": ["reporter_phone"]},
        "GridCategory": {},
        "ReportKind": {},
    }
    item_sources = (
        ItemSource(
            "village.GridMatter",
            label=_("Grid matter"),
            url_name="village:matter_detail",
            source="daily",
            cap="inspect",
        ),
        ItemSource(
            "village.WorkFile",
            label=_("Village cadre's commitments"),
            url_name="village:work_file_detail",
            source="assessment",
            cap="hand_down",
        ),
    )
    panels = (
        Panel(
            on="orgs.organisation",
            key="village",
            order=60,
            template="village/partials/org_panel.html",
            context="dangjian.village.selectors.org_panel",
        ),
    )
    workflows = "dangjian.village.rules"
    parameters = "dangjian.village.params"
    indicators = "dangjian.village.indicators"
    demo = (
        DemoStep(
            "village",
            order=70,
            build="dangjian.village.demo.build",
            county="dangjian.village.demo.build_county",
        ),
    )
    daily = (DailyJob("village", order=70, run="dangjian.village.services.daily_run"),)
    leak_rows = "dangjian.village.tests.leak"
