"""Django's ``{% url %}``, with the URLs of lists reversed once instead of once per row.

``reverse`` walks the URLconf's patterns for every link: a fifty-row list linking each row to its record
spent 2–4 ms of its page on it (the escalation list: 128 links). This library is installed as a template
builtin (``settings.TEMPLATES``), so every template's ``{% url %}`` is this tag: a link to a view without
arguments (``core.nav.fixed_url``) or with one whole-number id (``core.nav.id_url_parts``) is written from
the URL reversed once per URLconf, script prefix and language; any other link, and any link while an
application namespace has several instances (where the current application would choose between them),
is reversed by Django as before. The output, the ``as var`` form and the errors are Django's.
"""

from __future__ import annotations

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_resolver, get_urlconf
from django.utils.html import conditional_escape

from .. import nav

register = template.Library()

_single_instances: dict = {}  # URL resolver → True when no application namespace has several instances


def _current_app_is_irrelevant() -> bool:
    resolver = get_resolver(get_urlconf())
    found = _single_instances.get(resolver)
    if found is None:
        found = _single_instances[resolver] = all(len(names) <= 1 for names in resolver.app_dict.values())
    return found


class URLNode(defaulttags.URLNode):
    def render(self, context):
        if self.kwargs or len(self.args) > 1:
            return super().render(context)
        # What this tag's view names give, kept for the rest of this rendering (a list's rows): the
        # URLconf, script prefix and language, read through thread-and-task locals, do not change in it.
        known = context.render_context.get(self)
        if known is None:
            known = context.render_context[self] = {} if _current_app_is_irrelevant() else None
        if known is None:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        url = None
        if isinstance(view_name, str):
            if not self.args:
                url = known.get(view_name)
                if url is None:
                    try:
                        url = known[view_name] = nav.fixed_url(view_name)
                    except NoReverseMatch:
                        if self.asvar is None:
                            raise
                        url = ""
            else:
                value = self.args[0].resolve(context)
                if type(value) is int and value >= 0:
                    parts = known.get(view_name)
                    if parts is None:
                        parts = known[view_name] = nav.id_url_parts(view_name)
                    if parts:
                        url = f"{parts[0]}{value}{parts[1]}"
        if url is None:
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (same syntax), written by ``URLNode`` above."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
