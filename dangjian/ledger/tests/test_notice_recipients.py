"""Who the ledger notifies: only people who may open what the notice names (found by the leak walk)."""

from __future__ import annotations

import pytest

from dangjian.accounts.models import RoleAssignment, User
from dangjian.accounts.roles import Role
from dangjian.notices.models import Notice

from .builders import S, handed_item, media, walk  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


def test_a_supervisor_whose_grant_stops_at_its_own_organisation_is_not_told_about_items_below_it(
    county, personas
):
    own = User.objects.create_user(username="ta_own", password="Test-pass-2026", display_name="A镇本级干事")
    RoleAssignment.objects.create(user=own, role=Role.TOWNSHIP, org=county.township_a, include_subtree=False)
    walk(handed_item(county, personas), S.CLOSURE_REQUESTED, personas)
    assert Notice.objects.filter(
        recipient=personas.township_a
    ).exists()  # the township with its subtree is told
    assert not Notice.objects.filter(recipient=own).exists()


def test_the_issuer_is_not_told_about_its_own_hand_down(county, personas):
    """A2村 has no account, so its notices fall back to A镇 — whose secretary handed the item down."""
    other = User.objects.create_user(
        username="ta_clerk", password="Test-pass-2026", display_name="A镇组织委员"
    )
    RoleAssignment.objects.create(user=other, role=Role.TOWNSHIP, org=county.township_a)
    handed_item(county, personas, org=county.village_a2)
    assert not Notice.objects.filter(recipient=personas.township_a, kind="item_handed_down").exists()
    assert Notice.objects.filter(recipient=other, kind="item_handed_down").exists()
