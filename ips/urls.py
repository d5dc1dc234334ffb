from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ips import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("countries/", include("countries.urls")),
    path("assessments/", include("assessments.urls")),
    path("correspondence/", include("correspondence.urls")),
    path("admin/", admin.site.urls),
]
