from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "dangjian.talks"
    label = "talks"
    verbose_name = _("Talks")

    def ready(self) -> None:
        from dangjian.core import audit

        from . import models

        audit.register(models.TalkRecord)
