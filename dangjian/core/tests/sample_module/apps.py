from dangjian.core.modules import DailyJob, DemoStep, ModuleConfig, NavEntry, Panel


class SampleConfig(ModuleConfig):
    """Declares one of everything; nothing central names it."""

    name = "dangjian.core.tests.sample_module"
    label = "sample_module"
    verbose_name = "Sample module"

    url_prefix = "sample/"
    nav = (NavEntry(key="sample", label="样例模块", icon="box", url_name="sample_module:hello", order=99),)
    capabilities = {"sample_cap": "Do the sample thing"}
    role_capabilities = {"township": {"sample_cap"}}
    demo = (DemoStep("sample", order=999, build="dangjian.core.tests.sample_module.views.build_demo"),)
    daily = (DailyJob("sample", order=999, run="dangjian.core.tests.sample_module.views.daily"),)
    panels = (
        Panel(
            on="orgs.organisation",
            key="sample",
            order=1,
            template="sample_module/panel.html",
            context="dangjian.core.tests.sample_module.views.panel",
        ),
    )
    leak_rows = "dangjian.core.tests.sample_module.leak"
