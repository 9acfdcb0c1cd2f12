"""Template filters of the supervision pages."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def stars(n) -> str:
    """A rating's stars as ★ marks (titled with their number), "—" for none: one call per row, where an
    included loop over five marks was most of a fifty-row page's rendering."""
    if not n:
        return "—"
    return format_html('<span title="{}★" data-stars="{}">{}</span>', n, n, "★" * int(n))
