from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ips import views, views_calendar, views_notifications
from ips.accounts import views as accounts_views
from ips.dashboards import views as dashboards_views

handler403 = "ips.views.permission_denied"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("accounts/login/", accounts_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("ips.accounts.urls")),
    path("countries/", include("countries.urls")),
    path("assessments/", include("assessments.urls")),
    path("correspondence/", include("correspondence.urls")),
    path("advisories/", include("advisories.urls")),
    path("public/", include("advisories.views.public")),
    path("api/v1/", include("ips.api.urls")),
    path("api-clients/", include("ips.api.urls_clients")),
    path("admin/", admin.site.urls),
    *views_notifications.urlpatterns,
    *views_calendar.urlpatterns,
    *dashboards_views.urlpatterns,
]
