from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import (
    DailyJob,
    DemoStep,
    DocField,
    DocumentKind,
    ItemAction,
    ItemSource,
    ModuleConfig,
    NavEntry,
    Panel,
)


class TalksConfig(ModuleConfig):
    """Talks (谈话): campaigns, talks prepared then held, problem lists handed over, commitments followed."""

    name = "dangjian.talks"
    label = "talks"
    verbose_name = _("Talks")

    url_prefix = "talks/"
    api = "dangjian.talks.api.register"
    nav = (NavEntry(key="talks", label=_("Talks"), icon="messages", url_name="talks:index", order=45),)
    capabilities = {"discipline_talk": _("Organise and read admonishment talks and letter inquiries")}
    role_capabilities = {"org_dept": {"discipline_talk"}, "inspector": {"discipline_talk"}}
    audited = {
        "TalkRecord": {"exclude_fields": ["internal_notes"]},
        "TalkCampaign": {},
        "NotifiedProblem": {},
        "Commitment": {},
        "LeaderComment": {},
        "Addendum": {},
    }
    workflows = "dangjian.talks.rules"
    parameters = "dangjian.talks.params"
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
    demo = (
        DemoStep(
            "talks", order=55, build="dangjian.talks.demo.build", county="dangjian.talks.demo.build_county"
        ),
        # After the member-development step has filled the rolls, before the briefings read the figure.
        DemoStep("talks_heart", order=68, build="dangjian.talks.demo.build_heart_to_heart"),
    )
    daily = (DailyJob("talks", order=55, run="dangjian.talks.services.daily_run"),)
    indicators = "dangjian.talks.indicators"
    # Filled by talks.selectors.talk_document / campaign_document; default templates in documents/
    # (written by scripts/make_document_templates.py).
    documents = (
        DocumentKind(
            key="talks.talk_record",
            label=_("Talk record"),
            fields=(
                DocField("kind", _("Kind of talk")),
                DocField("held_on", _("Date of the talk")),
                DocField("organiser", _("Organising organisation")),
                DocField("talker", _("Who talked")),
                DocField("talkee", _("Who was talked to")),
                DocField("content", _("Record of what was said")),
                DocField("place", _("Place"), required=False),
                DocField("recorder", _("Recorder"), required=False),
                DocField("topics", _("Topics, a list"), required=False),
                DocField("statement", _("The talkee's statement"), required=False),
                DocField(
                    "problems",
                    _("Problems notified, a list: each has title, source and deadline"),
                    required=False,
                ),
                DocField(
                    "comments", _("Leaders' comments, a list: each has leader and text"), required=False
                ),
                DocField("commitments", _("Commitments, a list: each has text and deadline"), required=False),
                DocField("addenda", _("Addenda, a list: each has text, author and at"), required=False),
                DocField("printed_on", _("Date the document was printed"), required=False),
            ),
        ),
        DocumentKind(
            key="talks.campaign_summary",
            label=_("Talk campaign summary"),
            fields=(
                DocField("title", _("Campaign title")),
                DocField("org", _("Organising organisation")),
                DocField("window", _("The campaign's window")),
                DocField("talked", _("Number of people talked to")),
                DocField("total", _("Number of people to talk with")),
                DocField(
                    "rows",
                    _("One row per person: name, org, held_on, problems, commitments, state"),
                    required=False,
                ),
                DocField("printed_on", _("Date the document was printed"), required=False),
            ),
        ),
    )
    leak_rows = "dangjian.talks.tests.leak"
