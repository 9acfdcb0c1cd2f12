from django.utils.translation import gettext_lazy as _

from dangjian.core.modules import Badge, DailyJob, ModuleConfig


class NoticesConfig(ModuleConfig):
    """The notification centre: notices to users, with an unread badge and e-mail when configured."""

    name = "dangjian.notices"
    label = "notices"
    verbose_name = _("Notices")

    url_prefix = "notices/"
    badges = (
        Badge(
            key="notices",
            label=_("Notifications"),
            icon="bell",
            url_name="notices:list",
            count="dangjian.notices.selectors.unread_badge",
        ),
    )
    parameters = "dangjian.notices.params"
    daily = (DailyJob("notices", order=900, run="dangjian.notices.services.prune_read"),)
    leak_rows = "dangjian.notices.tests.leak"
