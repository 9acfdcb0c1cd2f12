from django.utils.translation import gettext_lazy as _

from dangjian.core.caps import Cap
from dangjian.core.modules import DemoStep, ItemSource, ModuleConfig, NavEntry


def _ledger_source(extraction) -> str:
    """A speech's list has the source 讲话, minutes' lists 会议纪要 (the ledger's ``Source`` values)."""
    return extraction.kind


def _may_extract(user) -> bool:
    """The entry is shown to those who may hand down somewhere."""
    from dangjian.core import scoping

    return scoping.can(user, Cap.HAND_DOWN)


class ExtractConfig(ModuleConfig):
    """Task extraction (任务分解): from a speech or minutes to a draft task list, reviewed, saved as a
    ledger list and handed down through the ledger's approval."""

    name = "dangjian.extract"
    label = "extract"
    verbose_name = _("Task extraction")

    url_prefix = "extract/"
    api = "dangjian.extract.api.register"
    nav = (
        NavEntry(
            key="extract",
            label=_("Task extraction"),
            icon="list-details",
            url_name="extract:extraction_list",
            order=35,
            visible=_may_extract,
        ),
    )
    audited = {"Extraction": {"exclude_fields": ["text"]}, "Draft": {}}
    workflows = "dangjian.extract.rules"
    item_sources = (
        ItemSource(
            "extract.Extraction",
            label=_("Speech or minutes"),
            url_name="extract:extraction_detail",
            source=_ledger_source,
            cap=Cap.HAND_DOWN,
        ),
    )
    demo = (
        DemoStep(
            "extract",
            order=58,
            build="dangjian.extract.demo.build",
            county="dangjian.extract.demo.build_county",
        ),
    )
    leak_rows = "dangjian.extract.tests.leak"
