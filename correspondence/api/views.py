"""Letters over REST: the letters the user may see, and the stored PDF, with the same checks as the pages.

The querysets ask ips.permissions (``restrict``), and object rights are those of the pages through
:class:`ips.api.permissions.IPSPermission`: a letter outside the user's scope, a FOUO letter to
someone with no need to know, is a 404.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, viewsets
from rest_framework.exceptions import NotFound

from correspondence import selectors, services
from correspondence.api.serializers import LetterDetailSerializer, LetterSerializer, LetterWordingSerializer
from correspondence.choices import JobState
from ips.api.conditional import VersionedUpdateMixin
from ips.api.permissions import IPSPermission
from ips.api.schema import IF_MATCH, OBJECT_READ_ERRORS, READ_ERRORS, VERSIONED_WRITE_ERRORS


def _private_file(handle, *, filename: str) -> FileResponse:
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client that asks for ``Accept: application/pdf`` reach the download (the file is the body)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema_view(
    list=extend_schema(summary="Letters the user may see", description="FOUO letters only to those with a need "
                       "to know. Metadata only: the wording is on a letter's own resource.",
                       responses={200: LetterSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(summary="One letter", description="The ETag header names the revision of the wording; "
                           "send it back as If-Match to edit a draft.",
                           responses={200: LetterDetailSerializer, **OBJECT_READ_ERRORS}),
    partial_update=extend_schema(
        summary="Edit a draft letter's wording",
        description="Needs If-Match with the ETag of the letter as read: wording changed since by someone else "
                    "is not overwritten (412, with the current ETag). The PDF is rendered again.",
        parameters=[IF_MATCH], request=LetterWordingSerializer,
        responses={200: LetterDetailSerializer, **VERSIONED_WRITE_ERRORS},
    ),
)
class LetterViewSet(VersionedUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IPSPermission]
    permission_actions = {"pdf": "correspondence.view_letter"}
    update_serializer_class = LetterWordingSerializer

    @property
    def collection_action(self) -> str | None:
        """The list, like the letters page, needs a role; a single letter outside the scope is a 404."""
        return "correspondence.view_correspondence" if getattr(self, "action", None) == "list" else None

    def get_queryset(self):
        letters = selectors.letters_visible(user=self.request.user).order_by("-letter_date", "-id")
        if getattr(self, "action", None) == "list":
            return letters
        return letters.select_related("country__node", "assessment")

    def get_renderers(self):
        if getattr(self, "action", None) == "pdf":
            return [renderers.JSONRenderer(), PDFRenderer()]
        return super().get_renderers()

    def finalize_response(self, request, response, *args, **kwargs):
        # An error answered to a client that accepts only PDF is still the API's JSON error body.
        if not isinstance(response, FileResponse) and isinstance(getattr(request, "accepted_renderer", None),
                                                                  PDFRenderer):
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_class(self):
        return LetterSerializer if getattr(self, "action", None) == "list" else LetterDetailSerializer

    def perform_versioned_update(self, instance, data: dict, expected_version: int | None) -> None:
        services.letter_update(letter=instance, by=self.request.user, data=data, expected_revision=expected_version)

    @extend_schema(
        summary="The letter's stored PDF",
        description="The PDF as stored when it was rendered (never rendered on download); 404 while it is not ready.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
                   **OBJECT_READ_ERRORS},
    )
    def pdf(self, request, pk: int):
        letter = self.get_object()
        if not letter.pdf or letter.job_state != JobState.READY:
            raise NotFound("The letter's PDF is not ready.")
        try:
            handle = letter.pdf.open("rb")
        except FileNotFoundError as exc:
            raise NotFound("The stored PDF is missing.") from exc
        return _private_file(handle, filename=letter.download_name)
