"""core.tables writes a django-tables2 table exactly as the library's bootstrap5 template does.

Each case renders the same table twice, with django-tables2's ``{% render_table %}`` and with
``core_tables``'s, and compares the HTML (whitespace aside): the member, organisation and ledger
tables of the apps, and a table using the parts of django-tables2 the apps do not use yet.
"""

from __future__ import annotations

from datetime import date

import django_tables2 as dt
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation
from django_tables2 import RequestConfig
from django_tables2.templatetags import django_tables2 as library_tags

from dangjian.core import tables
from dangjian.orgs.models import Organisation, Person, Post, PostKind
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db

SCRIPT_NAME = "<script>alert(1)</script>"


def _render(tag_library: str, table, request, template_name: str | None = None) -> str:
    argument = f' "{template_name}"' if template_name else ""
    code = f"{{% load {tag_library} %}}{{% render_table table{argument} %}}"
    return Template(code).render(Context({"table": table, "request": request}))


def both(make_table, request, template_name: str | None = None) -> tuple[str, str]:
    """(django-tables2's HTML, core.tables's HTML) of two tables made alike."""
    library = _render("django_tables2", make_table(), request, template_name)
    ours = _render("core_tables", make_table(), request, template_name)
    assert parse_html(ours) == parse_html(library), (ours, library)
    return library, ours


def _request(user, path="/list/", **params):
    request = RequestFactory().get(path, params)
    request.user = user or AnonymousUser()
    return request


def _configured(table, request, per_page):
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return table


def _row_of(html: str, text: str) -> str:
    at = html.index(text)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at) + 5]


@pytest.fixture
def roster(county, people):
    """The demo villages' members plus one with a hostile name, no phone, a post, and one who left."""
    hostile = make_person(county.village_a1, "赵六", phone="")
    Person.objects.filter(pk=hostile.pk).update(name=SCRIPT_NAME, name_pinyin="a")
    Post.objects.create(
        org=county.village_a1, person=hostile, kind=PostKind.SECRETARY, started_on=date(2024, 1, 1)
    )
    gone = make_person(county.village_a2, "钱七")
    Person.objects.filter(pk=gone.pk).update(status=Person.Status.DECEASED)
    return {"hostile": Person.objects.get(pk=hostile.pk), "gone": gone}


def _person_table(user, request, per_page=25):
    """The member table as the member list makes it: a page of people, then their current posts."""
    from dangjian.orgs.selectors import person_rows, with_current_posts
    from dangjian.orgs.tables import PersonTable

    table = _configured(PersonTable(person_rows(user).order_by("name_pinyin", "pk")), request, per_page)
    with_current_posts(list(table.page.object_list.data), user)
    return table


def test_a_member_row_is_what_the_template_writes(personas, roster):
    user = personas.county_admin
    request = _request(user)
    _library, ours = both(lambda: _person_table(user, request), request)
    hostile = roster["hostile"]
    row = _row_of(ours, "&lt;script&gt;")
    assert SCRIPT_NAME not in ours  # escaped, never markup
    assert (
        f'<a href="{reverse("orgs:person_detail", args=[hostile.pk])}">&lt;script&gt;alert(1)&lt;/script&gt;</a>'
        in row
    )
    assert '<td class="text-nowrap">—</td>' in row  # no phone: the column's default
    assert '<td class="text-nowrap">2005-07-01</td>' in row  # the DateColumn, formatted
    assert "data-post" in row  # the post badge from render_current_posts, not escaped
    assert row.startswith('<tr class="even">')


def test_badges_sorting_pages_and_the_query_string_are_kept(personas, roster):
    user = personas.county_admin
    request = _request(user, org=str(personas.county_admin.assignments.get().org_id), sort="-name", page="2")
    library, ours = both(lambda: _person_table(user, request, per_page=2), request)
    assert 'class="orderable desc' in ours or 'class="desc orderable' in ours
    assert "sort=name" in ours and "page=3" in ours and "org=" in ours
    # Every page link and the sort links keep the filter.
    assert ours.count("org=") == library.count("org=")


def test_the_person_who_left_shows_their_status_badge(personas, roster):
    user = personas.county_admin
    request = _request(user)
    _library, ours = both(lambda: _person_table(user, request), request)
    assert '<span class="badge bg-secondary-lt">' in _row_of(ours, "钱七")


def test_an_empty_member_table_says_so(personas, county):
    user = personas.county_admin
    request = _request(user)
    _library, ours = both(lambda: _person_table(user, request), request)
    assert '<td colspan="9">' in ours


def test_the_organisation_table(personas, county, people):
    from dangjian.orgs import selectors
    from dangjian.orgs.tables import OrganisationTable

    user = personas.county_admin
    request = _request(user, sort="-full_members")

    def make():
        qs = Organisation.objects.visible_to(user).current()
        return _configured(OrganisationTable(selectors.annotate_list(qs, user=user)), request, 3)

    _library, ours = both(make, request)
    assert 'data-testid="org-table"' in ours and 'class="text-end"' in ours


def test_the_ledger_table(personas, county):
    from dangjian.ledger import selectors
    from dangjian.ledger.models import Item
    from dangjian.ledger.tables import ItemTable
    from dangjian.ledger.tests.builders import handed_item

    handed_item(county, personas)
    handed_item(county, personas, org=county.village_a2, long_term=True, deadline=None)
    user = personas.county_admin
    request = _request(user)

    def make():
        return _configured(ItemTable(selectors.ledger_rows(Item.objects.visible_to(user))), request, 25)

    _library, ours = both(make, request, "django_tables2/bootstrap5.html")
    assert 'data-light="' in ours and 'data-testid="completion-word"' in ours
    assert '<div class="table-container">' in ours


# ------------------------------------------------------------------ the rest of django-tables2


class _Everything(dt.Table):
    """Parts of django-tables2 the app tables do not use, each still written as the library does."""

    name = dt.Column(linkify=lambda record: f"/people/?q={record['name']}", attrs={"a": {"class": "x"}})
    kind = dt.TemplateColumn("<b>{{ record.kind }}</b>/{{ value|upper }}", verbose_name="Kind & type")
    score = dt.Column(localize=True, attrs={"td": {"data-v": lambda value: f"v{value}"}})
    raw = dt.Column(localize=False, accessor="score")
    missing = dt.Column(accessor="no__such__thing", default="n/a")
    everything = dt.Column(empty_values=(), orderable=False)
    unknown = dt.Column(empty_values=())
    day = dt.DateColumn(short=False)

    class Meta:
        attrs = {"class": "t", "thead": {"class": "ignored"}}
        row_attrs = {"data-n": lambda record: record["n"]}
        per_page = 2

    def render_everything(self, **kwargs):
        return f"{kwargs['bound_row'].row_counter}:{kwargs['value']}"

    def render_unknown(self, record, nonsense):
        return "never"  # django-tables2 calls nothing that wants an argument it does not have


def _rows(n):
    return [
        {
            "n": i,
            "name": f"<i>{i}</i>",
            "kind": "a&b",
            "score": 1234.5 + i,
            "day": None if i % 5 == 3 else date(2026, 1, 1 + i % 28),  # no date: the column's default
        }
        for i in range(n)
    ]


@pytest.mark.parametrize("page", ["1", "7", "25"])
def test_the_rest_of_django_tables2_is_written_alike(settings, page):
    settings.USE_THOUSAND_SEPARATOR = True
    request = _request(None, q="<x>", page=page, sort="-name")
    for template_name in tables.LAYOUTS:
        both(lambda: _configured(_Everything(_rows(60)), request, 2), request, template_name)


def test_an_empty_table_with_its_text(settings):
    request = _request(None)

    class Empty(dt.Table):
        name = dt.Column()

        class Meta:
            empty_text = "Nothing <here>"

    _library, ours = both(lambda: Empty([]), request, "django_tables2/bootstrap5.html")
    assert "Nothing &lt;here&gt;" in ours


def test_what_it_does_not_write_goes_to_the_library_template():
    class WithFooter(dt.Table):
        name = dt.Column(footer="Total")

    request = _request(None)
    table = WithFooter([{"name": "a"}])
    assert not tables.supports(table, "django_tables2/bootstrap5.html")
    assert not tables.supports(_Everything([]), "django_tables2/semantic.html")
    both(lambda: WithFooter([{"name": "a"}]), request, "django_tables2/bootstrap5.html")
    with pytest.raises(ValueError):
        tables.render(table, request, "django_tables2/bootstrap5.html")


def test_the_list_pages_never_use_the_library_template(client, personas, people, county, monkeypatch):
    """The three list pages go through core.tables: the library's per-cell template is never rendered."""

    def refuse(self, context):
        raise AssertionError("django-tables2's template was used")

    monkeypatch.setattr(library_tags.RenderTableNode, "render", refuse)
    client.force_login(personas.county_admin)
    for name in ("orgs:person_list", "orgs:org_list", "ledger:ledger"):
        assert client.get(reverse(name)).status_code == 200, name


class _Numbers(dt.Table):
    """Dates in formats written without Django's formatter (numbers only) and with it; whole numbers."""

    iso = dt.DateColumn(format="Y-m-d", accessor="day")
    loose = dt.DateColumn(format="j/n/Y {x}", accessor="day")
    chinese = dt.DateColumn(format="Y年n月j日", accessor="day")
    named = dt.DateColumn(format="N j, Y", accessor="day")  # a month's name: Django's formatter
    escaped = dt.DateColumn(format=r"\Y Y-m", accessor="day")
    setting = dt.DateColumn(format="SHORT_DATE_FORMAT", accessor="day")
    count = dt.Column()
    negative = dt.Column()


@pytest.mark.parametrize("grouping", [False, True])
def test_dates_and_whole_numbers_are_written_as_the_template_writes_them(settings, grouping):
    settings.USE_THOUSAND_SEPARATOR = grouping
    request = _request(None)
    rows = [
        {"day": date(2026, 3, 7), "count": 1234567, "negative": -45678},
        {"day": date(987, 11, 30), "count": 0, "negative": True},
        {"day": None, "count": None, "negative": 12},
    ]
    with translation.override("en"):  # English groups thousands with commas when asked to
        _library, ours = both(lambda: _Numbers(rows), request, "django_tables2/bootstrap5.html")
    assert "2026-03-07" in ours and "7/3/2026 {x}" in ours and "2026年3月7日" in ours
    assert "0987-11-30" in ours
    assert ("<td >1,234,567</td>" in ours) is grouping
    assert ("<td >1234567</td>" in ours) is not grouping


def test_a_rows_link_is_the_url_reverse_gives_for_its_id():
    """``core.nav.id_url`` (the tables' links and the queue rows): reversed once, the id put in."""
    from django.urls import reverse

    from dangjian.core import nav

    for pk in (1, 9, 7_304_182_956, 123456789):
        assert nav.id_url("ledger:item_detail", pk) == reverse("ledger:item_detail", args=[pk])
    assert nav.id_url_parts("home") == ()  # a view without an id: reverse() decides (and refuses)
