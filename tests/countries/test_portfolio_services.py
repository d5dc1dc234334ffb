"""Portfolio and country writes: the rights derived from the portfolio and the history follow them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from countries import services
from countries.choices import AssignmentKind, NodeCode
from countries.models import Country, PortfolioAssignment
from ips import permissions
from ips.models import User
from ips.roles import Role
from tests.factories import CountryFactory, PortFactory


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def _changeable(user) -> set[str]:
    return set(Country.objects.restrict(_fresh(user), "change").values_list("iso3", flat=True))


@pytest.fixture
def successor(make_user):
    return make_user("ipslo.acteur2", Role.IPSLO, NodeCode.ACTEUR)


@pytest.mark.django_db
def test_reassignment_moves_change_permission_and_closes_old_assignment(users, portfolio, successor):
    country = portfolio["country"]
    on = timezone.localdate() + dt.timedelta(days=10)
    services.portfolio_assign(country=country, ipslo=successor, by=users["lant51"], on=on)
    old = PortfolioAssignment.objects.get(country=country, ipslo=users["ipslo"])
    assert old.end_date == on
    current = PortfolioAssignment.objects.get(country=country, end_date__isnull=True)
    assert (current.ipslo, current.start_date, current.assigned_by) == (successor, on, users["lant51"])
    assert not permissions.can(_fresh(users["ipslo"]), "countries.change_country", country)
    assert permissions.can(_fresh(successor), "countries.change_country", country)
    assert _changeable(users["ipslo"]) == set()
    assert _changeable(successor) == {country.iso3}


@pytest.mark.django_db
def test_reassignment_to_an_ipslo_of_another_node_changes_nothing(users, portfolio):
    country = portfolio["country"]
    with pytest.raises(ValidationError) as exc:
        services.portfolio_assign(country=country, ipslo=users["other_ipslo"], by=users["lant51"])
    assert "ipslo" in exc.value.message_dict
    assert PortfolioAssignment.objects.get(country=country, end_date__isnull=True).ipslo == users["ipslo"]
    assert permissions.can(_fresh(users["ipslo"]), "countries.change_country", country)
    assert not permissions.can(_fresh(users["other_ipslo"]), "countries.change_country", country)


@pytest.mark.django_db
def test_handover_moves_every_country_and_leaves_nothing_with_the_departing_ipslo(users, portfolio, successor, nodes):
    extra = [CountryFactory(node=nodes[NodeCode.ACTEUR]) for _ in range(3)]
    for country in extra:
        services.portfolio_assign(country=country, ipslo=users["ipslo"], by=users["lant51"])
    services.portfolio_assign(country=extra[0], ipslo=successor, by=users["lant51"], kind=AssignmentKind.ALTERNATE)
    # The successor was the alternate for one country; after the handover it is that country's primary.
    expected = {portfolio["country"].iso3, *(c.iso3 for c in extra)}

    created = services.portfolio_handover(from_ipslo=users["ipslo"], to_ipslo=successor, by=users["lant51"])

    assert {a.country.iso3 for a in created} == expected
    assert not PortfolioAssignment.objects.filter(ipslo=users["ipslo"], end_date__isnull=True).exists()
    assert _changeable(users["ipslo"]) == set()
    assert _changeable(successor) == expected
    for country in Country.objects.filter(iso3__in=expected):
        primaries = PortfolioAssignment.objects.filter(
            country=country, end_date__isnull=True, kind=AssignmentKind.PRIMARY
        )
        assert [a.ipslo for a in primaries] == [successor]
    # The other node's portfolio is untouched.
    assert _changeable(users["other_ipslo"]) == {portfolio["other_country"].iso3}


@pytest.mark.django_db
def test_handover_to_the_same_person_is_refused(users, portfolio):
    with pytest.raises(ValidationError) as exc:
        services.portfolio_handover(from_ipslo=users["ipslo"], to_ipslo=users["ipslo"], by=users["lant51"])
    assert "to_ipslo" in exc.value.message_dict
    assert PortfolioAssignment.objects.filter(ipslo=users["ipslo"], end_date__isnull=True).count() == 1


@pytest.mark.django_db
def test_handover_to_another_node_moves_nothing(users, portfolio):
    with pytest.raises(ValidationError):
        services.portfolio_handover(from_ipslo=users["ipslo"], to_ipslo=users["other_ipslo"], by=users["lant51"])
    assert _changeable(users["ipslo"]) == {portfolio["country"].iso3}
    assert _changeable(users["other_ipslo"]) == {portfolio["other_country"].iso3}


@pytest.mark.django_db
def test_ending_an_assignment_revokes_the_permission(users, portfolio):
    assignment = PortfolioAssignment.objects.get(country=portfolio["country"])
    on = timezone.localdate() + dt.timedelta(days=30)
    services.portfolio_end(assignment=assignment, by=users["lant51"], on=on)
    assignment.refresh_from_db()
    assert assignment.end_date == on
    assert _changeable(users["ipslo"]) == set()


@pytest.mark.django_db
def test_country_update_refuses_a_stale_version_and_changes_nothing(users, portfolio):
    country = portfolio["country"]
    loaded_at = country.updated_at
    services.country_update(country=country, data={"embassy_post": "First"}, fields=["embassy_post"], by=users["ipslo"])
    with pytest.raises(services.ConcurrentEditError) as exc:
        services.country_update(
            country=country,
            data={"embassy_post": "Second"},
            fields=["embassy_post"],
            by=users["lant51"],
            expected_updated_at=loaded_at,
        )
    assert exc.value.code == "concurrent_edit"
    assert exc.value.instance.embassy_post == "First"
    country.refresh_from_db()
    assert country.embassy_post == "First"


@pytest.mark.django_db
def test_country_update_with_the_current_version_saves(users, portfolio):
    country = portfolio["country"]
    country.refresh_from_db()
    updated = services.country_update(
        country=country,
        data={"embassy_post": "Now"},
        fields=["embassy_post"],
        by=users["ipslo"],
        expected_updated_at=country.updated_at,
    )
    assert updated.embassy_post == "Now"
    assert updated.updated_at > country.updated_at


@pytest.mark.django_db
def test_port_services_validate_before_writing(users, portfolio):
    country = portfolio["country"]
    PortFactory(country=country, locode="XAAAA")
    with pytest.raises(ValidationError) as exc:
        services.port_create(country=country, data={"locode": "XAAAA", "name": "Dup"}, by=users["ipslo"])
    assert "locode" in exc.value.message_dict
    port = services.port_create(country=country, data={"locode": "XAAAB", "name": "New"}, by=users["ipslo"])
    with pytest.raises(ValidationError) as exc:
        services.port_facility_create(
            port=port, data={"imo_number": "BAD", "name": "T", "facility_type": "other"}, by=users["ipslo"]
        )
    assert "imo_number" in exc.value.message_dict
    assert not port.facilities.exists()
