"""Django's ``i18n`` library, with a literal ``{% translate "…" %}`` written once per language.

Every page's frame holds about twenty literal translations (the sidebar's toggle, the header's
search, account menu and scope, the footer). Django's tag makes a lazy string of each on every render,
turns it back into text, localises and escapes it: about 0.3 ms of a page whose own work is a few
rows. ``settings.TEMPLATES`` maps the library name ``i18n`` to this module, so ``{% load i18n %}``
loads it: every tag and filter is Django's, except that ``translate`` (and ``trans``) of a quoted
text without filters or ``context`` keeps what it wrote for each language and escaping mode. The
catalogues are read once per process as Django reads them (``trans_real``), and the kept texts are
dropped when a setting that changes them changes (tests). Anything else is Django's node;
``core/tests/test_frame_tags.py`` compares both.
"""

from __future__ import annotations

from django import template
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

from ..templating import KeptNodes, library_over

register = library_over(django_i18n.register)

# Their texts are forgotten when the catalogues change.
_NODES = KeptNodes(
    {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_L10N", "USE_I18N"},
    lambda node: node.written.clear(),  # type: ignore[attr-defined]
)


class LiteralTranslateNode(django_i18n.TranslateNode):
    """``{% translate "text" %}`` (or ``… as var``, or ``noop``): Django's output, kept per language."""

    def __init__(self, node: django_i18n.TranslateNode):
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.written: dict[tuple[str | None, bool], str] = {}
        _NODES.add(self)

    def render(self, context):
        key = (get_language(), context.autoescape)
        value = self.written.get(key)
        if value is None:
            scratch = template.Context(autoescape=context.autoescape)
            output = super().render(scratch)  # a quoted text reads nothing from the context
            value = self.written[key] = scratch[self.asvar] if self.asvar else output
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _literal(node: django_i18n.TranslateNode) -> bool:
    expression = node.filter_expression
    return (
        node.message_context is None
        and not expression.filters
        and expression.is_var
        and expression.var.literal is not None
        and isinstance(expression.var.literal, str)
    )


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    """Django's ``{% translate %}`` (same syntax and errors)."""
    node = django_i18n.do_translate(parser, token)
    return LiteralTranslateNode(node) if _literal(node) else node
