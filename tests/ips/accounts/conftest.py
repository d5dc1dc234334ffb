"""Signing in through the real forms (never ``force_login``, which stands for a complete sign-in)."""

import pytest
from django.urls import reverse

from ips.roles import Role
from tests.two_factor import authenticator_for, code_for

PASSWORD = "correct-horse-battery"  # every factory user's password (tests/factories.py)
VERIFY = reverse("accounts:verify")
SET_UP = reverse("accounts:two_factor_setup")


def sign_in(client, username: str, password: str = PASSWORD, *, next_url: str | None = None, **extra):
    """Post the first page of signing in (username and password)."""
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data, **extra)


def enter_code(client, code: str, *, next_url: str | None = None, **extra):
    """Post the second page (the code)."""
    data = {"otp_token": code}
    if next_url is not None:
        data["next"] = next_url
    return client.post(VERIFY, data, **extra)


def sign_in_with_code(client, user, **extra):
    """Both pages, with the current code of the user's app."""
    response = sign_in(client, user.username, **extra)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY), response
    return enter_code(client, code_for(authenticator_for(user)), **extra)


@pytest.fixture
def psa1_with_app(users):
    authenticator_for(users["psa1"])
    return users["psa1"]


@pytest.fixture
def ipslo_with_app(users):
    authenticator_for(users["ipslo"])
    return users["ipslo"]


@pytest.fixture
def superuser(make_user):
    return make_user("root", Role.VIEWER, is_staff=True, is_superuser=True)
