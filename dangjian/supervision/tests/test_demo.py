"""The demo contributor builds supervision records in every workflow state through the services."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from dangjian.core.models import StatusChange
from dangjian.ledger import door
from dangjian.supervision.models import (
    Assessment,
    Briefing,
    InspectionPlan,
    RankingCall,
    Rating,
    Venue,
    VenueKind,
    Visit,
    WeakOrg,
)


def test_the_tiny_demo_has_supervision_records_in_every_state(tiny_demo):
    assert set(InspectionPlan.objects.values_list("status", flat=True)) == set(InspectionPlan.Status.values)
    assert set(Visit.objects.values_list("status", flat=True)) == set(Visit.Status.values)
    assert Briefing.objects.filter(status=Briefing.Status.PUBLISHED).count() == 12
    assert set(Briefing.objects.values_list("status", flat=True)) == set(Briefing.Status.values)
    assert Briefing.objects.filter(status=Briefing.Status.DRAFT).count() == 1
    assert Briefing.objects.filter(status=Briefing.Status.REVIEWED).count() == 1
    issued = Briefing.objects.filter(status=Briefing.Status.PUBLISHED)
    assert all(b.reviewed_by_id and b.reviewed_by_id != b.created_by_id for b in issued)
    returned = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(Briefing),
        new="draft",
        object_id=Briefing.objects.get(status="draft").pk,
    )
    assert returned.old == "reviewed" and returned.note
    numbers = set(Briefing.objects.exclude(number="").values_list("number", flat=True))
    assert len(numbers) == 12 and all(n.startswith("萍党建通〔") for n in numbers)
    assert set(Rating.objects.values_list("status", flat=True)) == set(Rating.Status.values)
    assert set(WeakOrg.objects.values_list("status", flat=True)) == {"flagged", "rectifying"}
    assert WeakOrg.objects.count() == 4
    assert Venue.objects.filter(kind=VenueKind.NONE).count() == 3
    assert set(Assessment.objects.values_list("status", flat=True)) == set(Assessment.Status.values)
    confirmed = Assessment.objects.get(status=Assessment.Status.CONFIRMED)
    assert confirmed.results["rows"] and confirmed.recipients.exists()
    assert Venue.objects.exclude(kind=VenueKind.NONE).exists()
    on_sheet = Rating.objects.exclude(sheet=None)
    assert on_sheet.count() == Rating.objects.count() and all(len(r.sheet_scores) == 4 for r in on_sheet)
    call = RankingCall.objects.get()
    assert call.rows and door.items_of_source(call, call.created_by).count() == len(call.rows)
