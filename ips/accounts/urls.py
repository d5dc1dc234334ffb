from django.urls import path

from ips.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/verify/", views.second_factor_verify, name="verify"),
    path("profile/", views.profile, name="profile"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("two-factor/turn-off/", views.two_factor_disable, name="two_factor_disable"),
]
