"""Read-only API shapes of organisations and people. A person's ID number appears only masked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.core.api import ModelSerializer

from .models import Organisation, Person


class OrganisationSerializer(ModelSerializer):
    """An organisation with its place in the tree (parent id from the annotated queryset)."""

    parent = serializers.IntegerField(
        source="parent_id",
        read_only=True,
        allow_null=True,
        help_text=_("Parent organisation id (null at the top)."),
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "parent",
            "depth",
            "kind",
            "kind_display",
            "sector",
            "sector_display",
            "unit_relation",
            "unit_name",
            "unit_kind",
            "credit_code",
            "contact_name",
            "phone",
            "founded_on",
            "committee_elected_on",
            "term_years",
            "dissolved_on",
            "dissolved_reason",
        ]
        read_only_fields = fields


class PersonSerializer(ModelSerializer):
    """A person on the roster: the 16 national items with the ID number masked (never the full number)."""

    org_name = serializers.CharField(source="org.name", read_only=True)
    id_masked = serializers.CharField(
        read_only=True, help_text=_("Citizen ID with all but the last four characters hidden.")
    )
    birth_year = serializers.IntegerField(
        source="birth_date.year",
        read_only=True,
        help_text=_("Year of birth (the full date is part of the ID number and is not given)."),
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sex",
            "ethnicity",
            "id_masked",
            "birth_year",
            "education",
            "category",
            "org",
            "org_name",
            "joined_on",
            "converted_on",
            "job",
            "phone",
            "address",
            "standing",
            "lost_contact",
            "lost_contact_on",
            "mobile",
            "mobile_destination",
            "status",
            "left_on",
        ]
        read_only_fields = fields
