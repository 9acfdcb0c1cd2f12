"""REST API of supervision and assessment (read only): inspections and visits, monthly briefings, ranking
sets with their results, ratings.

Everything is read through the caller's scope exactly as the pages read it: an unannounced plan is never
listed to the organisations it targets, a visit reaches the visited organisation once its findings are
handed down, drafts of briefings are seen only by the office that compiles them (issued ones also by
the organisations they name), and a ranking is computed only under an organisation whose whole subtree
the caller sees.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core import scoping
from dangjian.core.api import ModelSerializer, ScopedViewSetMixin
from dangjian.core.filters import int_param
from dangjian.orgs.models import Organisation

from . import selectors
from .models import Briefing, InspectionPlan, RankingSet, Rating, Visit


class PlanSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "org", "org_name", "month", "theme", "team", "checklist", "targets", "status"]


class VisitSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "plan",
            "org",
            "org_name",
            "visited_at",
            "inspectors",
            "scores",
            "score",
            "notes",
            "findings",
            "finding_count",
            "deadline",
            "status",
        ]


class BriefingSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Briefing
        fields = [
            "id",
            "org",
            "org_name",
            "month",
            "title",
            "status",
            "number",
            "summary",
            "good_practice",
            "ranking_set",
            "reviewed_on",
            "published_on",
            "snapshot",
        ]


class RankingSetSerializer(ModelSerializer):
    class Meta:
        model = RankingSet
        fields = ["id", "org", "name", "items"]


class RatingSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "org",
            "org_name",
            "year",
            "self_score",
            "self_note",
            "sheet_scores",
            "poll_score",
            "township_score",
            "score",
            "grade",
            "stars",
            "status",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Inspection plans (never shown to the organisations they target)", tags=["supervision"]
    ),
    retrieve=extend_schema(summary="One inspection plan", tags=["supervision"]),
)
class PlanViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        InspectionPlan.objects.select_related("org").prefetch_related("targets").order_by("-month", "-pk")
    )
    serializer_class = PlanSerializer
    filterset_fields = ["org", "status"]


@extend_schema_view(
    list=extend_schema(summary="Inspection visits visible to the caller", tags=["supervision"]),
    retrieve=extend_schema(summary="One inspection visit", tags=["supervision"]),
)
class VisitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Visit.objects.select_related("org").order_by("-visited_at", "-pk")
    serializer_class = VisitSerializer
    filterset_fields = ["org", "plan", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="Monthly briefings: issued ones, drafts only for the office that compiles them",
        tags=["supervision"],
    ),
    retrieve=extend_schema(summary="One monthly briefing (issued: its frozen figures)", tags=["supervision"]),
)
class BriefingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Briefing.objects.select_related("org").order_by("-month", "-pk")
    serializer_class = BriefingSerializer
    filterset_fields = ["org", "status"]


@extend_schema_view(
    list=extend_schema(summary="Ranking sets visible to the caller", tags=["supervision"]),
    retrieve=extend_schema(summary="One ranking set", tags=["supervision"]),
)
class RankingSetViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = RankingSet.objects.select_related("org").order_by("org__path", "name")
    serializer_class = RankingSetSerializer

    @extend_schema(
        summary="The ranking of an organisation's children by this set for a month",
        tags=["supervision"],
        parameters=[
            OpenApiParameter(
                "org", int, description="The organisation whose children are ranked (default: the set's)"
            ),
            OpenApiParameter("month", str, description="YYYY-MM (default: the last complete month)"),
        ],
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        ranking_set = self.get_object()
        user = request.user
        root_id = int_param(request.query_params.get("org"))
        root = scoping.get_for_user(Organisation.objects.all(), user, pk=root_id or ranking_set.org_id)
        if not scoping.sees_whole_subtree(user, root):
            raise Http404
        month = _month(request.query_params.get("month"))
        result = selectors.ranking(ranking_set, root, month)
        return Response(
            {
                "ranking_set": ranking_set.pk,
                "name": ranking_set.name,
                "org": root.pk,
                "month": month.strftime("%Y-%m"),
                "method": result.method,
                "indicators": [
                    {"key": c.key, "label": str(c.label), "unit": str(c.unit)} for c in result.columns
                ],
                "rows": [
                    {
                        "org": row.org.pk,
                        "org_name": row.org.name,
                        "rank": row.rank,
                        "score": None if row.score is None else round(row.score, 1),
                        "values": row.values,
                        "move": row.move,
                        "flagged": row.flagged,
                    }
                    for row in result.rows
                ],
            }
        )


def _month(text):
    from datetime import date

    try:
        year, month = (int(p) for p in (text or "").split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return selectors.last_complete_month()


@extend_schema_view(
    list=extend_schema(
        summary="Classifications and star ratings visible to the caller", tags=["supervision"]
    ),
    retrieve=extend_schema(summary="One rating", tags=["supervision"]),
)
class RatingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Rating.objects.select_related("org").order_by("-year", "org__path")
    serializer_class = RatingSerializer
    filterset_fields = ["org", "year", "status", "grade", "stars"]


def register(router) -> None:
    router.register("supervision/inspections", PlanViewSet, basename="supervision-plan")
    router.register("supervision/visits", VisitViewSet, basename="supervision-visit")
    router.register("supervision/briefings", BriefingViewSet, basename="supervision-briefing")
    router.register("supervision/rankings", RankingSetViewSet, basename="supervision-ranking")
    router.register("supervision/ratings", RatingViewSet, basename="supervision-rating")
