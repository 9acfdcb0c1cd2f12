"""Django's ``{% csrf_token %}``, written once per rendering instead of once per form.

A list with a form in each row (notifications: "mark read" and "open" in each of thirty rows; the
frame's language and log-out forms) wrote the same hidden input sixty times through ``format_html``.
This library is installed as a template builtin (``settings.TEMPLATES``), so every template's
``{% csrf_token %}`` is this tag: within one rendering the input written for a token is kept and
written again while the context holds that same token. The output is Django's, and so is the empty
output with a warning in development when there is no token (``core/tests/test_frame_tags.py``).
"""

from __future__ import annotations

from django import template
from django.template import defaulttags

register = template.Library()


class CsrfTokenNode(defaulttags.CsrfTokenNode):
    def render(self, context):
        token = context.get("csrf_token")
        kept = context.render_context.get(CsrfTokenNode)
        if kept is not None and kept[0] is token and token:
            return kept[1]
        html = super().render(context)
        context.render_context[CsrfTokenNode] = (token, html)
        return html


@register.tag
def csrf_token(parser, token):
    """Django's ``{% csrf_token %}``."""
    return CsrfTokenNode()
