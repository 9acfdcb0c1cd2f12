from django.apps import AppConfig


class TalksConfig(AppConfig):
    name = "dangjian.talks"
    label = "talks"
    verbose_name = "谈话"

    def ready(self) -> None:
        from dangjian.core import audit

        from . import models

        audit.register(models.TalkRecord)
