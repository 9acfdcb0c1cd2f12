"""Stopping the development of an applicant (停止发展): at any step before admission, with the reason, kept in
the history, out of the pipeline and its quota place given back; refused once the applicant is admitted."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.core import params
from dangjian.core.models import StatusChange
from dangjian.devel import demo, services
from dangjian.devel.columns import LEDGER_COLUMNS
from dangjian.devel.models import DevelopmentFile, FileStatus
from dangjian.devel.selectors import used_in
from dangjian.orgs.models import Person
from dangjian.orgs.tests.factories import make_id

from .helpers import open_file, quotas, sponsors, walk

pytestmark = pytest.mark.django_db

REASON = "考察期间参与非法宗教活动，政治上不合格"


def _stop(file, actor, *, reason=REASON, done_on=None):
    return services.file_stop(file=file, actor=actor, reason=reason, done_on=done_on or timezone.localdate())


def _unchanged(file):
    fresh = DevelopmentFile.objects.get(pk=file.pk)
    assert (fresh.status, fresh.version, fresh.stopped_on, fresh.end_reason) == (
        file.status,
        file.version,
        file.stopped_on,
        file.end_reason,
    )
    return fresh


@pytest.fixture
def world(county, personas):
    quotas(county, personas)
    return county, personas, sponsors(county.village_a1)


def test_a_candidate_is_stopped_with_the_reason_in_the_history_and_leaves_the_pipeline(client, world):
    county, personas, people = world
    file = walk(open_file(county.village_a1, personas.village_a1), 13, personas, people)
    year = timezone.localdate().year
    client.force_login(personas.township_a)
    quota_url = reverse("devel:quotas") + f"?org={county.township_a.pk}&year={year}"
    assert f'data-org="{county.township_a.pk}" data-allocated="5" data-used="0" data-pipeline="1"' in (
        client.get(quota_url).content.decode()
    )

    client.force_login(personas.village_a1)
    detail = client.get(reverse("devel:file_detail", args=[file.pk])).content.decode()
    assert 'data-testid="stop-file"' in detail
    response = client.post(
        reverse("devel:file_stop", args=[file.pk]),
        {"done_on": timezone.localdate().isoformat(), "reason": REASON, "version": file.version},
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.status, file.stopped_step, file.stopped_on) == ("stopped", 13, timezone.localdate())
    assert file.end_reason == REASON and file.quota_year is None
    change = StatusChange.objects.filter(object_id=file.pk, new="stopped").get()
    assert (change.old, change.note, change.actor) == ("s13", REASON, personas.village_a1)
    assert Person.objects.get(pk=file.person_id).category == "non_member"

    detail = client.get(reverse("devel:file_detail", args=[file.pk])).content.decode()
    assert REASON in detail and "停止发展" in detail and 'data-testid="stop-file"' not in detail
    assert 'data-testid="record-step"' not in detail
    pipeline = client.get(reverse("devel:pipeline")).content.decode()
    assert 'data-testid="closed-stopped" data-count="1"' in pipeline
    assert 'data-testid="stage-4" data-count="0"' in pipeline
    listed = client.get(reverse("devel:pipeline") + "?stage=stopped").content.decode()
    assert file.person.name in listed and REASON in listed
    client.force_login(personas.township_a)
    assert f'data-org="{county.township_a.pk}" data-allocated="5" data-used="0" data-pipeline="0"' in (
        client.get(quota_url).content.decode()
    )


def test_the_ledger_export_shows_the_stop_and_its_reason(client, world):
    from openpyxl import load_workbook

    county, personas, _people = world
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=5)
    )
    _stop(file, personas.village_a1)
    client.force_login(personas.township_a)
    rows = list(
        load_workbook(io.BytesIO(client.get(reverse("devel:export")).content)).active.iter_rows(
            values_only=True
        )
    )
    cell = dict(zip([c.key for c in LEDGER_COLUMNS], rows[1], strict=True))
    assert cell["stage"] == "停止发展" and cell["status"] == "停止发展"
    assert cell["end_reason"] == REASON and cell["stopped_on"] == timezone.localdate().isoformat()
    assert "终止原因" in rows[0]


def test_stopping_gives_back_a_quota_place_taken_at_the_committee_review(world):
    county, personas, people = world
    params.set_value("devel.quota_step", 12)
    try:
        file = walk(open_file(county.village_a1, personas.village_a1), 12, personas, people)
        year = file.quota_year
        assert used_in(county.township_a, year) == 1
        _stop(file, personas.township_a)
        assert used_in(county.township_a, year) == 0
        assert DevelopmentFile.objects.get(pk=file.pk).quota_year is None
    finally:
        params.set_value("devel.quota_step", 17)


def test_no_step_or_notice_after_the_stop_and_the_applicant_may_apply_again(world):
    county, personas, _people = world
    applied_on = timezone.localdate() - timedelta(days=20)
    id_number = make_id(date(1997, 5, 4))
    application = {
        "org": county.village_a1,
        "actor": personas.village_a1,
        "name": "周重申",
        "id_number": id_number,
        "files": [demo.scan("申请书.pdf")],
    }
    file = services.file_open(applied_on=applied_on, **application)
    file = _stop(file, personas.village_a1)
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            file=file,
            number=2,
            actor=personas.village_a1,
            done_on=applied_on + timedelta(days=3),
            people="书记",
        )
    assert "已于" in exc.value.messages[0] and "停止发展" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.notice_record(
            file=file,
            actor=personas.village_a1,
            before_step=7,
            place="公开栏",
            starts_on=applied_on,
            ends_on=applied_on + timedelta(days=10),
        )
    _unchanged(file)
    again = services.file_open(applied_on=timezone.localdate(), **application)
    assert again.person_id == file.person_id and again.status == FileStatus.S01


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"reason": "  "}, "请填写停止发展的原因"),
        ({"done_on": timezone.localdate() + timedelta(days=1)}, "之间"),
        ({"done_on": timezone.localdate() - timedelta(days=400)}, "之间"),
    ],
)
def test_a_stop_without_reason_or_with_a_wrong_date_is_refused_and_nothing_changes(world, kwargs, message):
    county, personas, _people = world
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=30)
    )
    with pytest.raises(ValidationError) as exc:
        _stop(file, personas.village_a1, **kwargs)
    assert message in " ".join(exc.value.messages)
    assert not StatusChange.objects.filter(object_id=file.pk, new="stopped").exists()
    _unchanged(file)


def test_a_probationary_member_is_not_stopped_but_cancelled(world):
    county, personas, people = world
    file = walk(open_file(county.village_a1, personas.village_a1), 17, personas, people)
    with pytest.raises(ValidationError) as exc:
        _stop(file, personas.township_a)
    assert "已是预备党员" in exc.value.messages[0] and "取消其预备党员资格" in exc.value.messages[0]
    assert _unchanged(file).status == FileStatus.S17
    assert Person.objects.get(pk=file.person_id).category == "probationary"


def test_a_stopped_file_is_not_stopped_twice(world):
    county, personas, _people = world
    file = _stop(
        open_file(
            county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=9)
        ),
        personas.village_a1,
    )
    with pytest.raises(ValidationError) as exc:
        _stop(file, personas.village_a1, reason="另一个原因")
    assert "已办结" in exc.value.messages[0]
    assert _unchanged(file).end_reason == REASON
    assert StatusChange.objects.filter(object_id=file.pk, new="stopped").count() == 1


def test_only_the_branch_side_in_scope_may_stop(client, world):
    county, personas, _people = world
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=9)
    )
    for outsider in (personas.township_b, personas.member, personas.inspector):
        with pytest.raises(PermissionDenied):
            _stop(file, outsider)
    client.force_login(personas.township_b)
    assert client.get(reverse("devel:file_stop", args=[file.pk])).status_code == 404
    client.force_login(personas.member)
    assert client.get(reverse("devel:file_stop", args=[file.pk])).status_code in (403, 404)
    _unchanged(file)


def test_the_api_stops_with_the_same_rules(client, world):
    county, personas, _people = world
    file = open_file(
        county.village_a1, personas.village_a1, applied_on=timezone.localdate() - timedelta(days=9)
    )
    client.force_login(personas.village_a1)
    url = reverse("api-devel-file-stop", args=[file.pk])
    assert client.get(url).json() == {"version": 0, "status": "s01", "allowed": True}
    empty = {"done_on": timezone.localdate().isoformat(), "reason": "", "version": 0}
    response = client.post(url, json.dumps(empty), content_type="application/json")
    assert response.status_code == 400
    assert "请填写停止发展的原因" in json.dumps(response.json(), ensure_ascii=False)
    _unchanged(file)
    response = client.post(url, json.dumps({**empty, "reason": REASON}), content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["stopped_step"], body["end_reason"], body["next_step"]) == (
        "stopped",
        1,
        REASON,
        None,
    )
    assert client.get(url).json()["allowed"] is False
