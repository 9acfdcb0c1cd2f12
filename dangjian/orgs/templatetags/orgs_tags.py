"""Tags of the organisation pages."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.nav import fixed_url, id_url

register = template.Library()


@register.simple_tag(takes_context=True)
def tree_nodes(context, nodes) -> SafeString:
    """A level of the organisation tree and the levels already opened below it (``selectors.TreeNode``):
    each organisation with its button to open it, its kind, its members and "focus here".

    Written in Python, not as an included template per organisation: a county's first levels are a few
    dozen organisations, and the template language cost over a millisecond each (four ``{% url %}``s, a
    plural and a CSRF field). The markup is the template's that it replaced, character for character
    (``orgs/tests/test_tree_markup.py`` renders both).
    """
    token = context.get("csrf_token")  # as {% csrf_token %} writes it
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"
        else ""
    )
    words = {
        "open": conditional_escape(_("Show sub-organisations")),
        "focus": conditional_escape(_("Focus here")),
        "dissolved": conditional_escape(_("Dissolved")),
        "csrf": csrf,
        "focus_url": conditional_escape(fixed_url("orgs:focus")),
        "next": conditional_escape(context.get("next_url", "")),
        "query": "?dissolved=1" if context.get("show_dissolved") else "",
    }
    return mark_safe(_level(nodes, words))  # every value is escaped where it is written


def _level(nodes, words: dict) -> str:
    if not nodes:
        empty = conditional_escape(_("No sub-organisations."))
        return (
            f'<ul class="tree-list" data-testid="tree-nodes">\n\n  <li class="text-secondary small py-1">{empty}</li>\n'
            "\n</ul>\n"
        )
    return (
        f'<ul class="tree-list" data-testid="tree-nodes">\n{"".join(_node(n, words) for n in nodes)}\n</ul>\n'
    )


_NO_OPENER = (
    '<span class="btn btn-ghost-secondary btn-sm btn-icon disabled" aria-hidden="true">'
    '<i class="ti ti-{icon}"></i></span>'
)


def _node(node, words: dict) -> str:
    org = node.org
    pk, dissolved = org.pk, org.is_dissolved
    if org.numchild and not node.expanded:
        children_url = f"{id_url('orgs:tree_children', pk)}{words['query']}"
        opener = (
            f'\n    <a class="btn btn-ghost-secondary btn-sm btn-icon" href="{children_url}"\n'
            f'       hx-get="{children_url}" hx-target="#org-children-{pk}" hx-trigger="click once"\n'
            f'       title="{words["open"]}" aria-label="{words["open"]}"><i class="ti ti-chevron-right"></i></a>\n    '
        )
    elif org.numchild:  # opened below
        opener = f"{_NO_OPENER.format(icon='chevron-down')}\n    "
    else:
        opener = _NO_OPENER.format(icon="point")
    members = node.members
    # As {% blocktranslate count %} writes it: the translation as it is, the number escaped.
    count = ngettext("%(n)s member", "%(n)s members", members) % {"n": conditional_escape(localize(members))}
    focus = ""
    if not dissolved:
        focus = (
            f'\n    <form method="post" action="{words["focus_url"]}" class="d-inline">{words["csrf"]}\n'
            f'      <input type="hidden" name="org" value="{pk}">'
            f'<input type="hidden" name="next" value="{words["next"]}">\n'
            f'      <button class="btn btn-ghost-primary btn-sm btn-icon" title="{words["focus"]}"'
            f' aria-label="{words["focus"]}"><i class="ti ti-focus-2"></i></button>\n'
            "    </form>\n    "
        )
    children = _level(node.children, words) if node.children else ""
    badge = f'<span class="badge bg-secondary-lt">{words["dissolved"]}</span>' if dissolved else ""
    return (
        f'\n<li data-testid="tree-node" data-org="{pk}" data-members="{localize(members)}">\n'
        f'  <div class="tree-node{" dissolved" if dissolved else ""}">\n'
        f"    {opener}\n"
        f'    <a href="{id_url("orgs:org_detail", pk)}" class="text-reset">{conditional_escape(org.name)}</a>\n'
        f'    <span class="badge bg-blue-lt">{conditional_escape(org.get_kind_display())}</span>\n'
        f"    {badge}\n"
        f'    <span class="tree-count text-secondary small text-nowrap" data-testid="tree-count">'
        f"{count}</span>\n"
        f"    {focus}\n"
        "  </div>\n"
        f'  <div id="org-children-{pk}">{children}</div>\n'
        "</li>\n"
    )
