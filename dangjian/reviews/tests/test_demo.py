"""The demo builds sessions and reporters in every state, through the services."""

from __future__ import annotations

from dangjian.ledger import door
from dangjian.reviews import scoring, selectors
from dangjian.reviews.models import Ballot, Question, Reporter, Result, ReviewSession


def test_the_tiny_demo_has_sessions_and_reporters_in_every_state(tiny_demo):
    assert set(ReviewSession.objects.values_list("status", flat=True)) == set(ReviewSession.Status.values)
    assert set(Reporter.objects.values_list("status", flat=True)) == set(Reporter.Status.values)
    closed = ReviewSession.objects.get(status="closed")
    assert closed.digest == scoring.digest(selectors.ballot_export_rows(closed))
    results = Result.objects.filter(reporter__session=closed)
    assert results.count() == closed.reporters.count() and results.filter(rank=1).exists()
    assert any(not g["met"] for r in results for g in r.groups)  # one group below its quorum is shown as such
    live = ReviewSession.objects.get(status="live")
    assert live.current_reporter.status == "scoring"
    assert Ballot.objects.filter(reporter=live.current_reporter).exists()
    assert Question.objects.filter(reporter__session=live).exists()
    assert live.reporters.filter(filed_at__isnull=True).exists()
    handed = [
        r
        for r in closed.reporters.all()
        if door.items_of_source(r, tiny_demo.data["users"]["admin"]).exists()
    ]
    assert handed
