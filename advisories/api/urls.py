from django.urls import path

from advisories.api.views import AdvisoryViewSet

urlpatterns = [
    path("advisories/", AdvisoryViewSet.as_view({"get": "list"}), name="advisory-list"),
    path("advisories/<int:pk>/", AdvisoryViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="advisory-detail"),
]
