"""The demo county holds organisational life in every state."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ..models import Evaluation, Meeting, MonthlyReport, TrainingRecord


@pytest.mark.django_db
def test_the_demo_has_meetings_reports_in_every_state_evaluations_and_training():
    call_command("demo", scale="tiny", seed=3, stdout=StringIO())
    assert Meeting.objects.filter(status="held").count() > 10
    assert Meeting.objects.filter(status="planned").exists()
    states = set(MonthlyReport.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "approved", "returned"}
    assert Evaluation.objects.filter(grade="excellent").exists()
    assert Evaluation.objects.filter(grade="unqualified").exists()
    assert TrainingRecord.objects.exists()


@pytest.mark.django_db
def test_the_benchmark_history_fills_two_years_for_every_branch(county, personas):
    from datetime import date

    from dangjian.orgs.tests.factories import make_person

    from .. import selectors
    from ..demo import build_history

    make_person(county.village_a1, "冬训学员")
    written = build_history(years=2, today=date(2026, 11, 15))
    # Three branches × 24 months × at least the two monthly meetings, less the few missed on purpose.
    assert written > 3 * 24 * 2 * 0.8
    rows = selectors.rollup([county.county], date(2025, 1, 1), date(2025, 12, 31), today=date(2026, 11, 15))
    assert rows[0].branches == 3 and 60 < rows[0].rate < 100
    assert TrainingRecord.objects.filter(on__year=2025).count() <= 1


@pytest.mark.django_db
def test_the_demo_secretaries_give_party_lessons_that_count():
    call_command("demo", scale="tiny", seed=4, stdout=StringIO())
    assert Meeting.objects.filter(kind="lesson", lecturer_person__isnull=False).exists()
