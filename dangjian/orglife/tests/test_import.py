"""The training sign-in sheet: unknown names and ID numbers refused by row and column, all or none."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.orgs.tests.factories import make_person

from .. import services
from ..models import TrainingRecord
from .factories import staff_branch
from .leak import signin_file

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - timedelta(days=1)


@pytest.fixture
def course(county, personas):
    return services.course_create(
        org=county.township_a,
        actor=personas.township_a,
        title="冬春训",
        kind="winter_spring",
        starts_on=YESTERDAY,
        ends_on=YESTERDAY,
        hours=Decimal("8"),
    )


def _upload(client, course, rows):
    return client.post(reverse("orglife:signin_upload", args=[course.pk]), signin_file(rows))


def test_a_clean_sheet_is_written_after_confirmation(client, county, personas, course):
    people = staff_branch(county.village_a1, names=("签一", "签二"), committee=0)
    client.force_login(personas.township_a)
    preview = _upload(client, course, [(people[0], 8), (people[1], 6.5)])
    assert preview.context["summary"]["ok"] and not TrainingRecord.objects.exists()
    client.post(reverse("orglife:signin_confirm", args=[course.pk]))
    assert sorted(TrainingRecord.objects.values_list("hours", flat=True)) == [Decimal("6.5"), Decimal("8.0")]


def test_unknown_names_and_too_many_hours_are_refused_by_row_and_column(client, county, personas, course):
    people = staff_branch(county.village_a1, names=("签三",), committee=0)
    outsider = make_person(county.village_b1, "乙镇签到")
    client.force_login(personas.township_a)
    preview = _upload(client, course, [(people[0], 9), (outsider, 2), (people[0], 1)])
    errors = [str(e) for e in preview.context["summary"]["errors"]]
    assert any("第 2 行" in e and "学时" in e and "8" in e for e in errors), errors
    assert any("第 3 行" in e and "乙镇签到" in e for e in errors), errors
    assert "import_pending" not in client.session
    client.post(reverse("orglife:signin_confirm", args=[course.pk]))
    assert not TrainingRecord.objects.exists()


def test_namesakes_need_the_id_number(client, county, personas, course):
    make_person(county.village_a1, "同名")
    twin = make_person(county.village_a2, "同名")
    client.force_login(personas.township_a)
    preview = _upload(client, course, [(twin, 2)])
    errors = [str(e) for e in preview.context["summary"]["errors"]]
    assert any("身份证号" in e and "2" in e for e in errors), errors
