from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import DemoStep, ItemAction, ItemSource, ModuleConfig, Panel


class TalksConfig(ModuleConfig):
    """Talks (谈话): interviews over overdue items today; political and other talks as they come."""

    name = "dangjian.talks"
    label = "talks"
    verbose_name = _("Talks")

    url_prefix = "talks/"
    audited = {"TalkRecord": {}}
    item_sources = (
        ItemSource(
            "talks.TalkRecord", label=_("Talk"), url_name="talks:talk_detail", source="talk", cap=Cap.INSPECT
        ),
    )
    panels = (
        Panel(
            on="ledger.item",
            key="talks",
            order=40,
            template="talks/partials/item_panel.html",
            context="dangjian.talks.views.item_panel",
        ),
    )
    item_actions = (
        ItemAction(
            key="interview",
            label=_("Record an interview"),
            icon="messages",
            url_name="talks:interview_create",
            cap=Cap.INSPECT,
            on="escalation",
        ),
    )
    demo = (DemoStep("talks", order=55, build="dangjian.talks.demo.build"),)
    leak_rows = "dangjian.talks.tests.leak"
