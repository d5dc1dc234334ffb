"""The case workflow over REST: cases, findings and determinations, and every workflow step.

Lists show only what the user may see (the querysets ask ips.permissions); object rights are those
of the pages, through :class:`ips.api.permissions.IPSPermission`. Every write calls a service.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assessments import services
from assessments.api.filters import AssessmentFilter, DeterminationFilter, FindingFilter
from assessments.api.serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    CommentSerializer,
    DeterminationSerializer,
    FindingSerializer,
    FindingUpdateSerializer,
    RecommendSerializer,
)
from assessments.errors import ErrorCode
from assessments.models import Assessment, ChecklistResponse, Determination, Finding, VisitFacility
from assessments.workflow import MOVES
from ips.api.conditional import VersionedUpdateMixin
from ips.api.permissions import IPSPermission
from ips.api.schema import IF_MATCH, OBJECT_READ_ERRORS, READ_ERRORS, VERSIONED_WRITE_ERRORS, WRITE_ERRORS, error
from ips.reauth import require_recent_sign_in

BARE_STEPS = sorted(name for name, move in MOVES.items() if not move.via_determination)


@extend_schema_view(
    list=extend_schema(summary="Cases the user may see", responses={200: AssessmentSerializer(many=True),
                                                                     400: error("A filter is not valid."),
                                                                     **READ_ERRORS}),
    retrieve=extend_schema(summary="One case, with its facilities and checklist responses",
                           responses={200: AssessmentDetailSerializer, **OBJECT_READ_ERRORS}),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IPSPermission]
    collection_action = "assessments.view_assessment"  # as the case list page: program staff only
    permission_actions = {"transition": "assessments.move_{name}"}
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssessmentFilter

    def get_queryset(self):
        cases = Assessment.objects.restrict(self.request.user, "view").select_related("country", "ipslo")
        facilities = Prefetch("visit_facilities", queryset=VisitFacility.objects.select_related("facility"))
        if getattr(self, "action", None) == "list":
            return cases.prefetch_related(facilities)
        responses = Prefetch("responses", queryset=ChecklistResponse.objects.select_related("item"))
        return cases.prefetch_related(facilities, responses, "team")

    def get_serializer_class(self):
        return AssessmentSerializer if getattr(self, "action", None) == "list" else AssessmentDetailSerializer

    @extend_schema(
        summary="Take a workflow step",
        description="Steps: " + ", ".join(BARE_STEPS) + ". Recommending, returning a recommendation and "
                    "approving are made through /determinations/.",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=BARE_STEPS)],
        request=CommentSerializer,
        responses={200: AssessmentDetailSerializer, **WRITE_ERRORS},
    )
    def transition(self, request, pk: int, name: str):
        if name not in MOVES:
            raise NotFound(ErrorCode.UNKNOWN_TRANSITION.label, code=ErrorCode.UNKNOWN_TRANSITION.value)
        case = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.assessment_transition(assessment=case, name=name, by=request.user,
                                       comment=body.validated_data["comment"])
        return Response(AssessmentDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)


def _findings_queryset(user):
    return (
        Finding.objects.filter(assessment__in=Assessment.objects.restrict(user, "view").values("pk"))
        .select_related("facility")
        .prefetch_related("evidence")
        .order_by("assessment_id", "number")
    )


@extend_schema_view(
    list=extend_schema(summary="Findings of the cases the user may see",
                       responses={200: FindingSerializer(many=True), 400: error("A filter is not valid."),
                                  **READ_ERRORS}),
    retrieve=extend_schema(summary="One finding with its attachments",
                           description="The ETag header names the finding's version; send it back as If-Match "
                                       "to edit it.",
                           responses={200: FindingSerializer, **OBJECT_READ_ERRORS}),
    partial_update=extend_schema(
        summary="Edit a finding's text and classification",
        description="Needs If-Match with the ETag of the finding as read: a finding changed since by someone "
                    "else is not overwritten (412, with the current ETag).",
        parameters=[IF_MATCH], request=FindingUpdateSerializer,
        responses={200: FindingSerializer, **VERSIONED_WRITE_ERRORS},
    ),
)
class FindingViewSet(VersionedUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    permission_classes = [IPSPermission]
    collection_action = "assessments.view_finding_list"  # as the findings list page
    serializer_class = FindingSerializer
    update_serializer_class = FindingUpdateSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter

    def get_queryset(self):
        return _findings_queryset(self.request.user).select_related("assessment")

    def perform_versioned_update(self, instance, data: dict, expected_version: int | None) -> None:
        services.finding_update(finding=instance, by=self.request.user, data=data, expected_version=expected_version)


@extend_schema_view(
    list=extend_schema(summary="Determinations", responses={200: DeterminationSerializer(many=True),
                                                            400: error("A filter is not valid."), **READ_ERRORS}),
    retrieve=extend_schema(summary="One determination", responses={200: DeterminationSerializer,
                                                                   **OBJECT_READ_ERRORS}),
    create=extend_schema(summary="Recommend a determination (LANT-51)", request=RecommendSerializer,
                         responses={201: DeterminationSerializer, **WRITE_ERRORS}),
)
class DeterminationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IPSPermission]
    collection_action = "assessments.view_determination"
    permission_actions = {
        "create": "assessments.recommend_determination",
        "approve": "assessments.decide_determination",
        "return_": "assessments.decide_determination",
    }
    no_object_actions = {"create"}
    serializer_class = DeterminationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeterminationFilter

    def get_queryset(self):
        return Determination.objects.restrict(self.request.user, "view").select_related(
            "country", "recommended_by", "decided_by", "assessment"
        )

    def get_serializer_class(self):
        if getattr(self, "action", None) == "create":
            return RecommendSerializer
        if getattr(self, "action", None) in {"approve", "return_"}:
            return CommentSerializer
        return DeterminationSerializer

    def _answer(self, determination, code=status.HTTP_200_OK):
        determination = self.get_queryset().get(pk=determination.pk)
        return Response(DeterminationSerializer(determination, context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request):
        body = RecommendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        determination = services.determination_recommend(
            by=request.user, outcome=data["outcome"], basis=data.get("basis", ""), rationale=data["rationale"],
            effective_date=data["effective_date"], assessment=data.get("assessment"),
            credible_report=data.get("credible_report"),
        )
        return self._answer(determination, status.HTTP_201_CREATED)

    @extend_schema(summary="Approve a recommended determination (PSA-1)", request=CommentSerializer,
                          responses={200: DeterminationSerializer, **WRITE_ERRORS})
    @method_decorator(require_recent_sign_in)
    def approve(self, request, pk: int):
        determination = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.determination_approve(determination=determination, by=request.user,
                                       comment=body.validated_data["comment"])
        return self._answer(determination)

    @extend_schema(summary="Return a recommendation to LANT-51 with a comment (PSA-1)",
                          request=CommentSerializer, responses={200: DeterminationSerializer, **WRITE_ERRORS})
    @method_decorator(require_recent_sign_in)
    def return_(self, request, pk: int):
        determination = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.determination_return(determination=determination, by=request.user,
                                      comment=body.validated_data["comment"])
        return self._answer(determination)
