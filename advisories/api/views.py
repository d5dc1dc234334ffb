"""Port Security Advisories over REST: published ones for every role, draft revisions to those who may see them.

The queryset asks ips.permissions (``restrict``); a draft outside the user's scope is a 404.
"""

from __future__ import annotations

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from advisories import services
from advisories.api.serializers import AdvisorySerializer, DraftUpdateSerializer
from advisories.models import AdvisoryExemption, AdvisoryListing, PortSecurityAdvisory
from ips.api.conditional import VersionedUpdateMixin
from ips.api.permissions import IPSPermission
from ips.api.schema import IF_MATCH, OBJECT_READ_ERRORS, READ_ERRORS, VERSIONED_WRITE_ERRORS

# Only the public fields of the rows behind an advisory are read.
LISTING_FIELDS = ("id", "advisory_id", "country_id", "country__iso3", "country__iso2", "country__name",
                  "conditions_of_entry", "effective_date", "note")
EXEMPTION_FIELDS = ("id", "advisory_id", "country_id", "imo_number", "name")


@extend_schema_view(
    list=extend_schema(summary="Port Security Advisories the user may see",
                       description="Published advisories (in force and superseded) for every role; the draft "
                                   "revision to PSA-1 and LANT-51 only.",
                       responses={200: AdvisorySerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(summary="One advisory", description="The ETag header names the advisory's version; "
                           "send it back as If-Match to edit the draft revision.",
                           responses={200: AdvisorySerializer, **OBJECT_READ_ERRORS}),
    partial_update=extend_schema(
        summary="Edit the draft revision's title, dates and section texts (PSA-1)",
        description="Needs If-Match with the ETag of the draft as read: a draft changed since by someone else "
                    "is not overwritten (412, with the current ETag). A published advisory is not edited here.",
        parameters=[IF_MATCH], request=DraftUpdateSerializer,
        responses={200: AdvisorySerializer, **VERSIONED_WRITE_ERRORS},
    ),
)
class AdvisoryViewSet(VersionedUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    permission_classes = [IPSPermission]
    collection_action = "advisories.view_portsecurityadvisory"
    serializer_class = AdvisorySerializer
    update_serializer_class = DraftUpdateSerializer

    def perform_versioned_update(self, instance, data: dict, expected_version: int | None) -> None:
        services.advisory_draft_update(advisory=instance, by=self.request.user, data=data,
                                       expected_version=expected_version)

    def get_queryset(self):
        listings = AdvisoryListing.objects.select_related("country").only(*LISTING_FIELDS).order_by("country__name")
        exemptions = AdvisoryExemption.objects.only(*EXEMPTION_FIELDS).order_by("name", "imo_number")
        return (
            PortSecurityAdvisory.objects.restrict(self.request.user, "view")
            .prefetch_related(Prefetch("listings", queryset=listings), Prefetch("exemptions", queryset=exemptions))
            .order_by(F("published_at").desc(nulls_first=True), "-id")  # the draft first, then newest
        )
