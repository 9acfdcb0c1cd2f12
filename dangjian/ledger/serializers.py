"""API shapes of lists, items and progress. Serializers parse and present; services decide."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from dangjian.core.api import ModelSerializer

from . import deadlines
from .models import Item, ItemList, Progress


class ItemListSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = ItemList
        fields = [
            "id",
            "title",
            "kind",
            "source",
            "org",
            "org_name",
            "issued_on",
            "document",
            "needs_approval",
            "status",
            "version",
        ]
        read_only_fields = fields


class ItemSerializer(ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    light = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "item_list",
            "number",
            "kind",
            "title",
            "description",
            "category",
            "source",
            "org",
            "org_name",
            "responsible_leader",
            "responsible_person",
            "supervisor_org",
            "issued_on",
            "deadline",
            "original_deadline",
            "long_term",
            "target",
            "measures",
            "percent",
            "status",
            "light",
            "closure_requested_on",
            "closed_on",
            "closed_by",
            "closed_late",
            "fixed_on_the_spot",
            "proxy_by",
            "proxy_at",
            "round",
            "remarks",
            "version",
        ]
        read_only_fields = fields

    def get_light(self, item) -> str:
        """The item's traffic light today: the queryset's annotation (``with_light``) when it has one, else
        ``deadlines.light``, its Python twin (tested against it), without compiling the SQL CASE per page."""
        annotated = item.__dict__.get("light")
        if annotated is not None:
            return annotated
        day = self.__dict__.get("_light_day")
        if day is None:
            day = self._light_day = (timezone.localdate(), deadlines.yellow_days())
        return deadlines.light(item, day[0], yellow=day[1])


class ProgressSerializer(ModelSerializer):
    class Meta:
        model = Progress
        fields = ["id", "item", "on", "text", "percent", "created_at"]
        read_only_fields = ["id", "item", "created_at"]


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Item.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    measures = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
