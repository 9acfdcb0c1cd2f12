"""The demo county's talks: every kind and every state, following the rules the services check."""

from __future__ import annotations

from dangjian.core import indicators
from dangjian.core.indicators import Period
from dangjian.ledger.models import Item
from dangjian.talks import selectors
from dangjian.talks.indicators import branch_coverage
from dangjian.talks.models import TalkCampaign, TalkKind, TalkRecord


def test_the_tiny_demo_has_talks_of_every_kind_in_every_state(tiny_demo):
    assert set(TalkRecord.objects.values_list("kind", flat=True)) == set(TalkKind.values)
    assert set(TalkRecord.objects.values_list("status", flat=True)) == {"planned", "closed", "cancelled"}
    assert set(TalkCampaign.objects.values_list("status", flat=True)) == {"open", "closed"}
    assert TalkRecord.objects.filter(collective=True, status="closed").exists()
    assert TalkRecord.objects.filter(kind="admonition", filed_discipline_on__isnull=False).exists()
    assert TalkRecord.objects.filter(kind="letter", status="closed").exclude(late_reason="").exists()
    current = TalkCampaign.objects.get(status="open")
    talked, total = selectors.coverage_counts(current)
    assert 0 < talked < total and current.looked_back_on
    # Every closed individual talk of the campaign handed its problems and commitment to the talkee's organisation.
    for talk in current.talks.filter(status="closed", collective=False):
        items = Item.objects.filter(source_type__model="talkrecord", source_id=talk.pk)
        assert items.filter(kind="problem").count() == 2 and items.filter(kind="task").count() == 1
        assert set(items.values_list("org_id", flat=True)) == {talk.org_id}
    # Heart-to-heart coverage: one village covered on both parts, one whose secretary talked only with members.
    year = TalkRecord.objects.filter(kind="heart_to_heart").latest("held_on").held_on.year
    township = TalkRecord.objects.filter(kind="heart_to_heart").first().organiser
    branches = branch_coverage([township], Period.year(year)).values()
    assert any(b.covered and b.pairs_required and b.members for b in branches)
    assert any(b.members_covered and not b.committee_covered for b in branches)
    value = indicators.compute("talks.heart_to_heart_coverage", [township], Period.year(year))[township.pk]
    assert 0 < value < 100
