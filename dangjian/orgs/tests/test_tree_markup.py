"""The organisation tree's levels are written by a tag (``orgs_tags.tree_nodes``): its markup is the
templates' it replaced, character for character, in both languages, for every kind of node (opened,
closed, a leaf, dissolved, an empty level) and with values that need escaping."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.urls import reverse
from django.utils import translation

from dangjian.orgs import selectors
from dangjian.orgs.models import Organisation
from dangjian.orgs.templatetags.orgs_tags import tree_nodes
from dangjian.orgs.tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db

# The two templates as they were (tree_nodes.html including tree_node.html per organisation), kept beside
# this test only to be compared with.
REPLACED = Path(__file__).parent / "replaced_templates"

_ENGINE = Engine(
    loaders=[
        (
            "django.template.loaders.locmem.Loader",
            {
                f"orgs/partials/{name}": (REPLACED / name).read_text()
                for name in ("tree_nodes.html", "tree_node.html")
            },
        )
    ],
    libraries={"i18n": "django.templatetags.i18n"},
)


def _both(nodes, *, show_dissolved: bool, next_url: str) -> tuple[str, str]:
    context = Context(
        {
            "nodes": nodes,
            "show_dissolved": show_dissolved,
            "next_url": next_url,
            "csrf_token": "tok<en>&1",
        }
    )
    old = _ENGINE.get_template("orgs/partials/tree_nodes.html").render(context)
    return old, tree_nodes(context, nodes)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("show_dissolved", [False, True])
def test_the_tree_is_the_markup_of_the_templates_it_replaced(county, personas, language, show_dissolved):
    make_person(county.village_a1, "党员甲")
    make_person(county.village_a1, "党员乙")
    make_person(county.village_b1, "党员丙")
    make_org(county.village_a1, "第一党小组 <b>&")  # a closed node below an opened one, a name to escape
    gone = make_org(county.township_b, '已撤销的"支部"')
    Organisation.objects.filter(pk=gone.pk).update(dissolved_on=datetime.date(2026, 1, 1))
    with translation.override(language):
        for user in (personas.county_admin, personas.township_a, personas.village_a1):
            nodes = selectors.tree_for_user(user, include_dissolved=show_dissolved)
            old, new = _both(nodes, show_dissolved=show_dissolved, next_url="/orgs/tree/?a=1&b=<x>")
            assert new == old
        children = selectors.tree_children(personas.county_admin, county.village_a1, include_dissolved=True)
        assert (
            _both(children, show_dissolved=show_dissolved, next_url="/")[1]
            == _both(children, show_dissolved=show_dissolved, next_url="/")[0]
        )
        leafless = selectors.tree_children(personas.county_admin, county.village_a2)
        old, new = _both(leafless, show_dissolved=show_dissolved, next_url="/")
        assert not leafless and new == old


def test_the_tree_page_is_written_by_the_tag(client, personas, county):
    client.force_login(personas.county_admin)
    html = client.get(reverse("orgs:tree")).content.decode()
    assert html.count('data-testid="tree-node"') >= 3 and 'name="csrfmiddlewaretoken"' in html
