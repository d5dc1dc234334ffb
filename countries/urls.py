from django.urls import path

from countries import views

app_name = "countries"

urlpatterns = [
    path("", views.country_list, name="list"),
    path("portfolios/", views.portfolios, name="portfolios"),
    path("<str:iso3>/", views.country_detail, name="detail"),
]
