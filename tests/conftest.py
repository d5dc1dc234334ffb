import pytest
from django.conf import settings
from django.test import Client

from countries.choices import NodeCode
from ips.roles import Role
from tests.factories import CountryFactory, NodeFactory, UserFactory
from tests.two_factor import mark_signed_in


def pytest_configure(config):
    # Fast password hashing, and static files resolved by the finders (no collectstatic needed).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def force_login_is_a_complete_sign_in(monkeypatch):
    """``client.force_login(user)`` stands for signing in through both pages: the password just typed and,
    for a user who owes one (PSA-1, LANT-51, anyone with an app), a verified code. The tests of signing in
    itself go through the sign-in forms instead (tests/ips/accounts/)."""
    force_login = Client.force_login

    def signed_in(self, user, backend=None):
        force_login(self, user, backend)
        mark_signed_in(self, user)

    monkeypatch.setattr(Client, "force_login", signed_in)


@pytest.fixture
def nodes(db):
    return {code: NodeFactory(code=code) for code in NodeCode.values}


@pytest.fixture
def make_user(db, nodes):
    def make(username: str, role: str | None = None, node: str | None = None, **kwargs):
        return UserFactory(username=username, role=role, node=nodes[node] if node else None, **kwargs)

    return make


@pytest.fixture
def users(make_user):
    """One user of each role; IPSLOs at two different nodes."""
    return {
        "psa1": make_user("psa1", Role.PSA1),
        "lant51": make_user("lant51", Role.LANT51),
        "ipslo": make_user("ipslo.acteur", Role.IPSLO, NodeCode.ACTEUR),
        "other_ipslo": make_user("ipslo.feact", Role.IPSLO, NodeCode.FEACT),
        "viewer": make_user("viewer", Role.VIEWER),
        "norole": make_user("norole"),
    }


@pytest.fixture
def country(nodes):
    return CountryFactory(iso2="XA", iso3="XAX", name="Atlantis", node=nodes[NodeCode.ACTEUR])


@pytest.fixture
def other_country(nodes):
    return CountryFactory(iso2="XB", iso3="XBX", name="Borduria", node=nodes[NodeCode.FEACT])


@pytest.fixture
def portfolio(users, country, other_country):
    """The ACTEUR IPSLO covers ``country``; the FEACT IPSLO covers ``other_country``."""
    from countries.services import portfolio_assign

    portfolio_assign(country=country, ipslo=users["ipslo"], by=users["lant51"])
    portfolio_assign(country=other_country, ipslo=users["other_ipslo"], by=users["lant51"])
    return {"country": country, "other_country": other_country}
