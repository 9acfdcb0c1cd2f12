"""``{% render_table table [template] %}``: django-tables2's tag, written by ``core.tables`` in Python.

Load it instead of ``django_tables2``; a table the fast writer does not support (another
template, a footer, pinned rows) is rendered by django-tables2's own template.
"""

from django import template
from django_tables2 import Table
from django_tables2.templatetags import django_tables2 as library_tags

from dangjian.core import tables

register = template.Library()


class RenderTableNode(library_tags.RenderTableNode):
    def render(self, context):
        table = self.table.resolve(context)
        template_name = self.template_name.resolve(context) if self.template_name else None
        if not isinstance(table, Table) or not tables.supports(table, template_name or table.template_name):
            return super().render(context)
        request = context.get("request")
        table.context = context  # as django-tables2's tag does, for template columns
        try:
            table.before_render(request)
            return tables.render(table, request, template_name, context)
        finally:
            del table.context


@register.tag
def render_table(parser, token):
    """``{% render_table table %}`` or ``{% render_table table "django_tables2/bootstrap5.html" %}``."""
    bits = token.split_contents()
    bits.pop(0)
    table = parser.compile_filter(bits.pop(0))
    template_name = parser.compile_filter(bits.pop(0)) if bits else None
    return RenderTableNode(table, template_name)
