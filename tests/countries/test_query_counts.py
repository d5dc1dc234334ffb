"""Pages run the same number of SQL queries whatever the amount of data they show."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countries.choices import AssignmentKind, NodeCode
from countries.models import Country, PortfolioAssignment
from ips.roles import Role
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def ipslos(make_user):
    return [
        make_user(f"ipslo.{node.lower()}.{i}", Role.IPSLO, node)
        for node in (NodeCode.ACTEUR, NodeCode.FEACT, NodeCode.LANT512)
        for i in range(3)
    ]


def _grow_to(total: int, *, nodes, ipslos, assigned_by) -> None:
    """Add countries until there are ``total``, spread over the nodes; most get a primary IPSLO of
    their node, every fifth none."""
    node_codes = [NodeCode.ACTEUR, NodeCode.FEACT, NodeCode.LANT512]
    assignments = []
    for i in range(Country.objects.count(), total):
        country = CountryFactory(node=nodes[node_codes[i % 3]], in_scope=True)
        if i % 5 == 4:
            continue  # left without an IPSLO: listed as a warning on the portfolio page
        same_node = [user for user in ipslos if user.node_id == country.node_id]
        assignments.append(
            PortfolioAssignment(
                country=country,
                ipslo=same_node[i % len(same_node)],
                kind=AssignmentKind.PRIMARY,
                start_date=dt.date(2025, 1, 1),
                assigned_by=assigned_by,
            )
        )
    PortfolioAssignment.objects.bulk_create(assignments)


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"sort": "-ipslo", "in_scope": "yes"}, {"node": NodeCode.ACTEUR, "q": "land"}])
def test_country_list_queries_do_not_grow_with_rows(client, users, nodes, ipslos, params):
    client.force_login(users["viewer"])
    url = reverse("countries:list")
    _grow_to(10, nodes=nodes, ipslos=ipslos, assigned_by=users["lant51"])
    client.get(url)  # warm caches (content types, session)
    small = _count_queries(client, url, params)
    _grow_to(200, nodes=nodes, ipslos=ipslos, assigned_by=users["lant51"])
    large = _count_queries(client, url, params)
    assert small == large


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lant51", "psa1"])
def test_portfolio_page_queries_do_not_grow_with_countries(client, users, nodes, ipslos, role):
    client.force_login(users[role])
    url = reverse("countries:portfolios")
    _grow_to(10, nodes=nodes, ipslos=ipslos, assigned_by=users["lant51"])
    client.get(url)
    small = _count_queries(client, url)
    _grow_to(200, nodes=nodes, ipslos=ipslos, assigned_by=users["lant51"])
    response = client.get(url)
    assert len(response.context["overview"].unassigned) > 10
    large = _count_queries(client, url)
    assert small == large


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ipslo", "viewer", "psa1"])
def test_country_page_queries_do_not_grow_with_ports_and_facilities(client, users, portfolio, role):
    country = portfolio["country"]
    client.force_login(users[role])
    url = reverse("countries:detail", kwargs={"iso3": country.iso3})
    first_port = PortFactory(country=country)
    PortFacilityFactory(port=first_port)
    client.get(url)
    one = _count_queries(client, url)
    ports = [first_port, *PortFactory.create_batch(4, country=country)]
    for i in range(29):
        PortFacilityFactory(port=ports[i % len(ports)], handles_lpg=bool(i % 2), greater_risk=bool(i % 3))
    response = client.get(url)
    assert len(response.context["facilities"]) == 30
    thirty = _count_queries(client, url)
    assert one == thirty
