"""Shapes of the workflow resources. Reads only: every write goes through assessments.services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.choices import Basis, FindingMethod, Outcome, Severity
from assessments.models import (
    Assessment,
    ChecklistResponse,
    CredibleReport,
    Determination,
    Evidence,
    Finding,
    VisitFacility,
)
from assessments.workflow import MOVES
from ips import permissions
from ips.api.fields import RecordDateField
from ips.dates import DateKind


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


class VisitFacilitySerializer(serializers.ModelSerializer):
    imo_number = serializers.CharField(source="facility.imo_number")
    name = serializers.CharField(source="facility.name")

    class Meta:
        model = VisitFacility
        fields = ["id", "imo_number", "name", "status", "visited_on", "self_assessment_received_on"]


class ChecklistResponseSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code")

    class Meta:
        model = ChecklistResponse
        fields = ["id", "item", "item_code", "visit_facility", "rating", "notes", "updated_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", help_text="ISO 3166-1 alpha-3 code.")
    country_name = serializers.CharField(source="country.name")
    ipslo = serializers.SerializerMethodField()
    facilities = VisitFacilitySerializer(source="visit_facilities", many=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "country", "country_name", "state", "state_changed_at", "ipslo", "proposed_start", "proposed_end",
            "visit_start", "visit_end", "informal_notice_on", "visit_request_sent_on", "host_confirmed_on",
            "questionnaire_received_on", "created_at", "updated_at", "facilities",
        ]

    def get_ipslo(self, case) -> str | None:
        return _name(case.ipslo)


class AssessmentDetailSerializer(AssessmentSerializer):
    checklist_responses = ChecklistResponseSerializer(source="responses", many=True)
    available_transitions = serializers.SerializerMethodField(
        help_text="The steps the requesting user may take now (POST .../transitions/{name}/)."
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "objective", "no_facility_reason", "checklist_responses",
                  "available_transitions"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, case) -> list[str]:
        user = self.context["request"].user
        return [
            move.name for move in MOVES.values()
            if case.state in move.sources and not move.via_determination
            and permissions.can(user, f"assessments.move_{move.name}", case)
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="The access-checked download (signed-in session).")

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "caption", "uploaded_at", "download_url"]

    def get_download_url(self, evidence) -> str:
        url = reverse("assessments:evidence", kwargs={"evidence_id": evidence.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class FindingSerializer(serializers.ModelSerializer):
    facility = serializers.CharField(source="facility.imo_number", allow_null=True, default=None,
                                     help_text="IMO number of the facility; null for a country-level finding.")
    attachments = EvidenceSerializer(source="evidence", many=True)

    class Meta:
        model = Finding
        fields = [
            "id", "assessment", "number", "facility", "checklist_item", "reference", "title", "description",
            "method", "rationale", "severity", "recommendation", "shared_with_host_on", "status", "carried_from",
            "created_at", "updated_at", "attachments",
        ]


class FindingUpdateSerializer(serializers.Serializer):
    """The parts of a finding the team edits (PATCH, with If-Match); the status has its own steps."""

    title = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField()
    method = serializers.ChoiceField(choices=FindingMethod.choices)
    rationale = serializers.CharField(allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    recommendation = serializers.CharField(allow_blank=True)
    shared_with_host_on = RecordDateField(kind=DateKind.HAPPENED, allow_null=True)


NEED_TO_KNOW_NOTE = "null unless you have a need to know (the case's team, the country's IPSLO, LANT-51, PSA-1)."


class DeterminationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3")
    recommended_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    rationale = serializers.CharField(read_only=True, allow_null=True,
                                      help_text=f"LANT-51's rationale; {NEED_TO_KNOW_NOTE}")
    decision_comment = serializers.CharField(read_only=True, allow_null=True,
                                             help_text=f"PSA-1's comment; {NEED_TO_KNOW_NOTE}")

    class Meta:
        model = Determination
        fields = [
            "id", "country", "source", "assessment", "credible_report", "outcome", "basis", "rationale",
            "effective_date", "state", "recommended_by", "recommended_at", "decided_by", "decided_at",
            "decision_comment",
        ]

    def to_representation(self, determination):
        data = super().to_representation(determination)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not permissions.can(user, "assessments.view_determination_rationale", determination):
            data["rationale"] = data["decision_comment"] = None
        return data

    def get_recommended_by(self, determination) -> str | None:
        return _name(determination.recommended_by)

    def get_decided_by(self, determination) -> str | None:
        return _name(determination.decided_by)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000,
                                    help_text="Required for some steps (return, postpone, cancel, deny access).")


class RecommendSerializer(serializers.Serializer):
    """A recommendation rests on exactly one case (under review, or access denied) or one credible report."""

    assessment = serializers.PrimaryKeyRelatedField(queryset=Assessment.objects.all(), required=False,
                                                    allow_null=True)
    credible_report = serializers.PrimaryKeyRelatedField(queryset=CredibleReport.objects.all(), required=False,
                                                         allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    basis = serializers.ChoiceField(choices=Basis.choices, required=False, allow_blank=True, default="")
    rationale = serializers.CharField(max_length=20000)
    effective_date = RecordDateField(kind=DateKind.PLANNED)

    def validate(self, data):
        if (data.get("assessment") is None) == (data.get("credible_report") is None):
            raise serializers.ValidationError("Give exactly one of assessment and credible_report.")
        return data
