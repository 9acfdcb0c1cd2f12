"""REST API of the ledger: lists, items (same filter as the ledger page), progress and transitions.

Every route fetches through ``visible_to`` and writes through the same services as the pages,
so a move the UI refuses is refused here with the same Chinese message.
"""

from __future__ import annotations

from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSetMixin

from . import selectors, services
from .figures import FIGURES
from .filters import ApiItemFilter
from .models import Item, ItemList, Progress
from .serializers import ItemListSerializer, ItemSerializer, ProgressSerializer, TransitionSerializer


class ItemListViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lists issued by an organisation I may see."""

    queryset = ItemList.objects.select_related("org").order_by("-issued_on", "-pk")
    serializer_class = ItemListSerializer
    filterset_fields = ["status", "kind", "source"]


class ItemViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Items handed down to organisations I may see; ``POST /items/{id}/transition/`` moves one."""

    queryset = Item.objects.handed_down().select_related("org").order_by("item_list_id", "number")
    serializer_class = ItemSerializer
    filterset_class = ApiItemFilter

    @action(detail=True, methods=["get", "post"], serializer_class=TransitionSerializer)
    def transition(self, request, pk=None):
        """GET: the moves this user may try now; POST: make one (``to``, ``note``, ``version``)."""
        item = self.get_object()
        if request.method == "GET":
            moves = selectors.item_moves(item, request.user)
            return Response(
                {
                    "version": item.version,
                    "moves": [{"to": to, "label": str(rule.label)} for to, rule in moves],
                }
            )
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.item_move(
            item=item,
            to=v["to"],
            actor=request.user,
            note=v["note"],
            expected_version=v["version"],
            measures=v["measures"],
            files=request.FILES.getlist("files"),
        )
        item = self.get_queryset().get(pk=item.pk)
        return Response(ItemSerializer(item).data)


class ProgressViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Progress entries of visible items; creating one records progress through the service."""

    queryset = Progress.objects.order_by("-on", "-pk")
    serializer_class = ProgressSerializer
    filterset_fields = ["item"]

    def create(self, request, *args, **kwargs):
        from dangjian.core.scoping import get_for_user

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = get_for_user(Item, request.user, pk=request.data.get("item"))
        v = serializer.validated_data
        entry = services.progress_add(
            item=item,
            actor=request.user,
            on=v["on"],
            text=v["text"],
            percent=v["percent"],
            files=request.FILES.getlist("files"),
        )
        return Response(ProgressSerializer(entry).data, status=status.HTTP_201_CREATED)


class RollupViewSet(viewsets.ViewSet):
    """The statistics page's roll-up (``?org=``: whose children; default my top organisation).

    The same rows, figures and definitions as the page, its export and the ranking
    (``ledger.figures``), with the 合计 row and the ranking.
    """

    def list(self, request):
        root = selectors.rollup_root(request.user, request.GET.get("org"))
        rows = selectors.rollup(request.user, root) if root is not None else []
        ranked, method = selectors.ranking(request.user, root) if root is not None else ([], "")
        total = selectors.rollup_totals(rows)
        return Response(
            {
                "org": {"id": root.pk, "name": root.name} if root is not None else None,
                "figures": [
                    {"key": f.key, "label": str(f.label), "definition": str(f.definition)} for f in FIGURES
                ],
                "rows": [_figures_of(row) for row in rows],
                "total": _figures_of(total) if total is not None else None,
                "ranking": [{"rank": r.rank, "org_id": r.row.org.pk, "score": r.score} for r in ranked],
                "ranking_method": method,
            }
        )


def _figures_of(row) -> dict:
    org = {"org_id": row.org.pk, "org": row.org.name} if row.org is not None else {}
    return {**org, **{f.key: row.value(f.key) for f in FIGURES}, "by_word": row.by_word}


def register(router) -> None:
    router.register("ledger-rollup", RollupViewSet, basename="api-ledger-rollup")
    router.register("lists", ItemListViewSet, basename="api-list")
    router.register("items", ItemViewSet, basename="api-item")
    router.register("progress", ProgressViewSet, basename="api-progress")
