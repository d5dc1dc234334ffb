from django.urls import path

from ips.api import views_clients

app_name = "api_clients"

urlpatterns = [
    path("", views_clients.client_list, name="list"),
    path("<int:pk>/", views_clients.client_detail, name="detail"),
    path("<int:pk>/token/", views_clients.token_issue, name="token_issue"),
    path("<int:pk>/token/revoke/", views_clients.token_revoke, name="token_revoke"),
    path("<int:pk>/active/", views_clients.client_active, name="active"),
]
