"""The demo county holds organisational life in every state (one tiny demo shared by the module)."""

from __future__ import annotations

from ..models import Evaluation, Meeting, MonthlyReport, TrainingRecord


def test_the_demo_has_meetings_reports_in_every_state_evaluations_and_training(tiny_demo):
    assert Meeting.objects.filter(status="held").count() > 10
    assert Meeting.objects.filter(status="planned").exists()
    states = set(MonthlyReport.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "approved", "returned"}
    assert Evaluation.objects.filter(grade="excellent").exists()
    assert Evaluation.objects.filter(grade="unqualified").exists()
    assert TrainingRecord.objects.exists()


def test_the_demo_secretaries_give_party_lessons_that_count(tiny_demo):
    assert Meeting.objects.filter(kind="lesson", lecturer_person__isnull=False).exists()
