from django.utils.translation import gettext_lazy as _

from .caps import Cap
from .modules import DailyJob, DemoStep, ModuleConfig, NavEntry
from .scoping import can


class CoreConfig(ModuleConfig):
    """The shell: home, focus, audit log, rule parameters, attachments, Word templates (mounted at the root)."""

    name = "dangjian.core"
    label = "core"
    verbose_name = _("Core")

    nav = (
        NavEntry(
            key="audit",
            label=_("Audit log"),
            icon="history",
            url_name="audit_log",
            order=910,
            visible=lambda user: can(user, Cap.VIEW_AUDIT),
        ),
        NavEntry(
            key="parameters",
            label=_("Rule parameters"),
            icon="adjustments",
            url_name="parameters",
            order=920,
            visible=lambda user: can(user, Cap.ADMINISTER),
        ),
        NavEntry(
            key="document_templates",
            label=_("Word templates"),
            icon="file-word",
            url_name="document_templates",
            order=930,
            visible=lambda user: can(user, Cap.ADMINISTER),
        ),
    )
    audited = {"Attachment": {}, "DocumentTemplate": {}}
    parameters = ("dangjian.core.attachments", "dangjian.core.history")
    daily = (
        DailyJob("core", order=1, run="dangjian.core.tasks.sweep_jobs"),
        DailyJob("history", order=2, run="dangjian.core.history.daily"),
        # After every module's own daily work (escalations listed, records settled) that the figures count.
        DailyJob("indicators", order=800, run="dangjian.core.indicators.record"),
    )
    demo = (DemoStep("indicators", order=990, finish="dangjian.core.indicators.record_now"),)
    leak_rows = "dangjian.core.tests.leak"

    def ready(self):
        super().ready()
        from django.contrib.auth.signals import user_login_failed

        from .ops import observe_login_failure

        user_login_failed.connect(observe_login_failure, dispatch_uid="dangjian.core.ops.login_failure")
        # The audit log's entries are django-auditlog's: their action labels translated once per language too
        # (the audit page showed fifty, each building the choice dictionary and translating it).
        from auditlog.models import LogEntry

        from . import choices

        choices.install([LogEntry])
