"""Where an item came from: source apps register their record models here.

The ledger never imports a workflow app. A source app (talks, reviews, inspections …)
calls ``register(Model, label, url_name)`` in its ``AppConfig.ready()``; the item page
then shows a link to the record through ``link_for(item)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class SourceKind:
    """A registered source model: its label and the URL name of its detail page (one pk argument)."""

    model: type
    label: str
    url_name: str


REGISTRY: dict[str, SourceKind] = {}


def _key(model) -> str:
    return model._meta.label_lower


def register(model, label, url_name: str) -> SourceKind:
    """Let items link to records of ``model`` (idempotent)."""
    kind = SourceKind(model=model, label=label, url_name=url_name)
    REGISTRY[_key(model)] = kind
    return kind


def kind_for(model) -> SourceKind | None:
    return REGISTRY.get(_key(model))


def link_for(item) -> tuple[str, str] | None:
    """(label, url) of the record the item came from, or None (no query beyond the content type cache)."""
    if not item.source_type_id or not item.source_id:
        return None
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_id(item.source_type_id)
    kind = REGISTRY.get(f"{ct.app_label}.{ct.model}")
    if kind is None:
        return None
    try:
        url = reverse(kind.url_name, args=[item.source_id])
    except NoReverseMatch:
        return None
    return str(kind.label), url
