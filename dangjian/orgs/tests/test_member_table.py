"""The member table as an office reads it (issue 8 item 17): no wrapped names or dates, posts apart,
filters offer 全部 for "any" and no choice twice."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from dangjian.orgs.models import Post, PostKind
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


def selects(body: str) -> dict[str, list[str]]:
    form = body[body.find('data-testid="person-filter"') :]
    form = form[: form.find("</form>")]
    return {
        name: re.findall(r"<option[^>]*>([^<]*)</option>", options)
        for name, options in re.findall(r'<select name="(\w+)".*?>(.*?)</select>', form, re.S)
    }


def test_the_filters_say_all_for_any_and_offer_no_choice_twice(client, personas, county):
    client.force_login(personas.county_admin)
    found = selects(client.get(reverse("orgs:person_list")).content.decode())
    for name in ("category", "sex", "education", "post", "mobile", "lost_contact"):
        assert found[name][0] == "全部", (name, found[name])
    assert "未知" not in sum(found.values(), [])
    for name, labels in found.items():
        assert len(labels) == len(set(labels)), (name, labels)
    assert found["status"][0] == "在册"


def test_the_yes_no_filters_still_filter(client, personas, county):
    make_person(county.village_a1, "流动甲", mobile=True, mobile_destination="广东省东莞市")
    make_person(county.village_a1, "在家乙")
    client.force_login(personas.county_admin)
    body = client.get(reverse("orgs:person_list"), {"mobile": "true"}).content.decode()
    assert "流动甲" in body and "在家乙" not in body
    body = client.get(reverse("orgs:person_list"), {"mobile": ""}).content.decode()
    assert "流动甲" in body and "在家乙" in body


def test_names_and_dates_do_not_wrap_and_posts_stand_apart(client, personas, county):
    person = make_person(county.village_a1, "欧阳娜娜")
    for org, kind in ((county.village_a1, PostKind.SECRETARY), (county.township_a, PostKind.COMMITTEE)):
        Post.objects.create(org=org, person=person, kind=kind, started_on=date(2024, 1, 1))
    client.force_login(personas.county_admin)
    body = client.get(reverse("orgs:person_list")).content.decode()
    start = body.find(">欧阳娜娜</a>")
    row = body[body.rfind("<tr", 0, start) :]
    row = row[: row.find("</tr>")]
    assert re.search(r'<td class="text-nowrap"><a [^>]*>欧阳娜娜</a>', row)
    assert '<td class="text-nowrap">2010-07-01' in row or re.search(
        r'<td class="text-nowrap">\d{4}-\d{2}-\d{2}', row
    )
    assert row.count("data-post") == 2 and "A1村党支部 · 书记" in row
