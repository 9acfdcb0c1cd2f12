"""Finding 1 of issue 7: nobody without the unmask right can rebuild a full citizen ID number.

A property over everything a member, a village secretary and a township secretary can fetch
about people — every page, export and API list of the project (the persona walk's table), every
person's page, forms and API record, searches, organisation and item pages: for every person on
the roll, no response body holds the full number, its hidden part, its birth-date digits, or the
birth date written as a date in any usual form (docs/personal-data.md says what is shown instead).
"""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from dangjian.core.tests.leakwalk import body as _body
from dangjian.core.tests.leakwalk import collect_rows
from dangjian.core.tests.leakwalk import url_of as _url
from dangjian.ledger import services as ledger
from dangjian.ledger.models import Item
from dangjian.orgs import services
from dangjian.orgs.models import Organisation, Person, Post
from dangjian.orgs.tests.factories import make_id

ROUTES = collect_rows().routes

pytestmark = pytest.mark.django_db

AREA = "139027"  # an area code used nowhere else in the pages
BIRTHS = {
    "village_a1": date(1971, 8, 23),
    "village_a2": date(1968, 11, 9),
    "township_a": date(1974, 2, 17),
    "village_b1": date(1966, 12, 28),
}
PERSONAS = ("member", "village_a1", "township_a")


def _date_forms(d: date) -> list[str]:
    return [
        f"{d:%Y%m%d}",
        d.isoformat(),
        f"{d:%Y/%m/%d}",
        f"{d:%Y.%m.%d}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y年%m月%d日}",
        f"{d.year}/{d.month}/{d.day}",
    ]


def _forbidden(number: str) -> list[str]:
    """What must never show of one ID number: it whole, its hidden part, its birth date in any form."""
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return [number, number[:14], number[6:14], f"{number[:6]}********", *_date_forms(born)]


@pytest.fixture
def roster(county, personas):
    """One person in each organisation with a known number; one number changed (its history)."""
    numbers = {}
    for key, born in BIRTHS.items():
        number = make_id(born, area=AREA)
        org = getattr(county, key)
        services.build_person(
            org=org, id_number=number, name=f"身份{key[-2:]}", joined_on=date(2000, 7, 1), phone="13912345678"
        ).save()
        numbers[key] = number
    a1 = Person.objects.get(org=county.village_a1)
    # A corrected number: the history now holds the old and the new birth date and mask.
    corrected = make_id(date(1972, 9, 14), area=AREA)
    services.person_update(person=a1, actor=personas.township_a, id_number=corrected)
    old_number, numbers["village_a1"] = numbers["village_a1"], corrected
    Post.objects.create(org=county.village_a1, person=a1, kind="committee", started_on=date(2020, 1, 1))
    item_list = ledger.list_create(org=county.township_a, title="核查清单", actor=personas.township_a)
    ledger.item_create(
        item_list=item_list,
        org=county.village_a1,
        title="核查事项",
        actor=personas.township_a,
        person=a1,
        deadline=date(2099, 1, 1),
    )
    ledger.list_issue(item_list=item_list, actor=personas.township_a)
    # The county looked at the full number once (an access event in the history).
    services.person_unmask(person=a1, actor=personas.county_admin)
    personas.member.person = a1
    personas.member.save()
    return [*numbers.values(), old_number]


def _pages(user) -> list[tuple[str, str]]:
    """(url, body) of everything about people the user can fetch."""
    client = Client()
    client.force_login(user)
    urls = []
    for name, route in ROUTES.items():
        if route.kind in ("page", "export", "api_list"):
            urls.append(_url(name, route))
    people = list(Person.objects.visible_to(user))
    assert people, "the persona sees nobody: the property would hold vacuously"
    for person in people:
        urls += [
            reverse("orgs:person_detail", args=[person.pk]),
            reverse("orgs:person_edit", args=[person.pk]),
            reverse("orgs:person_transfer", args=[person.pk]),
            reverse("orgs:post_create", args=[person.org_id]) + f"?person={person.pk}",
            reverse("person-detail", args=[person.pk]),
            reverse("orgs:person_list") + f"?q={person.name}",
            reverse("orgs:person_list") + f"?q={person.id_suffix}",
            reverse("orgs:person_export") + "?unmask=1",
            reverse("person-list") + f"?q={person.name}",
        ]
    for org in Organisation.objects.visible_to(user):
        urls += [reverse("orgs:org_detail", args=[org.pk]), reverse("orgs:person_list") + f"?org={org.pk}"]
    for item in Item.objects.visible_to(user):
        urls.append(reverse("ledger:item_detail", args=[item.pk]))
    result = []
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert response.status_code < 500, url
            if response.status_code == 200:
                result.append((url, _body(response)))
    return result


@pytest.mark.parametrize("persona", PERSONAS)
def test_nothing_a_role_without_the_unmask_right_fetches_rebuilds_an_id_number(persona, personas, roster):
    user = getattr(personas, persona)
    pages = _pages(user)
    assert any("身份a1" in body for _url, body in pages)  # the own/visible record is really among them
    leaks = [
        f"{url}: {text!r}"
        for url, body in pages
        for number in roster
        for text in _forbidden(number)
        if text in body
    ]
    assert not leaks, "\n".join(leaks[:20])


def test_a_whole_number_finds_no_one_for_a_role_without_the_unmask_right(client, personas, roster):
    """Else a guessed number that finds its person would confirm the guess."""
    number = roster[0]
    client.force_login(personas.township_a)
    page = client.get(reverse("orgs:person_list"), {"q": number}).content.decode()
    assert "身份a1" not in page
    assert "身份a1" not in client.get(reverse("person-list"), {"q": number}).content.decode()
    client.force_login(personas.county_admin)
    assert "身份a1" in client.get(reverse("orgs:person_list"), {"q": number}).content.decode()


def test_unmasking_with_the_right_still_shows_the_number_and_is_audited(client, personas, roster):
    person = Person.objects.get(name="身份a1")
    client.force_login(personas.county_admin)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client.post(reverse("orgs:person_unmask", args=[person.pk]))
    assert roster[0] in response.content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    client.force_login(personas.township_a)
    assert client.post(reverse("orgs:person_unmask", args=[person.pk])).status_code == 403
