"""Country status, the REST clients' main contract: list, one country, and the bulk export.

Each answer carries ETag and Last-Modified; a matching If-None-Match or If-Modified-Since gets 304,
decided from one aggregate query before any body is built.
"""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from countries.api import selectors
from countries.api.filters import CountryStatusFilter
from countries.api.serializers import CountryStatusSerializer
from ips.api.conditional import is_not_modified, not_modified_response, set_validators
from ips.api.permissions import IPSPermission
from ips.api.schema import CONDITIONAL_HEADERS, NOT_MODIFIED, OBJECT_READ_ERRORS, READ_ERRORS, error

VALUE_FIELDS = (
    "pk", "iso2", "iso3", "name", "node__code", "in_scope", "compliance_status", "determination_date",
    "last_assessment_date", "next_assessment_due", "overdue", "ipslo_name", "updated_at",
)


class CountryStatusPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 300


def status_csv(rows: list[dict], *, fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


LIST_RESPONSES = {200: CountryStatusSerializer(many=True), 304: NOT_MODIFIED, 400: error("A filter is not valid."),
                  **READ_ERRORS}


@extend_schema_view(
    list=extend_schema(
        summary="Country status, paginated",
        parameters=CONDITIONAL_HEADERS,
        responses={**LIST_RESPONSES, 200: CountryStatusSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One country's status",
        description="`iso3` is the ISO 3166-1 alpha-3 code, in either case.",
        parameters=CONDITIONAL_HEADERS,
        responses={200: CountryStatusSerializer, 304: NOT_MODIFIED, **OBJECT_READ_ERRORS},
    ),
)
class CountryStatusViewSet(viewsets.GenericViewSet):
    """Reference status every role may read; API client accounts read it too."""

    permission_classes = [IPSPermission]
    permission_actions = {
        "list": "countries.view_country", "retrieve": "countries.view_country",
        "export_json": "countries.view_country", "export_csv": "countries.view_country",
    }
    object_level = False  # the status of every country is visible to every role
    serializer_class = CountryStatusSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CountryStatusFilter
    lookup_field = "iso3"
    lookup_value_regex = "[A-Za-z]{3}"

    @property
    def pagination_class(self):
        return CountryStatusPagination if getattr(self, "action", None) == "list" else None

    def perform_content_negotiation(self, request, force=False):
        if getattr(self, "action", None) == "export_csv":
            # The CSV body is written by the view whatever the Accept header; errors are JSON.
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force=force)

    def get_queryset(self):
        self.today = timezone.localdate()
        return selectors.countries_for_status(on=self.today).restrict(self.request.user, "view").order_by("name")

    def _prepare(self, request, queryset, *, variant: str):
        """The advisory listings (one query), the validators, and a 304 when the client's copy is current."""
        advisory_at = selectors.advisory_changed_at()
        validators = selectors.status_validators(
            queryset, on=self.today, advisories=request.advisory_status, advisory_at=advisory_at, variant=variant
        )
        if is_not_modified(request, etag=validators.etag, last_modified=validators.last_modified):
            return validators, not_modified_response(etag=validators.etag, last_modified=validators.last_modified)
        return validators, None

    def _filtered(self, request):
        request.advisory_status = selectors.advisory_status()
        return self.filter_queryset(self.get_queryset())

    def _documents(self, request, rows) -> list[dict]:
        return [selectors.status_document(row, advisories=request.advisory_status) for row in rows]

    def list(self, request):
        queryset = self._filtered(request)
        validators, answer = self._prepare(request, queryset, variant="list:" + request.get_full_path())
        if answer:
            return answer
        page = self.paginate_queryset(queryset.values(*VALUE_FIELDS))
        response = self.get_paginated_response(self._documents(request, page))
        return set_validators(response, etag=validators.etag, last_modified=validators.last_modified)

    def retrieve(self, request, iso3: str):
        request.advisory_status = selectors.advisory_status()
        queryset = self.get_queryset().filter(iso3=iso3.upper())
        validators, answer = self._prepare(request, queryset, variant="detail:" + iso3.upper())
        if validators.count == 0:
            raise Http404
        if answer:
            return answer
        response = Response(self._documents(request, queryset.values(*VALUE_FIELDS))[0])
        return set_validators(response, etag=validators.etag, last_modified=validators.last_modified)

    @extend_schema(
        summary="Every country's status in one JSON document (filters apply, no pagination)",
        parameters=CONDITIONAL_HEADERS,
        responses=LIST_RESPONSES,
    )
    def export_json(self, request):
        queryset = self._filtered(request)
        validators, answer = self._prepare(request, queryset, variant="json:" + request.get_full_path())
        if answer:
            return answer
        response = Response(self._documents(request, queryset.values(*VALUE_FIELDS)))
        response["Content-Disposition"] = 'inline; filename="country-status.json"'
        return set_validators(response, etag=validators.etag, last_modified=validators.last_modified)

    @extend_schema(
        summary="Every country's status as CSV (filters apply, no pagination)",
        filters=True,
        parameters=CONDITIONAL_HEADERS,
        responses={**{code: answer for code, answer in LIST_RESPONSES.items() if code != 200},
                   (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per country.")},
    )
    def export_csv(self, request):
        queryset = self._filtered(request)
        validators, answer = self._prepare(request, queryset, variant="csv:" + request.get_full_path())
        if answer:
            return answer
        documents = self._documents(request, queryset.values(*VALUE_FIELDS))
        response = HttpResponse(
            status_csv(documents, fields=list(selectors.STATUS_FIELDS)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="country-status.csv"'
        return set_validators(response, etag=validators.etag, last_modified=validators.last_modified)
