"""LANT-51 creates API client accounts and issues and revokes their tokens; nobody else may."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ips.models import User


def api_get(key, url="/api/v1/countries/"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(url)


def test_lant51_creates_a_client_issues_a_token_shown_once_and_revokes_it(client, users, nodes):
    client.force_login(users["lant51"])
    page = client.get(reverse("api_clients:list"))
    assert page.status_code == 200 and b"<h1>API clients</h1>" in page.content
    created = client.post(reverse("api_clients:list"), {"username": "cbp-targeting", "name": "CBP targeting"})
    account = User.objects.get(username="cbp-targeting")
    assert created.status_code == 302
    assert account.is_api_client and not account.has_usable_password() and account.roles == {"Viewer"}

    issued = client.post(reverse("api_clients:token_issue", args=[account.pk]))
    key = Token.objects.get(user=account).key
    assert issued.status_code == 200 and key.encode() in issued.content
    assert issued["Cache-Control"] == "no-store"
    assert key.encode() not in client.get(reverse("api_clients:detail", args=[account.pk])).content
    assert key.encode() not in client.get(reverse("api_clients:list")).content
    assert api_get(key).status_code == 200

    client.post(reverse("api_clients:token_issue", args=[account.pk]))
    assert api_get(key).status_code == 401  # a new token replaces the old one
    new_key = Token.objects.get(user=account).key
    client.post(reverse("api_clients:token_revoke", args=[account.pk]))
    assert api_get(new_key).status_code == 401 and not Token.objects.filter(user=account).exists()


def test_client_account_cannot_sign_in_with_a_password(client, users, api_client_account):
    response = client.post(reverse("login"), {"username": api_client_account.username, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_duplicate_username_is_shown_beside_the_field(client, users, api_client_account):
    client.force_login(users["lant51"])
    response = client.post(reverse("api_clients:list"), {"username": "CBP-targeting", "name": "Again"})
    assert response.status_code == 200
    assert b"usa-form-group--error" in response.content and b"already exists" in response.content
    assert User.objects.filter(is_api_client=True).count() == 1


@pytest.mark.parametrize("role", ["psa1", "ipslo", "viewer", "norole"])
def test_only_lant51_manages_api_clients(client, users, api_client_account, role):
    client.force_login(users[role])
    assert client.get(reverse("api_clients:list")).status_code == 403
    assert client.post(reverse("api_clients:token_issue", args=[api_client_account.pk])).status_code == 403
    assert not Token.objects.filter(user=api_client_account).exists()
    nav = client.get(reverse("home")).content
    assert b"API clients" not in nav


def test_lant51_sees_the_nav_link(client, users, nodes):
    client.force_login(users["lant51"])
    assert b"API clients" in client.get(reverse("home")).content


def test_docs_and_schema_are_served_without_a_cdn(client, users, nodes):
    client.force_login(users["viewer"])
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"jsdelivr" not in docs.content and b"unpkg" not in docs.content
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "/api/v1/countries/{iso3}/" in schema.json()["paths"]
