"""Rule parameters from the regulations (DOMAIN.md), with defaults an administrator can change.

Each parameter is declared once with its default and description; an override is a
``core.Parameter`` row, editable on the administrator's parameter page. Apps declare
their own parameters at import time with ``declare``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from .text import Text

_CACHE_KEY = "dangjian:params"


@dataclass(frozen=True)
class ParamSpec:
    key: str
    default: object
    label: Text
    kind: type = int


REGISTRY: dict[str, ParamSpec] = {}


def declare(key: str, default, label: Text, kind: type = int) -> ParamSpec:
    """Declare a parameter (idempotent)."""
    spec = ParamSpec(key, default, label, kind)
    REGISTRY[key] = spec
    return spec


def _overrides() -> dict:
    values = cache.get(_CACHE_KEY)
    if values is None:
        from .models import Parameter

        values = dict(Parameter.objects.values_list("key", "value"))
        cache.set(_CACHE_KEY, values, 60)
    return values


def get(key: str):
    """The current value of a declared parameter."""
    spec = REGISTRY[key]
    value = _overrides().get(key, spec.default)
    return spec.kind(value)


def set_value(key: str, value) -> None:
    """Store an override (administrators only; the view checks the right)."""
    from .models import Parameter

    spec = REGISTRY[key]
    Parameter.objects.update_or_create(key=key, defaults={"value": spec.kind(value)})
    cache.delete(_CACHE_KEY)


def clear_cache() -> None:
    cache.delete(_CACHE_KEY)
