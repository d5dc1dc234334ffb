from django.urls import path

from assessments.api.views import AssessmentViewSet, DeterminationViewSet, FindingViewSet

urlpatterns = [
    path("assessments/", AssessmentViewSet.as_view({"get": "list"}), name="assessment-list"),
    path("assessments/<int:pk>/", AssessmentViewSet.as_view({"get": "retrieve"}), name="assessment-detail"),
    path("assessments/<int:pk>/transitions/<slug:name>/", AssessmentViewSet.as_view({"post": "transition"}),
         name="assessment-transition"),
    path("findings/", FindingViewSet.as_view({"get": "list"}), name="finding-list"),
    path("findings/<int:pk>/", FindingViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="finding-detail"),
    path("determinations/", DeterminationViewSet.as_view({"get": "list", "post": "create"}),
         name="determination-list"),
    path("determinations/<int:pk>/", DeterminationViewSet.as_view({"get": "retrieve"}), name="determination-detail"),
    path("determinations/<int:pk>/approve/", DeterminationViewSet.as_view({"post": "approve"}),
         name="determination-approve"),
    path("determinations/<int:pk>/return/", DeterminationViewSet.as_view({"post": "return_"}),
         name="determination-return"),
]
