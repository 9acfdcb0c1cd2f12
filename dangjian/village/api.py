"""REST API of village governance: each record (scoped like the pages) and each transition.

Every route fetches through ``visible_to`` and writes through the same services as the pages,
so a move the UI refuses is refused here with the same Chinese message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core import workflow
from dangjian.core.api import ScopedViewSetMixin
from dangjian.orgs.models import Organisation

from . import services
from .models import (
    CheckIn,
    Decision,
    DecisionStep,
    FirstSecretaryPosting,
    GridMatter,
    Leave,
    MajorMatterReport,
    WorkFile,
)


def _label(field):
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


class CheckInSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = CheckIn
        fields = ["id", "org", "person", "person_name", "day", "at", "location"]


class LeaveSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    status_label = _label("status")

    class Meta:
        model = Leave
        fields = [
            "id",
            "org",
            "person",
            "person_name",
            "starts_on",
            "ends_on",
            "reason",
            "level",
            "status",
            "status_label",
            "returned_on",
            "version",
        ]


class ReportSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    kind_label = serializers.CharField(source="kind.name", read_only=True)

    class Meta:
        model = MajorMatterReport
        fields = [
            "id",
            "org",
            "person",
            "person_name",
            "kind",
            "kind_label",
            "occurs_on",
            "filed_on",
            "late",
            "description",
            "status",
            "version",
        ]


class WorkFileSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    grade_label = _label("grade")

    class Meta:
        model = WorkFile
        fields = [
            "id",
            "org",
            "person",
            "person_name",
            "year",
            "targets",
            "commitments",
            "grade",
            "grade_label",
            "evaluation",
            "remuneration",
            "remuneration_paid_on",
            "rewards",
            "sanctions",
        ]


class PostingSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = FirstSecretaryPosting
        fields = ["id", "org", "person", "person_name", "sending_unit", "started_on", "ends_on"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionStep
        fields = [
            "step",
            "held_on",
            "assembly",
            "expected",
            "present",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "passed",
            "minutes",
            "published_where",
            "published_from",
            "published_until",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    status_label = _label("status")

    class Meta:
        model = Decision
        fields = [
            "id",
            "org",
            "title",
            "category",
            "amount",
            "status",
            "status_label",
            "implemented_on",
            "version",
            "steps",
        ]


class MatterSerializer(serializers.ModelSerializer):
    reporter_phone = serializers.CharField(source="reporter_phone_masked", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_label = _label("status")

    class Meta:
        model = GridMatter
        fields = [
            "id",
            "org",
            "grid",
            "handler_org",
            "source",
            "category",
            "category_name",
            "complex",
            "title",
            "location",
            "reporter_name",
            "reporter_phone",
            "registered_on",
            "respond_by",
            "resolve_by",
            "responded_on",
            "resolved_on",
            "measures",
            "feedback_how",
            "feedback_on",
            "satisfaction",
            "status",
            "status_label",
            "version",
        ]


class MoveSerializer(serializers.Serializer):
    to = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)
    feedback_how = serializers.CharField(required=False, allow_blank=True, default="")
    feedback_on = serializers.DateField(required=False, allow_null=True, default=None)
    satisfaction = serializers.CharField(required=False, allow_blank=True, default="")


class RouteSerializer(serializers.Serializer):
    to_org = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class StepInputSerializer(StepSerializer):
    class Meta(StepSerializer.Meta):
        extra_kwargs = {"passed": {"read_only": True}}


def _moves(obj, user) -> dict:
    return {
        "version": obj.version,
        "moves": [{"to": to, "label": str(rule.label)} for to, rule in workflow.allowed_moves(obj, user)],
    }


class CheckInViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Check-ins I may see (a cadre checks in from the phone page, for himself)."""

    queryset = CheckIn.objects.select_related("person").order_by("-day", "-pk")
    serializer_class = CheckInSerializer
    filterset_fields = ["org", "day"]


class LeaveViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Leave I may see; ``POST /leave/{id}/transition/`` approves, refuses or records the return."""

    queryset = Leave.objects.select_related("person").order_by("-starts_on", "-pk")
    serializer_class = LeaveSerializer
    filterset_fields = ["org", "status"]

    @action(detail=True, methods=["get", "post"], serializer_class=MoveSerializer)
    def transition(self, request, pk=None):
        leave = self.get_object()
        if request.method == "GET":
            return Response(_moves(leave, request.user))
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.leave_move(
            leave=leave,
            to=v["to"],
            actor=request.user,
            note=v["note"],
            returned_on=v["returned_on"],
            version=v["version"],
        )
        return Response(LeaveSerializer(self.get_queryset().get(pk=leave.pk)).data)


class ReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Major-matter reports I may see; ``POST /reports/{id}/transition/`` acknowledges one."""

    queryset = MajorMatterReport.objects.select_related("person", "kind").order_by("-filed_on", "-pk")
    serializer_class = ReportSerializer
    filterset_fields = ["org", "status", "late"]

    @action(detail=True, methods=["get", "post"], serializer_class=MoveSerializer)
    def transition(self, request, pk=None):
        report = self.get_object()
        if request.method == "GET":
            return Response(_moves(report, request.user))
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.report_move(
            report=report, to=v["to"], actor=request.user, note=v["note"], version=v["version"]
        )
        return Response(ReportSerializer(self.get_queryset().get(pk=report.pk)).data)


class WorkFileViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Cadres' work files (村干部工作档案) I may see, one a cadre and year."""

    queryset = WorkFile.objects.select_related("person").order_by("-year", "pk")
    serializer_class = WorkFileSerializer
    filterset_fields = ["org", "year", "grade"]


class PostingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """First secretaries' postings (第一书记) I may see: the sending unit and the period."""

    queryset = FirstSecretaryPosting.objects.select_related("person").order_by("-started_on", "-pk")
    serializer_class = PostingSerializer
    filterset_fields = ["org"]


class DecisionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """四议两公开 decisions I may see, with their steps; ``POST …/step/`` records the next step,
    ``POST …/transition/`` gives the township's review."""

    queryset = Decision.objects.prefetch_related("steps").order_by("-created_at", "-pk")
    serializer_class = DecisionSerializer
    filterset_fields = ["org", "status", "category"]

    @action(detail=True, methods=["post"], serializer_class=StepInputSerializer)
    def step(self, request, pk=None):
        decision = self.get_object()
        data = StepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decision_record_step(decision=decision, actor=request.user, **data.validated_data)
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)

    @action(detail=True, methods=["get", "post"], serializer_class=MoveSerializer)
    def transition(self, request, pk=None):
        decision = self.get_object()
        if request.method == "GET":
            return Response(_moves(decision, request.user))
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["to"] != Decision.Status.TOWNSHIP_REVIEWED:
            raise serializers.ValidationError(
                {"to": [_("The six steps are recorded through the step route.")]}
            )
        services.decision_review(decision=decision, actor=request.user, note=v["note"], version=v["version"])
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)


class MatterViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Grid matters I may see; ``POST …/route/`` routes one (流转交办) to an organisation in my scope or up
    its chain, ``POST …/transition/`` accepts, handles, answers, closes or reopens one."""

    queryset = GridMatter.objects.select_related("category").order_by("-registered_on", "-pk")
    serializer_class = MatterSerializer
    filterset_fields = ["org", "status", "category", "handler_org"]

    @action(detail=True, methods=["get", "post"], serializer_class=MoveSerializer)
    def transition(self, request, pk=None):
        matter = self.get_object()
        if request.method == "GET":
            return Response(_moves(matter, request.user))
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v.pop("returned_on")
        services.matter_move(
            matter=matter,
            to=v.pop("to"),
            actor=request.user,
            note=v.pop("note"),
            version=v.pop("version"),
            **v,
        )
        return Response(MatterSerializer(self.get_queryset().get(pk=matter.pk)).data)

    @action(detail=True, methods=["post"], serializer_class=RouteSerializer)
    def route(self, request, pk=None):
        matter = self.get_object()
        data = RouteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        to_org = Organisation.objects.filter(pk=v["to_org"]).first()
        if to_org is None:  # reads like an organisation outside the scope, as on the page
            raise ValidationError(
                {"to_org": [_("You can route a matter only to an organisation in your scope.")]}
            )
        services.matter_route(
            matter=matter, to_org=to_org, reason=v["reason"], actor=request.user, version=v["version"]
        )
        return Response(MatterSerializer(self.get_queryset().get(pk=matter.pk)).data)


def register(router) -> None:
    router.register("village/checkins", CheckInViewSet, basename="api-vcheckin")
    router.register("village/leave", LeaveViewSet, basename="api-vleave")
    router.register("village/reports", ReportViewSet, basename="api-vreport")
    router.register("village/work-files", WorkFileViewSet, basename="api-vworkfile")
    router.register("village/first-secretaries", PostingViewSet, basename="api-vposting")
    router.register("village/decisions", DecisionViewSet, basename="api-vdecision")
    router.register("village/grid-matters", MatterViewSet, basename="api-vmatter")
