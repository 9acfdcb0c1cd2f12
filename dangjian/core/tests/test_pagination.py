"""Lists count their rows exactly up to LIST_COUNT_MAX and say "more than" beyond (core.pagination)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.pagination import CappedPaginator
from dangjian.notices.models import Notice
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_limit_and_the_pages_reach_as_far(county):
    for i in range(7):
        make_person(county.village_a1, f"党员{i}")
    people = Person.objects.order_by("name_pinyin")
    exact = Person.objects.count()
    with override_settings(LIST_COUNT_MAX=exact):
        paginator = CappedPaginator(people, 2)
        assert paginator.count == exact and not paginator.capped
    with override_settings(LIST_COUNT_MAX=5):
        paginator = CappedPaginator(people, 2)
        with CaptureQueriesContext(connection) as captured:
            assert paginator.count == 5 and paginator.capped and paginator.num_pages == 3
        # Counted up to one past the limit, unsorted: the database stops there.
        (sql,) = [q["sql"] for q in captured.captured_queries]
        assert "LIMIT 6" in sql and "ORDER BY" not in sql
        assert len(paginator.page(3).object_list) == 1
    # A list of rows in memory is counted as it is.
    with override_settings(LIST_COUNT_MAX=2):
        assert CappedPaginator(list(range(9)), 2).count == 9


def test_the_member_table_says_more_than_the_limit(client, county, personas):
    for i in range(6):
        make_person(county.village_a1, f"党员{i}")
    client.force_login(personas.county_admin)
    exact = client.get(reverse("orgs:person_list")).content.decode()
    assert 'data-testid="count-capped"' not in exact
    with override_settings(LIST_COUNT_MAX=3):
        body = client.get(reverse("orgs:person_list")).content.decode()
    assert 'data-testid="count-capped"' in body and "超过 3 人" in body


def test_a_plain_list_says_more_than_the_limit(client, county, personas):
    user = personas.county_admin
    Notice.objects.bulk_create(
        [Notice(recipient=user, kind="test", text=f"通知{i}", url="/") for i in range(45)]
    )
    client.force_login(user)
    assert "共 45 条" in client.get(reverse("notices:list")).content.decode()
    with override_settings(LIST_COUNT_MAX=40):
        body = client.get(reverse("notices:list")).content.decode()
    assert 'data-testid="count-capped"' in body and "超过 40 条" in body
