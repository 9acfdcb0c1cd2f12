"""REST API of talks: campaigns with their coverage, talk records, and closing a talk.

Every route fetches through ``visible_to`` (the talk records' narrower rule included) and writes
through the same services as the pages, so the API refuses what the UI refuses, with the same
Chinese message. Internal notes go only to those who hold the talk right at the organiser.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dangjian.core import audit, scoping
from dangjian.core.api import ModelSerializer, ScopedViewSetMixin

from . import selectors, services
from .models import TalkCampaign, TalkRecord, right_for


class CampaignSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = TalkCampaign
        fields = [
            "id",
            "title",
            "kind",
            "org",
            "org_name",
            "starts_on",
            "ends_on",
            "talker",
            "status",
            "looked_back_on",
        ]
        read_only_fields = fields


class TalkSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    talkee_ids = serializers.PrimaryKeyRelatedField(source="talkees", many=True, read_only=True)
    internal_notes = serializers.SerializerMethodField()

    class Meta:
        model = TalkRecord
        fields = [
            "id",
            "kind",
            "collective",
            "status",
            "version",
            "campaign",
            "org",
            "org_name",
            "organiser",
            "held_on",
            "place",
            "talker",
            "talkee",
            "talkee_ids",
            "content",
            "statement",
            "commitments",
            "explanation",
            "head_signed_by",
            "head_signed_on",
            "filed_discipline_on",
            "filed_org_dept_on",
            "letter",
            "reply_due_on",
            "replied_on",
            "reply",
            "late_reason",
            "internal_notes",
        ]
        read_only_fields = fields

    def get_internal_notes(self, talk) -> str | None:
        user = self.context["request"].user
        if scoping.can(user, right_for(talk.kind), talk.organiser) or talk.recorded_by_id == user.pk:
            return talk.internal_notes
        return None


class CloseSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    content = serializers.CharField(allow_blank=True)
    statement = serializers.CharField(required=False, allow_blank=True, default="")
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    head_signed_by = serializers.CharField(required=False, allow_blank=True, default="")
    head_signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    reply = serializers.CharField(required=False, allow_blank=True, default="")
    replied_on = serializers.DateField(required=False, allow_null=True, default=None)
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")


class CampaignViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Talk campaigns I organise or talk in; ``GET /talk-campaigns/{id}/coverage/``: talked / not yet."""

    queryset = TalkCampaign.objects.select_related("org").order_by("-starts_on", "-pk")
    serializer_class = CampaignSerializer
    filterset_fields = ["status", "kind"]

    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        campaign = self.get_object()
        return Response(
            [
                {
                    "person": row.person.pk,
                    "name": row.person.name,
                    "org": row.person.org_id,
                    "talked": row.talked,
                    "talk": row.talk.pk if row.talk else None,
                    "problems": row.problems,
                    "commitments": row.commitments,
                }
                for row in selectors.coverage(campaign)
            ]
        )


class TalkViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Talk records I may read; ``POST /talks/{id}/close/`` records and closes one (the hand-over follows)."""

    queryset = (
        TalkRecord.objects.select_related("org", "organiser")
        .prefetch_related("talkees")
        .order_by("-held_on", "-pk")
    )
    serializer_class = TalkSerializer
    filterset_fields = ["kind", "status", "campaign", "collective"]

    def retrieve(self, request, *args, **kwargs):
        talk = self.get_object()
        audit.log_access(talk, what="view")
        return Response(self.get_serializer(talk).data)

    @action(detail=True, methods=["post"], serializer_class=CloseSerializer)
    def close(self, request, pk=None):
        talk = self.get_object()
        if not scoping.can(request.user, right_for(talk.kind), talk.organiser):
            raise PermissionDenied
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        items = services.talk_close(talk=talk, actor=request.user, version=version, **values)
        talk = self.get_queryset().get(pk=talk.pk)
        return Response(
            {**TalkSerializer(talk, context={"request": request}).data, "items": [i.pk for i in items]}
        )


def register(router) -> None:
    router.register("talk-campaigns", CampaignViewSet, basename="api-talk-campaign")
    router.register("talks", TalkViewSet, basename="api-talk")
