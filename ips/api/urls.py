"""The REST API, version 1: /api/v1/. Schema at schema/, interactive documentation at docs/."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView

from ips.api.docs import ApiDocsRedocView, ApiDocsSwaggerView
from ips.api.exceptions import error_body
from ips.api.notifications import NotificationViewSet

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", ApiDocsRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("countries.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("correspondence.api.urls")),
    path("", include("advisories.api.urls")),
    path("notifications/", NotificationViewSet.as_view({"get": "list"}), name="notification-list"),
    path("notifications/read-all/", NotificationViewSet.as_view({"post": "read_all"}), name="notification-read-all"),
    path("notifications/<int:pk>/", NotificationViewSet.as_view({"get": "retrieve"}), name="notification-detail"),
    path("notifications/<int:pk>/read/", NotificationViewSet.as_view({"post": "read"}), name="notification-read"),
]


@csrf_exempt  # changes nothing; answers every method with 404
def _not_found(request, path=""):
    """Any other address under /api/v1/ answers 404 in the API's error shape, not an HTML page."""
    return JsonResponse(error_body("There is no such resource.", "not_found"), status=404)


urlpatterns.append(re_path(r"^(?P<path>.*)$", _not_found))
