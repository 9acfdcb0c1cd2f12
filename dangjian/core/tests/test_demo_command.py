"""manage.py demo from an empty database: the same seed builds the same county, an unknown scale is refused.

The built demo itself is checked in test_demo.py (one shared build); these tests need a database without it.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from conftest import build_tiny_demo
from dangjian.orgs.models import Organisation, Person

# The demo steps that make the organisations and the people (with their history); later steps only add to them.
PEOPLE_STEPS = ("orgs", "accounts", "orgs_history")


def people_and_orgs(seed: int) -> tuple[list[tuple], list[tuple]]:
    """The people and organisations those steps build with ``seed``, in a transaction then rolled back."""
    with transaction.atomic():
        build_tiny_demo(seed, only=PEOPLE_STEPS)
        people = list(
            Person.objects.order_by("org__path", "name_pinyin", "birth_date").values_list(
                "name", "id_digest", "org__name", "category", "joined_on"
            )
        )
        orgs = list(Organisation.objects.order_by("path").values_list("path", "name", "credit_code"))
        transaction.set_rollback(True)
    assert not Person.objects.exists() and not Organisation.objects.exists()
    return people, orgs


def test_the_same_seed_builds_the_same_people_and_another_seed_does_not(db):
    people, orgs = people_and_orgs(7)
    assert len(people) > 100 and len(orgs) > 10
    assert people_and_orgs(7) == (people, orgs)
    other_people, _other_orgs = people_and_orgs(8)
    assert [row[0] for row in other_people] != [row[0] for row in people]


def test_it_refuses_an_unknown_scale(db):
    with pytest.raises(CommandError, match="Unknown scale"):
        call_command("demo", scale="planet", stdout=StringIO())
    assert not Organisation.objects.exists()


def test_demo_accounts_says_so_when_there_are_none(db):
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "No demo accounts" in out.getvalue()
