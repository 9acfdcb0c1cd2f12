"""The ledger's template filters: ``{% load ledger_tags %}``."""

from __future__ import annotations

from django import template

from ..tables import light_dot as _light_dot

register = template.Library()


@register.filter
def light_dot(light: str | None) -> str:
    """An item's traffic light as the ledger table draws it (one way for every page: rows, queues, home)."""
    return _light_dot(light or "none")
