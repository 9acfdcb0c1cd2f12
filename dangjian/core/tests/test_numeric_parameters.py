"""No number in a URL crashes a page (issue 7, finding 14): out of range is an empty result, a 400 or a 404.

``?item_list=99999999999999999999999`` raised OverflowError on SQLite (a 500) on the ledger, its
export and the API. This walk takes every URL of the persona leak table (``ROUTES``), finds the
GET parameters it accepts — the fields of its GET forms, the query strings of its links, the
filters of an API list — and sends each one huge and negative numbers; every ``<int:…>`` in
the path is tried with a huge number too. None may answer 500.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from dangjian.core.tests import leakwalk
from dangjian.core.tests.leakwalk import ORG_KEYS, collect_rows, url_routes
from dangjian.core.tests.leakwalk import url_of as _url

# Every URL of the leak walk's rows (each module's tests/leak.py), probed with out-of-range numbers.
ROUTES = collect_rows().routes
RECORD_KINDS = ("detail", "write", "api_detail", "api_action")


def World(county, personas):
    """The leak walk's world: one record of each kind in each organisation (built lazily)."""
    return leakwalk.World(collect_rows(), county, personas.all())


def all_url_names():
    return url_routes()


pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
VALUES = (HUGE, "-" + HUGE, "-1")
GET_FORM = re.compile(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
LINK_QUERY = re.compile(r"href=\"[^\"#]*\?([^\"#]+)\"")
EXPORTS_SHARE_PAGES = {
    "ledger:ledger_export": "ledger:ledger",
    "ledger:rollup_export": "ledger:rollup",
    "orgs:person_export": "orgs:person_list",
    "orgs:org_export": "orgs:org_list",
}
SKIP_NAMES = {"csrfmiddlewaretoken", "next"}


def _record(world, kinds: tuple[str, ...]):
    for kind in kinds:
        for key in ORG_KEYS:
            obj = world.get(kind, key)
            if obj is not None:
                return obj
    return None


def _client(world, url: str) -> Client:
    """The county's organisation department, or the system administrator where it is refused."""
    for persona in ("county_admin", "admin"):
        client = Client(raise_request_exception=False)
        client.force_login(world.personas[persona])
        if client.get(url).status_code != 403:
            return client
    return client


def _parameters(body: str) -> set[str]:
    names = {n for form in GET_FORM.findall(body) for n in FIELD_NAME.findall(form)}
    for query in LINK_QUERY.findall(body):
        names |= {key for key, _value in parse_qsl(html.unescape(query), keep_blank_values=True)}
    return names - SKIP_NAMES


def _api_filters(url: str) -> set[str]:
    view = getattr(resolve(urlsplit(url).path).func, "cls", None)
    filterset = getattr(view, "filterset_class", None)
    return set(filterset.base_filters) if filterset else set()


def _page_url(name: str) -> str:
    return _url(name, ROUTES[name])


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_numeric_parameter_makes_a_url_fail(name, county, personas):
    if name not in all_url_names():
        pytest.skip(f"{name} is not in the URL tree")
    world = World(county, personas)
    route = ROUTES[name]
    # Listings name a kind of record only for the leak walk; their URLs take no record.
    obj = _record(world, route.kinds) if route.kind in RECORD_KINDS else None
    if route.kind in RECORD_KINDS and obj is None:
        pytest.skip(f"no {route.obj} to build the URL with")
    url = _url(name, route, obj)
    client = _client(world, url)
    base = client.get(url, route.query)
    problems = [f"GET {url} answered {base.status_code}"] if base.status_code >= 500 else []
    names = {"page"} | set(route.query)
    if base.get("Content-Type", "").startswith("text/html"):
        names |= _parameters(base.content.decode())
    if route.kind in ("api_list", "api_detail", "api_action"):
        names |= _api_filters(url)
    if name in EXPORTS_SHARE_PAGES:
        page = client.get(_page_url(EXPORTS_SHARE_PAGES[name]))
        names |= _parameters(page.content.decode())
    for parameter in sorted(names):
        for value in VALUES:
            response = client.get(url, {**route.query, parameter: value})
            if response.status_code >= 500:
                problems.append(f"?{parameter}={value} answered {response.status_code}")
    problems += _huge_path_numbers(name, route, obj, client)
    assert not problems, f"{name} ({url}):\n  " + "\n  ".join(problems)


def _huge_path_numbers(name, route, obj, client) -> list[str]:
    """Every integer in the path, one at a time, replaced by a number no database column holds."""
    kwargs = dict(route.fixed)
    if obj is not None:
        kwargs.update(route.kwargs(obj))
    problems = []
    for key, value in kwargs.items():
        if not isinstance(value, int):
            continue
        try:
            url = reverse(name, kwargs={**kwargs, key: int(HUGE)})
        except NoReverseMatch:
            continue
        status = client.get(url).status_code
        if status >= 500:
            problems.append(f"{key}={HUGE} in the path answered {status}")
    return problems


def test_the_walk_reads_the_parameters_of_a_filter_form(county, personas):
    world = World(county, personas)
    client = _client(world, reverse("ledger:ledger"))
    names = _parameters(client.get(reverse("ledger:ledger")).content.decode())
    assert {"status", "org", "item_list", "category"} <= names
    assert {"item_list", "org", "category"} <= _api_filters("/api/items/")


def test_an_out_of_range_list_id_gives_an_empty_ledger_an_empty_export_and_a_400_from_the_api(
    client, county, personas
):
    from dangjian.core.tests.leakwalk import body as _body

    world = World(county, personas)
    item = world.get("item", "village_a1")
    client.force_login(personas.county_admin)
    for value in (HUGE, "-1", "abc"):
        page = client.get(reverse("ledger:ledger"), {"item_list": value})
        assert page.status_code == 200 and item.title not in page.content.decode()
        export = client.get(reverse("ledger:ledger_export"), {"item_list": value})
        assert export.status_code == 200 and item.title not in _body(export)
        assert client.get("/api/items/", {"item_list": value}).status_code == 400
    assert (
        item.title in client.get(reverse("ledger:ledger"), {"item_list": item.item_list_id}).content.decode()
    )
