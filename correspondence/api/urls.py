from django.urls import path

from correspondence.api.views import LetterViewSet

urlpatterns = [
    path("letters/", LetterViewSet.as_view({"get": "list"}), name="letter-list"),
    path("letters/<int:pk>/", LetterViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="letter-detail"),
    path("letters/<int:pk>/pdf/", LetterViewSet.as_view({"get": "pdf"}), name="letter-pdf"),
]
