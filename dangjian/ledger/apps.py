from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import (
    DailyJob,
    DemoStep,
    DocField,
    DocumentKind,
    HomeBlock,
    ModuleConfig,
    NavEntry,
    SearchProvider,
)
from dangjian.core.scoping import can


class LedgerConfig(ModuleConfig):
    """Problem, task and responsibility lists followed to verified closure (清单、整改、销号、回头看)."""

    name = "dangjian.ledger"
    label = "ledger"
    verbose_name = _("Lists and closure")

    url_prefix = "ledger/"
    api = "dangjian.ledger.api.register"
    parameters = "dangjian.ledger.params"
    workflows = "dangjian.ledger.rules"
    audited = {
        name: {"exclude_fields": ["version", "status_changed_at"]}
        for name in (
            "Category",
            "ItemList",
            "ItemGroup",
            "Item",
            "Progress",
            "Evidence",
            "ExtensionRequest",
            "Recheck",
            "Escalation",
            "Accountability",
            "ItemLink",
        )
    }
    nav = (
        NavEntry(
            key="ledger",
            label=_("Lists and closure"),
            icon="list-check",
            url_name="ledger:list_index",
            order=30,
        ),
        NavEntry(key="ledger_table", label=_("Ledger"), icon="table", url_name="ledger:ledger", order=31),
        NavEntry(
            key="ledger_stats", label=_("Statistics"), icon="chart-bar", url_name="ledger:rollup", order=32
        ),
        NavEntry(
            key="ledger_escalations",
            label=_("Escalation"),
            icon="alarm",
            order=33,
            url_name="ledger:escalations",
            visible=lambda user: can(user, Cap.VERIFY) or can(user, Cap.INSPECT),
        ),
    )
    home_blocks = (
        HomeBlock(
            key="ledger_figures",
            order=5,
            template="ledger/partials/home_figures.html",
            context="dangjian.ledger.views.work.figures_block",
        ),
        HomeBlock(
            key="ledger_my_work",
            order=10,
            template="ledger/partials/home_block.html",
            context="dangjian.ledger.views.work.my_work_block",
        ),
    )
    search = (
        SearchProvider("ledger_items", _("Items"), 30, "dangjian.ledger.selectors.search_items"),
        SearchProvider("ledger_lists", _("Lists"), 31, "dangjian.ledger.selectors.search_lists"),
    )
    demo = (
        DemoStep(
            "ledger", order=50, build="dangjian.ledger.demo.build", county="dangjian.ledger.demo.build_county"
        ),
        # Last: the daily job over the simulated months, once every module has raised its items.
        DemoStep(
            "ledger_daily",
            order=90,
            build="dangjian.ledger.demo.build_daily",
            finish="dangjian.ledger.demo.save_month_so_far",
        ),
    )
    daily = (DailyJob("ledger", order=50, run="dangjian.ledger.services.daily_run"),)
    indicators = "dangjian.ledger.indicators"
    # Filled by ledger.selectors.item_closure_record; default template: documents/item_closure.docx
    # (written by scripts/make_document_templates.py).
    documents = (
        DocumentKind(
            key="ledger.item_closure",
            label=_("Item closure record"),
            fields=(
                DocField("number", _("Item number in its list")),
                DocField("title", _("Problem or task")),
                DocField("org", _("Responsible organisation")),
                DocField("supervisor_org", _("Supervising organisation (verifies the closure)")),
                DocField("deadline", _("Deadline (or “long-term”)")),
                DocField("measures", _("Rectification measures")),
                DocField("closure_requested_on", _("Date closure was requested (empty before)")),
                DocField("closed_on", _("Date the closure was verified (empty before)")),
                DocField("verifier", _("Who verified the closure (empty before)")),
                DocField("list_title", _("Title of the list"), required=False),
                DocField("issuing_org", _("Organisation that issued the list"), required=False),
                DocField("description", _("Description of the problem"), required=False),
                DocField("responsible_leader", _("Responsible leader"), required=False),
                DocField("responsible_person", _("Responsible person"), required=False),
                DocField("issued_on", _("Date handed down"), required=False),
                DocField(
                    "progress",
                    _("Progress entries, a list: each has on (date), text and percent"),
                    required=False,
                ),
                DocField("evidence", _("Names of the evidence files, a list"), required=False),
                DocField("printed_on", _("Date the document was printed"), required=False),
            ),
        ),
        # Filled by ledger.selectors.ledger_document; default template: documents/ledger.docx.
        DocumentKind(
            key="ledger.ledger",
            label=_("Rectification ledger"),
            fields=(
                DocField("title", _("Title of the ledger")),
                DocField("org", _("Reporting organisation")),
                DocField("as_of", _("Date the ledger stands at")),
                DocField(
                    "rows",
                    _(
                        "The items, a list: each has number, title, org, person, deadline, completion, "
                        "closed_on and verifier"
                    ),
                ),
                DocField("prepared_by", _("Who prepared it"), required=False),
            ),
        ),
    )
    leak_rows = "dangjian.ledger.tests.leak"
