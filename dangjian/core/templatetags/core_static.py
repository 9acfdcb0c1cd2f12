"""Django's ``static`` library, with the URL of each file asked of the storage once.

A page's frame names ten static files (styles, scripts, the icon). With the manifest storage of
production each ``{% static %}`` looks the file's hashed name up and joins it to ``STATIC_URL`` on
every render. ``settings.TEMPLATES`` maps the library name ``static`` to this module, so
``{% load static %}`` loads it: ``{% static "path" %}`` with a quoted path keeps the URL the storage
gave (the manifest is read once per process, so the URL cannot change while it runs); a path from a
variable, and ``{% get_static_prefix %}`` and friends, are Django's. The kept URLs are dropped when
a static-files setting changes (tests). ``core/tests/test_frame_tags.py`` compares both.
"""

from __future__ import annotations

from django.templatetags import static as django_static
from django.utils.html import conditional_escape

from ..templating import KeptNodes, library_over

register = library_over(django_static.register)

# Their URLs are forgotten when the storage changes.
_NODES = KeptNodes(
    {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "INSTALLED_APPS", "DEBUG"},
    lambda node: setattr(node, "kept", None),
)


class LiteralStaticNode(django_static.StaticNode):
    """``{% static "path" %}`` (or ``… as var``): the storage's URL, asked once."""

    def __init__(self, node: django_static.StaticNode):
        super().__init__(varname=node.varname, path=node.path)
        self.kept: str | None = None
        _NODES.add(self)

    def url(self, context):
        if self.kept is None:
            self.kept = super().url(context)
        return self.kept

    def render(self, context):
        url = self.url(context)
        if context.autoescape:
            url = conditional_escape(url)
        if self.varname is None:
            return url
        context[self.varname] = url
        return ""


@register.tag("static")
def do_static(parser, token):
    """Django's ``{% static %}`` (same syntax and errors)."""
    node = django_static.do_static(parser, token)
    path = node.path
    literal = not path.filters and not path.is_var and isinstance(path.var, str)  # a quoted path
    return LiteralStaticNode(node) if literal else node
