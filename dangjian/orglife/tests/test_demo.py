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
    assert TrainingRecord.objects.exists()
