"""REST API of duty-report evaluation: sessions and their results (scoped like the pages), and ballot
submission authenticated by the credential code alone (no account), through the same services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSetMixin

from . import selectors, services
from .models import Result, ReviewSession


class SessionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ReviewSession
        fields = [
            "id",
            "title",
            "year",
            "held_on",
            "venue",
            "org",
            "org_name",
            "status",
            "status_display",
            "digest",
        ]


class ResultSerializer(serializers.ModelSerializer):
    reporter = serializers.IntegerField(source="reporter_id")
    org = serializers.IntegerField(source="reporter.org_id")
    org_name = serializers.CharField(source="reporter.org.name")
    secretary = serializers.CharField(source="reporter.secretary")
    grade_display = serializers.CharField(source="get_grade_display")

    class Meta:
        model = Result
        fields = [
            "reporter",
            "org",
            "org_name",
            "secretary",
            "rank",
            "total",
            "grade",
            "grade_display",
            "groups",
            "formula",
        ]


class SessionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Sessions I host or report in; ``GET /review-sessions/{id}/results/`` the results I may see (once closed)."""

    queryset = ReviewSession.objects.select_related("org").order_by("-year", "-held_on", "-pk")
    serializer_class = SessionSerializer
    filterset_fields = ["status", "year"]

    @action(detail=True, methods=["get"], serializer_class=ResultSerializer)
    def results(self, request, pk=None):
        session = self.get_object()
        if not session.is_closed:
            return Response({"detail": [str(_not_closed())]}, status=status.HTTP_404_NOT_FOUND)
        return Response(ResultSerializer(selectors.results_for(session, request.user), many=True).data)


def _not_closed():
    from django.utils.translation import gettext as _

    return _("Results are shown once the session is closed.")


class BallotSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    reporter = serializers.IntegerField(min_value=1, max_value=2**62)
    grade = serializers.CharField(required=False, allow_blank=True, default="")
    scores = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class BallotViewSet(viewsets.ViewSet):
    """``POST /review-ballots/``: one ballot with a credential code; refused exactly as on the phone page.

    No account: the code is the credential. The answer carries nothing that could later identify the
    ballot in the anonymised export (no serial), so a rater cannot prove how they voted.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = BallotSerializer

    def create(self, request):
        data = BallotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            services.ballot_submit(
                code=v["code"],
                reporter_id=v["reporter"],
                grade=v["grade"],
                scores=v["scores"],
                comment=v["comment"],
            )
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"accepted": True}, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("review-sessions", SessionViewSet, basename="api-review-session")
    router.register("review-ballots", BallotViewSet, basename="api-review-ballot")
