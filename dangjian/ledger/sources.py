"""Where an item came from: the record of another module it was raised from (see ``ledger.door``).

Source modules declare their record models in ``ModuleConfig.item_sources``; the ledger
never imports them and shows the link through the registry.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from dangjian.core import registry


def link_for(item) -> tuple[str, str] | None:
    """(label, url) of the record the item came from, or None (no query beyond the content type cache)."""
    if not item.source_type_id or not item.source_id:
        return None
    ct = ContentType.objects.get_for_id(item.source_type_id)
    source = registry.item_sources.get(f"{ct.app_label}.{ct.model}")
    if source is None:
        return None
    try:
        url = reverse(source.url_name, args=[item.source_id])
    except NoReverseMatch:
        return None
    return str(source.label), url
