"""REST API for organisations and people: read-only, scoped to the caller, same filters as the pages."""

from __future__ import annotations

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Substr
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from dangjian.core.api import ScopedViewSetMixin

from .filters import OrganisationFilter, PersonFilter
from .models import Organisation, Person
from .serializers import OrganisationSerializer, PersonSerializer


def _with_parent_id(qs):
    """Annotate each organisation with its parent's id (one subquery on the tree path)."""
    parent = Organisation.objects.filter(
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Organisation.steplen)
    ).values("pk")[:1]
    return qs.annotate(parent_id=Subquery(parent, output_field=IntegerField()))


@extend_schema_view(
    list=extend_schema(summary="Organisations visible to the caller", tags=["orgs"]),
    retrieve=extend_schema(summary="One organisation (404 outside the caller's scope)", tags=["orgs"]),
)
class OrganisationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations in the caller's subtree, filtered like the organisation list."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return _with_parent_id(super().get_queryset()).order_by("path")


def _shown_columns() -> list[str]:
    """The person's columns PersonSerializer shows (the birth year from the date), with the branch's name."""
    columns = {f.name for f in Person._meta.concrete_fields} - {"id_cipher", "id_digest"}
    return [name for name in PersonSerializer.Meta.fields if name in columns] + ["birth_date", "org__name"]


@extend_schema_view(
    list=extend_schema(
        summary="People visible to the caller (on the roll unless status is given)", tags=["people"]
    ),
    retrieve=extend_schema(summary="One person (404 outside the caller's scope)", tags=["people"]),
)
class PersonViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """People in the caller's subtree, filtered like the member list; ID numbers masked."""

    # Only the columns the serializer shows: the ciphertext and digest never leave the database for the
    # API, and of the organisation only its name is read.
    queryset = Person.objects.select_related("org").only(*_shown_columns())
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return super().get_queryset().order_by("org__path", "name_pinyin", "pk")


def register(router) -> None:
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("people", PersonViewSet, basename="person")
