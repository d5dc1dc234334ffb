"""The country status document. It documents the answer's shape in the schema; the rows themselves are
built from ``.values()`` by :mod:`countries.api.selectors` (several times faster than a ModelSerializer)."""

from rest_framework import serializers

from countries.choices import ComplianceStatus, NodeCode


class CountryStatusSerializer(serializers.Serializer):
    iso2 = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    iso3 = serializers.CharField(help_text="ISO 3166-1 alpha-3 code.")
    name = serializers.CharField()
    node = serializers.ChoiceField(choices=NodeCode.choices, help_text="The operational node covering the country.")
    in_scope = serializers.BooleanField(help_text="Within the program's scope.")
    compliance_status = serializers.ChoiceField(choices=ComplianceStatus.choices)
    determination_date = serializers.DateField(allow_null=True, help_text="Effective date of the determination.")
    last_assessment_date = serializers.DateField(allow_null=True)
    next_assessment_due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField(help_text="In scope and due for reassessment before today (or never assessed).")
    psa_listed = serializers.BooleanField(help_text="Listed in the Port Security Advisory in force.")
    advisory = serializers.CharField(allow_null=True, help_text="Number of the advisory in force that lists it.")
    conditions_of_entry = serializers.BooleanField(help_text="Vessels arriving from it face conditions of entry.")
    ipslo = serializers.CharField(allow_null=True, help_text="Name of the country's portfolio IPSLO.")
    updated_at = serializers.DateTimeField()
