"""The sidebar entries and header badges that modules declare (see ``core.modules``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from .text import Text


@dataclass(frozen=True)
class NavEntry:
    """A sidebar entry; ``visible(user)`` hides it from those who cannot use it.

    ``visible`` must answer from the user's scope alone (``scoping.can``, ``scoping.without_focus``): the
    shell works the sidebar out once per scope and language (``context_processors.shell``), so an answer
    that read anything else (the day, the user's own fields) would be kept for everyone of that scope.
    """

    key: str
    label: Text
    icon: str  # Tabler icon name without the "ti-" prefix
    url_name: str
    order: int = 100
    visible: Callable | None = None  # visible(user) -> bool
    children: tuple[NavEntry, ...] = ()


BADGE_MAX = 99  # the header shows more as "99+"


@dataclass(frozen=True)
class Badge:
    """A number in the header (e.g. unread notifications), computed by ``count(user)``.

    The header shows a number above ``BADGE_MAX`` as "99+", so ``count`` may stop counting at
    ``BADGE_MAX + 1`` (a county user's 23 000 unread notices need not be counted on every page).
    """

    key: str
    label: Text
    icon: str
    url_name: str
    count: Callable | str


def entries_for(user) -> list[NavEntry]:
    """The sidebar entries this user may see, in order."""
    from . import registry

    return sorted(
        (e for e in registry.nav.values() if e.visible is None or e.visible(user)),
        key=lambda e: (e.order, e.key),
    )


# (URL name, resolver, script prefix, language) → the URL; emptied beyond _FIXED_URLS_KEPT.
_fixed_urls: dict = {}
_FIXED_URLS_KEPT = 2000


def fixed_url(url_name: str) -> str:
    """``reverse(url_name)`` for a view without arguments (the sidebar's, the header's links), reversed
    once per URLconf, script prefix and language instead of on every page (NoReverseMatch as reverse)."""
    key = (url_name, get_resolver(get_urlconf()), get_script_prefix(), get_language())
    url = _fixed_urls.get(key)
    if url is None:
        url = reverse(url_name)
        if len(_fixed_urls) >= _FIXED_URLS_KEPT:
            _fixed_urls.clear()
        _fixed_urls[key] = url
    return url


# Two ids put into a URL to find where an id goes in it: one no record has, and 1.
_ID_PROBES = (7_304_182_956, 1)
_id_urls: dict = {}  # (URL name, resolver, script prefix, language) → id_url_parts(url_name)


def id_url_parts(url_name: str) -> tuple[str, str] | tuple[()]:
    """The URL of a view taking one id, as (before the id, after it), when putting any id there gives what
    ``reverse`` gives; () when it does not (worked out once per URLconf, script prefix and language)."""
    key = (url_name, get_resolver(get_urlconf()), get_script_prefix(), get_language())
    found = _id_urls.get(key)
    if found is not None:
        return found
    try:
        urls = [reverse(url_name, args=[n]) for n in _ID_PROBES]
    except NoReverseMatch:
        return ()
    marker = str(_ID_PROBES[0])
    found = ()
    if urls[0].count(marker) == 1:
        before, after = urls[0].split(marker)
        found = (before, after) if urls[1] == f"{before}1{after}" else ()
    if len(_id_urls) >= _FIXED_URLS_KEPT:
        _id_urls.clear()
    _id_urls[key] = found
    return found


def id_url(url_name: str, pk: int) -> str:
    """``reverse(url_name, args=[pk])`` for a row of a list, without reversing once per row."""
    parts = id_url_parts(url_name)
    return f"{parts[0]}{pk}{parts[1]}" if parts else reverse(url_name, args=[pk])
