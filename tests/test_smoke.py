import pytest
from django.urls import reverse

from ips import permissions


@pytest.mark.django_db
def test_healthz_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_portfolio_assignment_grants_object_permission(users, portfolio):
    country = portfolio["country"]
    assert permissions.can(users["ipslo"], "countries.change_country", country)
    assert not permissions.can(users["other_ipslo"], "countries.change_country", country)
    assert permissions.can(users["lant51"], "countries.change_country", country)
    assert not permissions.can(users["viewer"], "countries.change_country", country)


@pytest.mark.django_db
def test_country_list_renders(client, users, portfolio):
    client.force_login(users["viewer"])
    response = client.get(reverse("countries:list"))
    assert response.status_code == 200
