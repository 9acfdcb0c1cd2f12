"""Rule parameters from the regulations (DOMAIN.md), with defaults an administrator can change.

Each parameter is declared once with its default and description; an override is a
``core.Parameter`` row, editable on the administrator's parameter page. Apps declare
their own parameters at import time with ``declare``.

The overrides are kept in the shared cache (at most one read of the table per minute), and within a
request in a request-scoped memo (``ParamsMiddleware``): a page that reads parameters for every one of
thousands of organisations (the warning rules) reads them once, and the next request starts afresh.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
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


# The current request's memo of the overrides (a dict filled on first read), or None outside a request.
_request_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "dangjian_params_memo", default=None
)


def _overrides() -> dict:
    memo = _request_memo.get()
    if memo is not None and "values" in memo:
        return memo["values"]
    values = cache.get(_CACHE_KEY)
    if values is None:
        from .models import Parameter

        values = dict(Parameter.objects.values_list("key", "value"))
        cache.set(_CACHE_KEY, values, 60)
    if memo is not None:
        memo["values"] = values
    return values


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Inside the block the overrides are read once, on first use, then taken from a memo: a request
    (``ParamsMiddleware``), a background job, an import checking a hundred thousand rows (two reads a row
    through the cache took a tenth of the import). Nested blocks share the outermost memo."""
    if _request_memo.get() is not None:
        yield
        return
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


class ParamsMiddleware:
    """Scope the parameters' memo to the request: read once per request, afresh on the next one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with read_once():
            return self.get_response(request)


def get(key: str):
    """The current value of a declared parameter."""
    spec = REGISTRY[key]
    value = _overrides().get(key, spec.default)
    return spec.kind(value)


def version() -> frozenset:
    """The overrides in force, as a key: what was prepared with other values (``core.prepared.kept``) is not used."""
    return frozenset(_overrides().items())


def set_value(key: str, value) -> None:
    """Store an override (administrators only; the view checks the right)."""
    from .models import Parameter

    spec = REGISTRY[key]
    Parameter.objects.update_or_create(key=key, defaults={"value": spec.kind(value)})
    clear_cache()


def clear_cache() -> None:
    cache.delete(_CACHE_KEY)
    memo = _request_memo.get()
    if memo is not None:
        memo.pop("values", None)
