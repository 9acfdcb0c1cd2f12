"""Template helpers shared by all apps."""

from django import template
from django.utils.translation import get_language

from dangjian.core import nav

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for paging and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def fixed_url(url_name):
    """``{% url 'name' %}`` for a view without arguments, reversed once (``core.nav.fixed_url``)."""
    return nav.fixed_url(url_name)


@register.filter
def cndate(value):
    """2026年11月22日 in Chinese, 2026-11-22 otherwise."""
    if not value:
        return ""
    if (get_language() or "").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@register.simple_tag(takes_context=True)
def record_panels(context, obj):
    """The panels other modules add to this record's page (``ModuleConfig.panels``), rendered in order."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from dangjian.core import registry
    from dangjian.core.modules import resolve

    request = context["request"]
    parts = []
    for panel in registry.panels_for(obj._meta.label_lower):
        ctx = resolve(panel.context)(request, obj)
        if ctx is not None:
            parts.append(render_to_string(panel.template, {"object": obj, **ctx}, request=request))
    return mark_safe("".join(parts))
