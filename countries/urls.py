from django.urls import path, re_path

from countries import views

app_name = "countries"

ISO3 = r"(?P<iso3>[A-Za-z]{3})"

urlpatterns = [
    path("", views.country_list, name="list"),
    path("export.<slug:fmt>", views.country_export, name="export"),
    path("portfolios/", views.portfolios, name="portfolios"),
    path("portfolios/assign/", views.portfolio_assign, name="portfolio_assign"),
    path("portfolios/end/", views.portfolio_end, name="portfolio_end"),
    path("portfolios/handover/", views.portfolio_handover, name="portfolio_handover"),
    re_path(rf"^{ISO3}/$", views.country_detail, name="detail"),
    re_path(rf"^{ISO3}/edit/$", views.country_edit, name="edit"),
    re_path(rf"^{ISO3}/ports/add/$", views.port_add, name="port_add"),
    re_path(rf"^{ISO3}/ports/(?P<locode>[A-Za-z0-9]{{5}})/edit/$", views.port_edit, name="port_edit"),
    re_path(rf"^{ISO3}/facilities/add/$", views.facility_add, name="facility_add"),
    re_path(rf"^{ISO3}/facilities/(?P<imo_number>[A-Za-z0-9-]+)/edit/$", views.facility_edit, name="facility_edit"),
]
