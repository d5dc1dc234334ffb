"""Pieces of the OpenAPI description shared by the API's views."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="A stable code, e.g. not_allowed_from_state or precondition_failed.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field; non_field_errors for the request as a whole.",
    )


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


READ_ERRORS = {
    401: error("No credentials, or a token that is not valid."),
    403: error("The account may not do this."),
    429: error("Too many requests; see Retry-After."),
}
OBJECT_READ_ERRORS = {**READ_ERRORS, 404: error("No such record, or none the account may see.")}
WRITE_ERRORS = {
    **OBJECT_READ_ERRORS,
    400: error("Bad input, a comment is missing, or the conditions of the step are not met (listed in errors)."),
    409: error("Not possible from the record's current state."),
}
NOT_MODIFIED = OpenApiResponse(description="Not modified: the copy named by If-None-Match or If-Modified-Since is "
                                           "current. No body.")

CONDITIONAL_HEADERS = [
    OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                     description="An ETag from an earlier answer; 304 if it is still current."),
    OpenApiParameter("If-Modified-Since", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                     description="An HTTP date; 304 if nothing changed since then."),
]

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The ETag of the record as you read it (GET it first), e.g. W/\"3\"; * overwrites whatever "
                "is saved now. Compared on the version, with or without W/.",
)
VERSIONED_WRITE_ERRORS = {
    **OBJECT_READ_ERRORS,
    400: error("Bad input (listed in errors), or a step not possible from the record's state."),
    412: error("The record changed since the version named by If-Match (code concurrent_edit): the detail "
               "names who changed it and when, the ETag header is the current one. Nothing was saved."),
    428: error("If-Match is missing (code if_match_required). Nothing was saved."),
}
