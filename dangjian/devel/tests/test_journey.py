"""The journey of the issue through the pages alone: a branch opens a file and walks it to the vote, the township
approves, the applicant appears in the roster as a probationary member, and the township's quota drops by one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.devel import demo
from dangjian.devel.models import STEP_BY_NUMBER, DevelopmentFile, FileStatus
from dangjian.orgs.tests.factories import make_id

from .helpers import WALK_DAYS, quotas, sponsors

pytestmark = pytest.mark.django_db


def _form_data(file, number, people) -> dict:
    data = {
        "done_on": (file.applied_on + timedelta(days=demo.OFFSETS[number])).isoformat(),
        "version": file.version,
    }
    for key, value in demo.particulars(number, sponsors=people).items():
        data[key] = value.pk if hasattr(value, "pk") else value
    return {k: v for k, v in data.items() if v is not None}


def test_a_branch_walks_a_file_to_admission_and_the_township_approves_it(client, county, personas):
    quotas(county, personas, number=3)
    people = sponsors(county.village_a1)
    applied_on = timezone.localdate() - timedelta(days=WALK_DAYS)
    branch, township = personas.village_a1, personas.township_a

    client.force_login(branch)
    response = client.post(
        reverse("devel:file_open"),
        {
            "org": county.village_a1.pk, "name": "陈入党", "id_number": make_id(applied_on.replace(year=1996)),
            "applied_on": applied_on.isoformat(), "ethnicity": "汉族", "job": "worker",
            "files": demo.scan("申请书.pdf"),
        },
    )  # fmt: skip
    file = DevelopmentFile.objects.get()
    assert response["Location"] == reverse("devel:file_detail", args=[file.pk])

    while file.step < 16:
        number = file.step + 1
        user = township if STEP_BY_NUMBER[number].higher else branch
        client.force_login(user)
        if number == 7:
            day = (file.applied_on + timedelta(days=demo.EXTRA_ASSESSMENT)).isoformat()
            client.post(reverse("devel:assessment_add", args=[file.pk]), {"done_on": day, "note": "表现良好"})
        if number in demo.NOTICES:
            start, end = demo.NOTICES[number]
            response = client.post(
                reverse("devel:notice_add", args=[file.pk]),
                {
                    "before_step": number, "place": "村务公开栏",
                    "starts_on": (file.applied_on + timedelta(days=start)).isoformat(),
                    "ends_on": (file.applied_on + timedelta(days=end)).isoformat(),
                },
            )  # fmt: skip
            assert response.status_code == 302, (number, response.content.decode()[-2000:])
        response = client.post(reverse("devel:step_record", args=[file.pk]), _form_data(file, number, people))
        assert response.status_code == 302, (number, response.content.decode()[-3000:])
        file.refresh_from_db()
        assert file.step == number

    year = (file.applied_on + timedelta(days=demo.OFFSETS[17])).year
    quota_url = reverse("devel:quotas") + f"?org={county.township_a.pk}&year={year}"
    before = client.get(quota_url).content.decode()
    assert f'data-org="{county.township_a.pk}" data-allocated="3" data-used="0" data-pipeline="1"' in before

    # The branch cannot approve; the township does, from the file's page.
    client.force_login(branch)
    assert client.get(reverse("devel:step_record", args=[file.pk])).status_code == 403
    client.force_login(township)
    detail = client.get(reverse("devel:file_detail", args=[file.pk])).content.decode()
    assert 'data-testid="record-step"' in detail
    response = client.post(reverse("devel:step_record", args=[file.pk]), _form_data(file, 17, people))
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.status == FileStatus.S17

    roster = client.get(reverse("orgs:person_detail", args=[file.person_id])).content.decode()
    assert "陈入党" in roster and "预备党员" in roster
    after = client.get(quota_url).content.decode()
    assert f'data-org="{county.township_a.pk}" data-allocated="3" data-used="1" data-pipeline="0"' in after
    assert 'data-key="devel.admitted" data-value="1"' in after
    assert 'data-key="devel.farmer_worker_share" data-value="100.0"' in after
