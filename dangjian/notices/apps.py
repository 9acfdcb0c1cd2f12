from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "dangjian.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from dangjian.core import nav

        from . import selectors

        nav.register_badge(
            nav.Badge(
                key="notices",
                label=_("Notifications"),
                icon="bell",
                url_name="notices:list",
                count=selectors.unread_count,
            )
        )
