from dangjian.core.modules import ModuleConfig, NavEntry


class LeakAppConfig(ModuleConfig):
    """A tiny module for the contract test: URLs, a navigation entry and leak rows, declared in one place."""

    name = "dangjian.core.tests.leakapp"
    label = "leakapp"
    verbose_name = "Leak-walk test module"

    url_prefix = "leakapp/"
    nav = (NavEntry(key="leakapp", label="走查测试模块", icon="bug", url_name="leakapp:orgs", order=990),)
    leak_rows = "dangjian.core.tests.leakapp.leak"
