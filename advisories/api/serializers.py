"""Shapes of the advisories over REST: the public fields only.

Nothing of the determinations, requests, escalation steps or staff behind an advisory is part of
these answers; the listed countries and their excepted facilities carry the fields of the public notice.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advisories.models import PortSecurityAdvisory


class ExemptedFacilitySerializer(serializers.Serializer):
    imo_number = serializers.CharField(allow_null=True, help_text="Null when the advisory prints "
                                                                  "'IMO number not listed'.")
    name = serializers.CharField()


class ListedCountrySerializer(serializers.Serializer):
    iso3 = serializers.CharField(help_text="ISO 3166-1 alpha-3 code.")
    iso2 = serializers.CharField()
    name = serializers.CharField()
    conditions_of_entry = serializers.BooleanField()
    effective_date = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    exempted_facilities = ExemptedFacilitySerializer(many=True)


class AdvisorySerializer(serializers.ModelSerializer):
    number = serializers.CharField(allow_blank=True, help_text="N-YY; empty for a draft revision.")
    label = serializers.CharField(help_text="PSA N-YY, or 'Draft revision #id'.")
    countries = serializers.SerializerMethodField(help_text="The countries listed, with their excepted facilities.")

    class Meta:
        model = PortSecurityAdvisory
        fields = [
            "id", "number", "label", "title", "status", "effective_date", "published_at", "superseded_at",
            "federal_register_citation", "section_a", "section_b", "section_c", "section_d", "section_e",
            "countries",
        ]

    @extend_schema_field(ListedCountrySerializer(many=True))
    def get_countries(self, advisory) -> list[dict]:
        facilities: dict[int, list[dict]] = {}
        for exemption in advisory.exemptions.all():
            facilities.setdefault(exemption.country_id, []).append(
                {"imo_number": exemption.imo_number or None, "name": exemption.name}
            )
        rows = [
            {"iso3": listing.country.iso3, "iso2": listing.country.iso2, "name": listing.country.name,
             "conditions_of_entry": listing.conditions_of_entry, "effective_date": listing.effective_date,
             "note": listing.note, "exempted_facilities": facilities.get(listing.country_id, [])}
            for listing in advisory.listings.all()
        ]
        return ListedCountrySerializer(rows, many=True).data


class DraftUpdateSerializer(serializers.ModelSerializer):
    """What PSA-1 edits in the draft revision (PATCH, with If-Match)."""

    class Meta:
        model = PortSecurityAdvisory
        fields = ["title", "effective_date", "federal_register_citation", "section_a", "section_b", "section_c",
                  "section_d", "section_e"]
