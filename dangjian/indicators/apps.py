from django.utils.translation import gettext_lazy as _

from dangjian.core.modules import ModuleConfig, NavEntry


class IndicatorsConfig(ModuleConfig):
    """The page of every registered indicator (``core.indicators``), for any subtree and period."""

    name = "dangjian.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    url_prefix = "indicators/"
    nav = (
        NavEntry(
            key="indicators", label=_("Indicators"), icon="chart-dots", url_name="indicators:index", order=80
        ),
    )
    leak_rows = "dangjian.indicators.tests.leak"
