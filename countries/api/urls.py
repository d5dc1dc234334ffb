from django.urls import path, re_path

from countries.api.views import CountryStatusViewSet

urlpatterns = [
    path("countries/", CountryStatusViewSet.as_view({"get": "list"}), name="country-list"),
    path("countries/export.json", CountryStatusViewSet.as_view({"get": "export_json"}), name="country-export-json"),
    path("countries/export.csv", CountryStatusViewSet.as_view({"get": "export_csv"}), name="country-export-csv"),
    re_path(r"^countries/(?P<iso3>[A-Za-z]{3})/$", CountryStatusViewSet.as_view({"get": "retrieve"}),
            name="country-detail"),
]
