"""REST API of task extraction: post a text, get the draft list as JSON; the history per organisation.

``POST /api/extractions/`` reads the text with the same service as the page (the same refusals,
the same Chinese messages) and answers with the stored extraction and its drafts, for office
document systems; the drafts are then reviewed and handed down on the review page.
"""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSetMixin
from dangjian.core.caps import Cap
from dangjian.core.scoping import restricted_prefetch
from dangjian.orgs.models import Organisation

from . import services
from .models import Draft, Extraction


class DraftSerializer(serializers.ModelSerializer):
    orgs = serializers.SerializerMethodField()
    deadline_vague = serializers.BooleanField(read_only=True)

    class Meta:
        model = Draft
        fields = [
            "number", "kind", "title", "quote", "start", "end", "orgs", "units", "unmatched", "role",
            "deadline", "deadline_words", "deadline_vague", "long_term", "recurrence", "dropped",
        ]  # fmt: skip

    def get_orgs(self, draft) -> list[dict]:
        return [{"id": o.pk, "name": o.label} for o in draft.orgs.all()]


class ExtractionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.label", read_only=True)

    class Meta:
        model = Extraction
        fields = ["id", "org", "org_name", "title", "kind", "spoken_on", "status", "created_at"]


class ExtractionDetailSerializer(ExtractionSerializer):
    drafts = DraftSerializer(many=True, read_only=True)

    class Meta(ExtractionSerializer.Meta):
        fields = [*ExtractionSerializer.Meta.fields, "drafts"]


class ExtractionCreateSerializer(serializers.Serializer):
    org = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Extraction.Kind.choices, default=Extraction.Kind.SPEECH)
    spoken_on = serializers.DateField()
    text = serializers.CharField(trim_whitespace=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only organisations where the user may hand down can be named (others: "does not exist").
        self.fields["org"].queryset = Organisation.objects.current().where_can(user, Cap.HAND_DOWN)


class ExtractionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Extractions I may see (``?org=`` for one organisation's history); POST a text to extract its tasks."""

    queryset = Extraction.objects.select_related("org").order_by("-created_at", "-pk")
    serializer_class = ExtractionSerializer
    filterset_fields = ["org", "status", "kind"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            visible = Organisation.objects.only("pk", "name", "short_name")
            drafts = Draft.objects.order_by("number").prefetch_related(
                restricted_prefetch("orgs", self.request.user, visible)
            )
            qs = qs.prefetch_related(Prefetch("drafts", queryset=drafts))
        return qs

    def get_serializer_class(self):
        return ExtractionDetailSerializer if self.action == "retrieve" else ExtractionSerializer

    def create(self, request, *args, **kwargs):
        data = ExtractionCreateSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        extraction = services.extraction_create(actor=request.user, **data.validated_data)
        body = ExtractionDetailSerializer(extraction, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("extractions", ExtractionViewSet, basename="api-extraction")
