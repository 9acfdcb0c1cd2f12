"""The demo county gets two extracted speeches: one saved as a list, approved and handed down, one in review."""

from __future__ import annotations

from dangjian.core.models import StatusChange
from dangjian.extract.models import Extraction
from dangjian.ledger import door


def test_the_demo_has_a_speech_handed_down_and_one_in_review(tiny_demo):
    handed = Extraction.objects.get(status=Extraction.Status.SAVED)
    review = Extraction.objects.get(status=Extraction.Status.REVIEW)
    admin = tiny_demo.data["users"]["county_admin"]
    items = list(door.items_of_source(handed, admin))
    assert len(items) >= 4 and {i.org.kind for i in items} >= {"township"}
    assert all(i.status != "draft" for i in items)
    item_list = door.list_of_source(handed, admin)
    assert item_list.status == "issued" and item_list.source == "speech"
    # Saved and submitted by the officer, approved by somebody else.
    changes = StatusChange.objects.filter(
        content_type__app_label="ledger", content_type__model="itemlist", object_id=item_list.pk
    )
    moves = {c.new: c.actor_id for c in changes}
    assert moves["pending_approval"] == admin.pk and moves["issued"] not in (None, admin.pk)
    assert handed.drafts.filter(dropped=True, kind="problem").exists()
    drafts = review.drafts.all()
    assert drafts.filter(kind="problem").exists() and drafts.filter(kind="task").exists()
    assert any(d.deadline_vague for d in drafts) and any(d.long_term for d in drafts)
    assert any(d.recurrence == "每月" for d in drafts)
    assert review.drafts.filter(orgs__kind="township").exists()
