"""The city-scale demo's bulk files: consistent with the rules, their step records, history and quotas."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dangjian.core.demo import DemoContext
from dangjian.core.models import StatusChange
from dangjian.devel import demo
from dangjian.devel.models import DevelopmentFile, Quota, StepRecord
from dangjian.devel.rules import children_of
from dangjian.devel.selectors import used_in

pytestmark = pytest.mark.django_db


def test_bulk_files_follow_the_rules_and_their_quotas_add_up(client, county, personas):
    ctx = DemoContext(scale="city", seed=1, rng=random.Random(1), out=lambda s: None)
    ctx.data.update(
        branch_ids=[county.village_a1.pk, county.village_a2.pk, county.village_b1.pk],
        users={"county_admin": personas.county_admin},
    )
    today = timezone.localdate()
    assert demo.build_bulk(ctx, total=90, today=today) == 90
    files = list(DevelopmentFile.objects.select_related("person"))
    assert len({f.status for f in files}) >= 15
    records = dict(StepRecord.objects.values_list("file").annotate(n=Count("pk")).order_by())
    history = dict(StatusChange.objects.values_list("object_id").annotate(n=Count("pk")).order_by())
    stopped = [f for f in files if f.status == "stopped"]
    assert stopped and all(f.stopped_step <= 16 and f.end_reason and f.stopped_on <= today for f in stopped)
    for file in files:
        reached = file.stopped_step or file.step
        assert records[file.pk] == reached
        assert history.get(file.pk, 0) == reached - 1 + (file.status == "stopped")
        assert file.last_step_on <= today
        if reached >= 17:
            assert file.person.category in ("probationary", "full") and file.person.joined_on == file.vote_on
        else:
            assert file.person.category == "non_member"
    year = today.year
    for quota in Quota.objects.filter(year=year).select_related("org"):
        below = sum(
            Quota.objects.filter(org__in=children_of(quota.org), year=year).values_list("number", flat=True)
        )
        assert below <= quota.number and used_in(quota.org, year) <= quota.number
    client.force_login(personas.county_admin)
    assert client.get(reverse("devel:pipeline")).status_code == 200
    assert client.get(reverse("devel:file_detail", args=[files[0].pk])).status_code == 200
