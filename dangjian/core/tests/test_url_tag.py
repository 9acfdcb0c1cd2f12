"""Every template's ``{% url %}`` (core/templatetags/core_urls.py, a template builtin): what Django's tag
writes, with the URLs of list rows reversed once instead of once per row."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse

from dangjian.core import nav
from dangjian.core.tests.leakwalk import url_routes


def _ours(code: str, **context) -> str:
    return engines["django"].from_string(code).render(context)


def _djangos(code: str, **context) -> str:
    return Engine(libraries={}, builtins=[]).from_string(code).render(Context(context))


def _views_with(params: int) -> list[str]:
    return sorted(name for name, info in url_routes().items() if len(info.params) == params and ":" in name)


def test_every_link_is_written_as_django_writes_it():
    request = RequestFactory().get("/orgs/")
    request.resolver_match = resolve("/orgs/")  # a page of another application: its namespace is current
    none, one = _views_with(0), _views_with(1)
    assert len(none) > 50 and len(one) > 100
    for name in none:
        assert _ours(f"{{% url '{name}' %}}", request=request) == _djangos(f"{{% url '{name}' %}}"), name
    for name in one:
        try:
            expected = reverse(name, args=[4217])
        except NoReverseMatch:
            continue  # a view whose argument is not an id (a kind, a token): Django's tag as before
        code = f"{{% url '{name}' pk %}}|{{% url '{name}' pk as link %}}[{{{{ link }}}}]"
        assert _ours(code, pk=4217, request=request) == f"{expected}|[{expected}]", name
        assert _ours(code, pk=4217) == _djangos(code, pk=4217), name


def test_an_id_that_is_not_a_whole_number_and_an_unknown_view_behave_as_in_django():
    assert _ours("{% url 'orgs:org_detail' pk %}", pk="12") == "/orgs/12/"
    with pytest.raises(NoReverseMatch):
        _ours("{% url 'orgs:org_detail' pk %}", pk=-3)
    with pytest.raises(NoReverseMatch):
        _ours("{% url 'orgs:no_such_view' %}")
    assert _ours("{% url 'orgs:no_such_view' as link %}[{{ link }}]") == "[]"
    assert _ours("{% url 'orgs:no_such_view' 5 as link %}[{{ link }}]") == "[]"


def test_the_rows_of_a_list_are_linked_without_reversing_each():
    code = "{% for pk in ids %}{% url 'orgs:org_detail' pk %} {% endfor %}"
    _ours(code, ids=[1])
    with (
        mock.patch("django.urls.reverse", side_effect=AssertionError("reversed")) as django_reverse,
        mock.patch("dangjian.core.nav.reverse", side_effect=AssertionError("reversed")) as nav_reverse,
    ):
        html = _ours(code, ids=list(range(50)))
    assert django_reverse.call_count == nav_reverse.call_count == 0
    assert html.split() == [reverse("orgs:org_detail", args=[i]) for i in range(50)]


def test_a_rendering_asks_for_each_view_s_url_once_and_rows_naming_other_views_get_their_own():
    code = (
        "{% for name, pk in rows %}{% url name pk %} {% url 'orgs:org_list' %} "
        "{% url 'orgs:no_such_view' as nothing %}{% endfor %}"
    )
    rows = [("orgs:org_detail", 1), ("orglife:meeting_detail", 2), ("orgs:org_detail", 3)] * 10
    _ours(code, rows=rows[:2])
    with (
        mock.patch("dangjian.core.nav.id_url_parts", wraps=nav.id_url_parts) as parts,
        mock.patch("dangjian.core.nav.fixed_url", wraps=nav.fixed_url) as fixed,
    ):
        html = _ours(code, rows=rows)
    assert html.split() == [
        link for name, pk in rows for link in (reverse(name, args=[pk]), reverse("orgs:org_list"))
    ]
    assert parts.call_count == 2  # org_detail and meeting_detail, not 30 rows
    assert fixed.call_count == 1 + 30  # org_list once; the unknown view is asked again (it is not kept)
