"""A file walked through the 25 steps: the roster effects, the quota, and the separation of duties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core.models import StatusChange
from dangjian.devel import demo, selectors, services
from dangjian.devel.models import DevelopmentFile, FileStatus, StepRecord
from dangjian.devel.rules import add_months
from dangjian.devel.selectors import used_in
from dangjian.orgs.models import Person

from .helpers import open_file, quotas, sponsors, walk, walk_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(county, personas):
    quotas(county, personas)
    return county, personas, sponsors(county.village_a1)


def test_a_file_walks_all_25_steps_and_the_applicant_becomes_a_full_member(world):
    county, personas, people = world
    file = open_file(county.village_a1, personas.village_a1)
    person = Person.objects.get(pk=file.person_id)
    assert person.category == "non_member"
    walk(file, 16, personas, people)
    assert Person.objects.get(pk=file.person_id).category == "non_member"
    walk(file, 17, personas, people)
    person.refresh_from_db()
    file.refresh_from_db()
    assert person.category == "probationary"
    assert person.joined_on == file.vote_on
    assert used_in(county.township_a, file.admitted_on.year) == 1
    walk(file, 25, personas, people)
    file.refresh_from_db()
    person.refresh_from_db()
    assert file.status == FileStatus.S25
    assert person.category == "full"
    assert person.converted_on == file.probation_ends_on
    assert sorted(set(StepRecord.objects.filter(file=file).values_list("number", flat=True))) == list(
        range(1, 26)
    )


def test_cancellation_removes_the_probationary_standing(world):
    county, personas, people = world
    file = walk(open_file(county.village_a1, personas.village_a1), 24, personas, people, outcome="cancel")
    person = Person.objects.get(pk=file.person_id)
    assert file.status == FileStatus.CANCELLED
    assert person.category == "non_member" and person.joined_on is None
    assert "预备期间不履行党员义务" in file.end_reason


def _extension_voted(county, personas, people):
    """A file whose branch voted at the end of probation to extend it by 6 months (step 23, outcome extend)."""
    applied_on = timezone.localdate() - timedelta(days=1300)
    file = open_file(county.village_a1, personas.village_a1, applied_on=applied_on)
    return walk(file, 23, personas, people, outcome="extend", extension_months=6)


def test_an_extension_voted_by_the_branch_runs_only_once_the_higher_committee_approves_it(world):
    county, personas, people = world
    file = _extension_voted(county, personas, people)
    ends = file.probation_ends_on
    assert (file.status, file.outcome, file.extensions) == (FileStatus.S23, "extend", 0)
    approval = {"done_on": file.conversion_vote_on + timedelta(days=10)}

    # The branch that voted cannot approve its own extension: the committee above it does.
    with pytest.raises(PermissionDenied):
        services.step_record(file=file, number=24, actor=personas.village_a1, **approval)
    file.refresh_from_db()
    assert (file.status, file.extensions, file.probation_ends_on) == (FileStatus.S23, 0, ends)

    services.step_record(file=file, number=24, actor=personas.township_a, **approval)
    file.refresh_from_db()
    assert (file.status, file.extensions) == (FileStatus.EXTENDED, 1)
    assert file.probation_ends_on == add_months(ends, 6)
    assert Person.objects.get(pk=file.person_id).category == "probationary"
    assert StatusChange.objects.filter(object_id=file.pk, old="s23", new="extended").get().actor == (
        personas.township_a
    )
    reply = selectors.reply_document(file, file.steps.filter(number=24).get())
    assert "延长该同志的预备期至" in reply["decision"]


def test_an_extension_approved_late_is_refused(world):
    county, personas, people = world
    file = _extension_voted(county, personas, people)
    late = add_months(file.conversion_vote_on, 3) + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.step_record(file=file, number=24, actor=personas.township_a, done_on=late)
    assert "3个月内" in exc.value.messages[0]
    file.refresh_from_db()
    assert (file.status, file.extensions) == (FileStatus.S23, 0)


def test_probation_is_extended_once_and_a_second_extension_is_refused(world):
    county, personas, people = world
    file = walk(_extension_voted(county, personas, people), 24, personas, people, outcome="extend")
    assert file.status == FileStatus.EXTENDED and file.extensions == 1

    end = file.probation_ends_on
    services.step_record(file=file, number=22, actor=personas.village_a1, done_on=end - timedelta(days=20))
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=23,
        place="公开栏",
        starts_on=end - timedelta(days=19),
        ends_on=end - timedelta(days=2),
    )
    file.refresh_from_db()
    data = demo.particulars(23, outcome="extend", extension_months=6)
    with pytest.raises(ValidationError) as exc:
        services.step_record(file=file, number=23, actor=personas.village_a1, done_on=end, **data)
    assert "只能延长一次" in str(exc.value)
    file.refresh_from_db()
    assert file.status == FileStatus.S22 and file.extensions == 1


def test_the_higher_committee_refuses_to_approve_a_second_extension(world):
    """Even if a second extension vote were on the file, its approval is refused and nothing changes."""
    county, personas, people = world
    file = _extension_voted(county, personas, people)
    DevelopmentFile.objects.filter(pk=file.pk).update(extensions=1)
    file.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            file=file,
            number=24,
            actor=personas.township_a,
            done_on=file.conversion_vote_on + timedelta(days=5),
        )
    assert "只能延长一次" in exc.value.messages[0]
    file.refresh_from_db()
    assert (file.status, file.extensions) == (FileStatus.S23, 1)
    assert not StatusChange.objects.filter(object_id=file.pk, new="extended").exists()


def test_the_recorder_of_the_vote_cannot_approve_it(county, personas):
    quotas(county, personas)
    people = sponsors(county.village_a1)
    file = open_file(county.village_a1, personas.township_a)
    file = walk_as(file, 16, personas.township_a, personas.county_admin, people)
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            file=file, number=17, actor=personas.township_a, done_on=file.vote_on, **demo.particulars(17)
        )
    assert "须由他人审批" in str(exc.value)
    file.refresh_from_db()
    assert file.status == FileStatus.S16


def test_approval_beyond_the_quota_is_refused_and_nothing_changes(county, personas):
    quotas(county, personas, number=1)
    people = sponsors(county.village_a1)
    first = walk(open_file(county.village_a1, personas.village_a1, name="甲"), 17, personas, people)
    assert first.status == FileStatus.S17
    second = walk(open_file(county.village_a1, personas.village_a1, name="乙"), 16, personas, people)
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            file=second, number=17, actor=personas.township_a, done_on=second.vote_on, **demo.particulars(17)
        )
    assert "发展指标已用完" in str(exc.value)
    second.refresh_from_db()
    assert second.status == FileStatus.S16
    assert Person.objects.get(pk=second.person_id).category == "non_member"


@pytest.mark.parametrize("months", [5, 13])
def test_an_extension_outside_six_to_twelve_months_is_refused_and_twelve_passes(world, months):
    county, personas, people = world
    applied_on = timezone.localdate() - timedelta(days=1300)
    file = walk(
        open_file(county.village_a1, personas.village_a1, applied_on=applied_on), 22, personas, people
    )
    start, end = demo.NOTICES[23]
    services.notice_record(
        file=file,
        actor=personas.village_a1,
        before_step=23,
        place=demo.NOTICE_PLACE,
        starts_on=applied_on + timedelta(days=start),
        ends_on=applied_on + timedelta(days=end),
    )
    day = applied_on + timedelta(days=demo.OFFSETS[23])
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            file=file,
            number=23,
            actor=personas.village_a1,
            done_on=day,
            **demo.particulars(23, outcome="extend", extension_months=months),
        )
    assert "延长预备期的时间为6至12个月" in " ".join(exc.value.messages)
    file.refresh_from_db()
    assert file.status == FileStatus.S22 and not file.steps.filter(number=23).exists()
    services.step_record(
        file=file,
        number=23,
        actor=personas.village_a1,
        done_on=day,
        **demo.particulars(23, outcome="extend", extension_months=12),
    )
    file.refresh_from_db()
    assert (file.status, file.outcome) == (FileStatus.S23, "extend")
