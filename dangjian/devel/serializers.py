"""API shapes of the development module (the rules stay in devel.rules and devel.services)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from . import rules, selectors
from .models import ConversionOutcome, DevelopmentFile


class FileSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    id_masked = serializers.CharField(source="person.id_masked", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    step = serializers.IntegerField(read_only=True)
    stage = serializers.IntegerField(read_only=True)
    next_step = serializers.SerializerMethodField()
    due = serializers.SerializerMethodField()

    class Meta:
        model = DevelopmentFile
        fields = [
            "id", "org", "org_name", "name", "id_masked", "applied_on", "status", "status_label", "step", "stage",
            "next_step", "due", "talked_on", "activist_on", "candidate_on", "vote_on", "admitted_on",
            "probation_ends_on", "extensions", "converted_on", "stopped_on", "stopped_step", "end_reason", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_next_step(self, file) -> int | None:
        return rules.next_step(file)

    def get_due(self, file) -> dict | None:
        row = selectors.file_row(file, timezone.localdate())
        if not row.due:
            return None
        return {"rule": row.rule, "label": row.rule_label, "on": row.due, "overdue": row.overdue}


class StepSerializer(serializers.Serializer):
    """The next step of a file, as the step form takes it (sponsors by person id)."""

    number = serializers.IntegerField(min_value=2, max_value=25)
    done_on = serializers.DateField()
    body = serializers.CharField(required=False, allow_blank=True, default="")
    people = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    sponsor_1 = serializers.IntegerField(required=False, allow_null=True, default=None)
    sponsor_2 = serializers.IntegerField(required=False, allow_null=True, default=None)
    training_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    training_hours = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    entitled = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    present = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    votes_for = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    outcome = serializers.ChoiceField(
        choices=ConversionOutcome.choices, required=False, allow_blank=True, default=""
    )
    extension_months = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    extended_limit = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class StopSerializer(serializers.Serializer):
    """Stopping the development of an applicant (停止发展): the date of the decision and the reason."""

    done_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, max_length=200)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
