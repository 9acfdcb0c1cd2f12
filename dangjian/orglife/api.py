"""REST API of organisational life: meetings, attendance, monthly reports (with their moves) and training.

Read through the caller's scope like the pages; the report moves go through the same services.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core import workflow
from dangjian.core.api import ScopedViewSetMixin
from dangjian.orgs.models import Person

from . import services
from .models import Attendance, Course, Meeting, MonthlyReport, TrainingRecord


class MeetingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "org",
            "org_name",
            "kind",
            "status",
            "starts_at",
            "place",
            "chair",
            "recorder",
            "topic",
            "key_points",
            "decisions",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "declared_passed",
            "lecturer",
            "lesson_title",
            "observers",
            "expected",
            "present",
            "voters_entitled",
            "voters_present",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "person", "person_name", "presence", "reason", "voter"]


class MonthlyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "org",
            "month",
            "status",
            "figures",
            "remarks",
            "opinion",
            "submitted_on",
            "late",
            "version",
        ]


class ReportMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=["submitted", "approved", "returned"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "org", "title", "kind", "starts_on", "ends_on", "hours", "audience"]


class TrainingRecordSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = ["id", "course", "course_title", "person", "person_name", "hours", "on"]


@extend_schema_view(
    list=extend_schema(summary="Meetings visible to the caller", tags=["orglife"]),
    retrieve=extend_schema(summary="One meeting (404 outside the caller's scope)", tags=["orglife"]),
)
class MeetingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Meeting.objects.select_related("org").order_by("-starts_at", "-pk")
    serializer_class = MeetingSerializer
    filterset_fields = ["org", "kind", "status"]


@extend_schema_view(list=extend_schema(summary="Attendance at visible meetings", tags=["orglife"]))
class AttendanceViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Attendance.objects.select_related("person").order_by("meeting_id", "pk")
    serializer_class = AttendanceSerializer
    filterset_fields = ["meeting"]

    def get_queryset(self):
        # Members since moved where the caller cannot see are left out (as on the meeting page).
        return (
            super()
            .get_queryset()
            .filter(person__in=Person.objects.visible_to(self.request.user).values("pk"))
        )


@extend_schema_view(
    list=extend_schema(summary="Monthly reports visible to the caller", tags=["orglife"]),
    retrieve=extend_schema(summary="One monthly report", tags=["orglife"]),
)
class MonthlyReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = MonthlyReport.objects.select_related("org").order_by("-month", "org__path")
    serializer_class = MonthlyReportSerializer
    filterset_fields = ["org", "month", "status"]

    @action(detail=True, methods=["get", "post"], serializer_class=ReportMoveSerializer)
    def move(self, request, pk=None):
        """GET: the moves this user may make now; POST: submit, approve or return (``to``, ``note``)."""
        report = self.get_object()
        if request.method == "GET":
            moves = workflow.allowed_moves(report, request.user)
            return Response({"moves": [{"to": to, "label": str(rule.label)} for to, rule in moves]})
        data = ReportMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to, note = data.validated_data["to"], data.validated_data["note"]
        if to == MonthlyReport.Status.SUBMITTED:
            services.report_submit(report=report, actor=request.user, remarks=note)
        else:
            services.report_review(
                report=report, actor=request.user, approve=to == MonthlyReport.Status.APPROVED, opinion=note
            )
        return Response(MonthlyReportSerializer(self.get_queryset().get(pk=report.pk)).data)


@extend_schema_view(list=extend_schema(summary="Training courses visible to the caller", tags=["orglife"]))
class CourseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Course.objects.order_by("-starts_on", "-pk")
    serializer_class = CourseSerializer
    filterset_fields = ["org", "kind"]


@extend_schema_view(list=extend_schema(summary="Training hours of visible people", tags=["orglife"]))
class TrainingRecordViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TrainingRecord.objects.select_related("person", "course").order_by("-on", "pk")
    serializer_class = TrainingRecordSerializer
    filterset_fields = ["person", "course"]


def register(router) -> None:
    router.register("orglife/meetings", MeetingViewSet, basename="orglife-meeting")
    router.register("orglife/attendance", AttendanceViewSet, basename="orglife-attendance")
    router.register("orglife/reports", MonthlyReportViewSet, basename="orglife-report")
    router.register("orglife/courses", CourseViewSet, basename="orglife-course")
    router.register("orglife/training", TrainingRecordViewSet, basename="orglife-training")
