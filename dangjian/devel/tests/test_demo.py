"""The demo contributor builds files in every stage through the services, with the cases the issue names."""

from __future__ import annotations

from auditlog.models import LogEntry

from dangjian.devel.models import DevelopmentFile, FileStatus, Quota, StageKind
from dangjian.devel.rules import add_months
from dangjian.devel.selectors import due_of, quota_rows, stage_of_status


def test_the_tiny_demo_has_files_in_every_stage_and_the_named_cases(tiny_demo):
    files = list(DevelopmentFile.objects.select_related("org", "person"))
    assert all(f.person.birth_date <= add_months(f.applied_on, -23 * 12) for f in files)
    assert {stage_of_status(f.status) for f in files} >= set(StageKind.values)
    statuses = {f.status for f in files}
    assert {FileStatus.EXTENDED, FileStatus.CANCELLED, FileStatus.STOPPED, FileStatus.S25} <= statuses
    # An extension voted and waiting for the higher committee, as well as one approved.
    assert any(f.status == FileStatus.S23 and f.outcome == "extend" for f in files)
    stopped = [f for f in files if f.status == FileStatus.STOPPED]
    assert all(f.end_reason and f.stopped_step < 17 for f in stopped)
    assert all(f.status.startswith("s") or f.status in ("extended", "cancelled", "stopped") for f in files)
    from dangjian.orgs.demo._common import reference_day

    today = reference_day()
    assert any(due_of(f) and due_of(f)[0] == "talk" and due_of(f)[1] < today for f in files)  # overdue talks
    refused = [
        (e.additional_data or {}).get("event", "")
        for e in LogEntry.objects.filter(content_type__model="developmentfile", additional_data__isnull=False)
    ]
    assert any("拒绝记录" in e for e in refused)
    township = tiny_demo.data["gaokeng"]
    rows = quota_rows(tiny_demo.data["users"]["county_admin"], township, today.year)
    own = rows[0]
    assert own["allocated"] and own["used"] and own["left"] == 1  # nearly used up
    assert Quota.objects.filter(org=tiny_demo.data["township_b"]).exists()
    mine = DevelopmentFile.objects.visible_to(tiny_demo.data["users"]["village_a1"])
    assert mine.exists() and mine.count() < len(files)
