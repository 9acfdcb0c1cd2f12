"""The template backend: Django's, with two of Django's tag libraries replaced by ours.

``{% load i18n %}`` and ``{% load static %}`` load ``core_i18n`` and ``core_static`` (Django's tags, with
a quoted ``{% translate %}`` and ``{% static %}`` written once instead of on every page), through the
engine's ``libraries`` option (``settings.TEMPLATES``). Django warns when a library name is used by two
modules (``templates.W003``), because that is usually an accident; these two are not, so the check here
allows exactly them and still warns of any other name used twice.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable

from django import template
from django.core.signals import setting_changed
from django.template.backends.django import DjangoTemplates

# library name → (the module that replaces it, Django's module it replaces)
REPLACED = {
    "i18n": ("dangjian.core.templatetags.core_i18n", "django.templatetags.i18n"),
    "static": ("dangjian.core.templatetags.core_static", "django.templatetags.static"),
}


class Templates(DjangoTemplates):
    def __init__(self, params):
        params = params.copy()
        options = params["OPTIONS"] = dict(params.get("OPTIONS", {}))
        options["libraries"] = {name: ours for name, (ours, _django) in REPLACED.items()} | options.get(
            "libraries", {}
        )
        super().__init__(params)

    def _check_for_template_tags_with_the_same_name(self):
        allowed = {
            f"{name!r} is used for multiple template tag modules: {', '.join(repr(m) for m in sorted(modules))}"
            for name, modules in REPLACED.items()
        }
        return [w for w in super()._check_for_template_tags_with_the_same_name() if w.msg not in allowed]


def library_over(library: template.Library) -> template.Library:
    """A new tag library holding every tag and filter of Django's ``library``, for replacing some of them."""
    ours = template.Library()
    ours.tags.update(library.tags)
    ours.filters.update(library.filters)
    return ours


class KeptNodes:
    """Template nodes that keep what they wrote, each ``forget``-ed when one of ``settings`` changes (tests)."""

    def __init__(self, settings: Iterable[str], forget: Callable[[template.Node], None]):
        self.nodes: weakref.WeakSet = weakref.WeakSet()
        self.settings = frozenset(settings)
        self.forget = forget
        setting_changed.connect(self._changed, weak=False)

    def add(self, node: template.Node) -> None:
        self.nodes.add(node)

    def _changed(self, *, setting, **kwargs) -> None:
        if setting in self.settings:
            for node in list(self.nodes):
                self.forget(node)
