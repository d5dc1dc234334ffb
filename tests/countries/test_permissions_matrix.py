"""Every countries page against every role: who gets the page, who is refused, and how."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from countries.models import PortfolioAssignment
from tests.factories import PortFacilityFactory, PortFactory, UserFactory

ROLES = ["psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "superuser", "anonymous"]

# Expected status per role. "ipslo" covers the country in the pages below (its portfolio);
# "other_ipslo" belongs to another node and covers another country.
EVERY_ROLE = {
    "psa1": 200,
    "lant51": 200,
    "ipslo": 200,
    "other_ipslo": 200,
    "viewer": 200,
    "norole": 403,
    "superuser": 200,
    "anonymous": 302,
}
COUNTRY_EDITORS = {
    "psa1": 403,
    "lant51": 200,
    "ipslo": 200,
    "other_ipslo": 403,
    "viewer": 403,
    "norole": 403,
    "superuser": 200,
    "anonymous": 302,
}
PORTFOLIO_READERS = {
    "psa1": 200,
    "lant51": 200,
    "ipslo": 403,
    "other_ipslo": 403,
    "viewer": 403,
    "norole": 403,
    "superuser": 200,
    "anonymous": 302,
}


@pytest.fixture
def setup(users, portfolio):
    country = portfolio["country"]
    port = PortFactory(country=country, locode=f"{country.iso2}AAA")
    facility = PortFacilityFactory(port=port, imo_number=f"{country.iso2}AAA-0001")
    all_users = {**users, "superuser": UserFactory(username="admin", is_superuser=True, is_staff=True)}
    return {"country": country, "port": port, "facility": facility, "users": all_users}


def _client_for(client, setup, role):
    if role != "anonymous":
        client.force_login(setup["users"][role])
    return client


def _assert_status(response, expected):
    assert response.status_code == expected, response.content[:500]
    if expected == 302:
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


GET_PAGES = {
    "country list": (lambda s: reverse("countries:list"), EVERY_ROLE),
    "country page": (lambda s: reverse("countries:detail", kwargs={"iso3": s["country"].iso3}), EVERY_ROLE),
    "country page, lower-case code": (
        lambda s: reverse("countries:detail", kwargs={"iso3": s["country"].iso3.lower()}),
        EVERY_ROLE,
    ),
    "edit country": (lambda s: reverse("countries:edit", kwargs={"iso3": s["country"].iso3}), COUNTRY_EDITORS),
    "add port": (lambda s: reverse("countries:port_add", kwargs={"iso3": s["country"].iso3}), COUNTRY_EDITORS),
    "edit port": (
        lambda s: reverse("countries:port_edit", kwargs={"iso3": s["country"].iso3, "locode": s["port"].locode}),
        COUNTRY_EDITORS,
    ),
    "add port facility": (
        lambda s: reverse("countries:facility_add", kwargs={"iso3": s["country"].iso3}),
        COUNTRY_EDITORS,
    ),
    "edit port facility": (
        lambda s: reverse(
            "countries:facility_edit", kwargs={"iso3": s["country"].iso3, "imo_number": s["facility"].imo_number}
        ),
        COUNTRY_EDITORS,
    ),
    "portfolios": (lambda s: reverse("countries:portfolios"), PORTFOLIO_READERS),
    "home": (lambda s: reverse("home"), {**EVERY_ROLE, "norole": 200}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(GET_PAGES))
def test_page_status_by_role(client, setup, page, role):
    url_for, expected = GET_PAGES[page]
    response = _client_for(client, setup, role).get(url_for(setup))
    _assert_status(response, expected[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["psa1", "lant51", "ipslo", "viewer"])
def test_unknown_country_is_not_found(client, setup, role):
    response = _client_for(client, setup, role).get(reverse("countries:detail", kwargs={"iso3": "QQQ"}))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lant51", "ipslo"])
def test_editing_unknown_country_or_port_is_not_found(client, setup, role):
    c = _client_for(client, setup, role)
    iso3 = setup["country"].iso3
    assert c.get(reverse("countries:edit", kwargs={"iso3": "QQQ"})).status_code == 404
    assert c.get(reverse("countries:port_edit", kwargs={"iso3": iso3, "locode": "QQQQQ"})).status_code == 404
    assert (
        c.get(reverse("countries:facility_edit", kwargs={"iso3": iso3, "imo_number": "QQQQQ-0001"})).status_code == 404
    )


# --- writes ----------------------------------------------------------------------------------

COUNTRY_WRITERS = {**COUNTRY_EDITORS, "lant51": 302, "ipslo": 302, "superuser": 302}
PORTFOLIO_MANAGERS = {
    "psa1": 403,
    "lant51": 302,
    "ipslo": 403,
    "other_ipslo": 403,
    "viewer": 403,
    "norole": 403,
    "superuser": 302,
    "anonymous": 302,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_edit_country_post_by_role(client, setup, role):
    country = setup["country"]
    url = reverse("countries:edit", kwargs={"iso3": country.iso3})
    data = {
        "version": country.updated_at.isoformat(),
        "designated_authority": "Maritime Authority of Atlantis",
        "in_scope": "on",
        "solas_contracting_government": "on",
        "node": country.node.pk,
    }
    response = _client_for(client, setup, role).post(url, data)
    country.refresh_from_db()
    if COUNTRY_WRITERS[role] == 302 and role != "anonymous":
        assert response.status_code == 302
        assert response["Location"] == country.get_absolute_url()
        assert country.designated_authority == "Maritime Authority of Atlantis"
    else:
        _assert_status(response, COUNTRY_WRITERS[role])
        assert country.designated_authority == ""


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_add_port_post_by_role(client, setup, role):
    country = setup["country"]
    url = reverse("countries:port_add", kwargs={"iso3": country.iso3})
    response = _client_for(client, setup, role).post(url, {"locode": f"{country.iso2}NEW", "name": "Newport"})
    created = country.ports.filter(locode=f"{country.iso2}NEW").exists()
    if COUNTRY_WRITERS[role] == 302 and role != "anonymous":
        assert response.status_code == 302
        assert created
    else:
        _assert_status(response, COUNTRY_WRITERS[role])
        assert not created


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_assign_post_by_role(client, setup, make_user, role):
    from ips.roles import Role

    successor = make_user("ipslo.acteur2", Role.IPSLO, "ACTEUR")
    country = setup["country"]
    response = _client_for(client, setup, role).post(
        reverse("countries:portfolio_assign"), {"assign-country": country.iso3, "assign-ipslo": successor.pk}
    )
    moved = PortfolioAssignment.objects.filter(country=country, ipslo=successor, end_date__isnull=True).exists()
    if PORTFOLIO_MANAGERS[role] == 302 and role != "anonymous":
        assert response.status_code == 302
        assert response["Location"] == reverse("countries:portfolios")
        assert moved
    else:
        _assert_status(response, PORTFOLIO_MANAGERS[role])
        assert not moved


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_end_assignment_post_by_role(client, setup, role):
    assignment = PortfolioAssignment.objects.get(country=setup["country"], end_date__isnull=True)
    response = _client_for(client, setup, role).post(reverse("countries:portfolio_end"), {"assignment": assignment.pk})
    assignment.refresh_from_db()
    if PORTFOLIO_MANAGERS[role] == 302 and role != "anonymous":
        assert response.status_code == 302
        assert assignment.end_date is not None
    else:
        _assert_status(response, PORTFOLIO_MANAGERS[role])
        assert assignment.end_date is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_handover_post_by_role(client, setup, make_user, role):
    from ips.roles import Role

    successor = make_user("ipslo.acteur2", Role.IPSLO, "ACTEUR")
    departing = setup["users"]["ipslo"]
    response = _client_for(client, setup, role).post(
        reverse("countries:portfolio_handover"),
        {"handover-from_ipslo": departing.pk, "handover-to_ipslo": successor.pk},
    )
    still_held = PortfolioAssignment.objects.filter(ipslo=departing, end_date__isnull=True).exists()
    if PORTFOLIO_MANAGERS[role] == 302 and role != "anonymous":
        assert response.status_code == 302
        assert not still_held
    else:
        _assert_status(response, PORTFOLIO_MANAGERS[role])
        assert still_held


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["countries:portfolio_assign", "countries:portfolio_end", "countries:portfolio_handover"]
)
def test_portfolio_actions_refuse_get(client, setup, url_name):
    client.force_login(setup["users"]["lant51"])
    assert client.get(reverse(url_name)).status_code == 405
