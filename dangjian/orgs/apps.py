from django.utils.translation import gettext_lazy as _

from dangjian.core.modules import DailyJob, DemoStep, HomeBlock, ModuleConfig, NavEntry, SearchProvider


class OrgsConfig(ModuleConfig):
    """The organisation tree, members, posts and the roster import/export."""

    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = _("Organisations and members")

    url_prefix = "orgs/"
    api = "dangjian.orgs.api.register"
    parameters = "dangjian.orgs.params"
    workflows = "dangjian.orgs.rules"
    audited = {
        "Organisation": {"exclude_fields": ["path", "depth", "numchild", "sort_key"]},
        "Person": {
            "exclude_fields": ["id_cipher", "id_digest", "name_pinyin", "name_initials", "version"],
            # The birth date is part of the ID number: histories show its year only, and old masks re-masked.
            "redact": {
                "birth_date": "dangjian.orgs.validators.birth_year_only",
                "id_masked": "dangjian.orgs.validators.mask_id",
            },
        },
        "Post": {},
        "Transfer": {},
    }
    nav = (
        NavEntry(key="orgs", label=_("Organisations"), icon="sitemap", url_name="orgs:tree", order=10),
        NavEntry(key="people", label=_("Members"), icon="users", url_name="orgs:person_list", order=11),
        NavEntry(
            key="org_warnings", label=_("Warnings"), icon="alert-triangle", url_name="orgs:warnings", order=12
        ),
    )
    search = (
        SearchProvider("orgs", _("Organisations"), 10, "dangjian.orgs.selectors.search_organisations"),
        SearchProvider("people", _("Members"), 20, "dangjian.orgs.selectors.search_people"),
    )
    home_blocks = (
        HomeBlock(
            key="org_warnings",
            order=20,
            template="orgs/partials/org_home_warnings.html",
            context="dangjian.orgs.views.organisations.home_warnings_block",
        ),
    )
    demo = (
        DemoStep(
            "orgs",
            order=10,
            build="dangjian.orgs.demo.build",
            present="dangjian.orgs.demo.present",
            county="dangjian.orgs.demo.build_county",
        ),
        DemoStep(
            "orgs_history",
            order=30,
            build="dangjian.orgs.demo.build_history",
            finish="dangjian.orgs.services.record_warnings_now",
        ),
        DemoStep("orgs_members", order=31, finish="dangjian.orgs.services.record_member_tallies_now"),
    )
    daily = (
        DailyJob("orgs", order=40, run="dangjian.orgs.services.record_warnings"),
        DailyJob("orgs_members", order=41, run="dangjian.orgs.services.record_member_tallies"),
    )
    leak_rows = "dangjian.orgs.tests.leak"
