"""``manage.py seed_demo``: the demonstration data set, built on the real reference data."""

import io
from collections import Counter

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from countries.choices import AssignmentKind, NodeCode
from countries.models import Country, Port, PortFacility, PortfolioAssignment
from countries.services import country_update, portfolio_assign
from ips import permissions
from ips.demo import data
from ips.models import User
from ips.roles import Role

PASSWORD = "harbour-lights-2291"
NAMED_USERS = {
    "psa1": (Role.PSA1, None),
    "lant51": (Role.LANT51, None),
    "ipslo.acteur": (Role.IPSLO, NodeCode.ACTEUR),
    "ipslo.feact": (Role.IPSLO, NodeCode.FEACT),
    "ipslo.lant512": (Role.IPSLO, NodeCode.LANT512),
    "viewer": (Role.VIEWER, None),
}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def demo_password(settings):
    settings.DEMO_PASSWORD = PASSWORD
    return PASSWORD


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Build the demo once for this module, inside a transaction rolled back after its last test.

    Each test runs in a savepoint within it (as with ``TestCase.setUpTestData``), so what a test
    changes is undone before the next one.
    """
    with django_db_blocker.unblock(), override_settings(DEMO_PASSWORD=PASSWORD):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db, demo_password):
    return None


def snapshot() -> dict:
    return {
        "users": sorted(
            User.objects.values_list("pk", "username", "password", "first_name", "last_name", "title", "node_id")
        ),
        "assignments": sorted(
            PortfolioAssignment.objects.values_list("pk", "country_id", "ipslo_id", "kind", "start_date", "end_date")
        ),
        "countries": sorted(Country.objects.values_list("pk", "updated_at", "designated_authority")),
        "ports": sorted(Port.objects.values_list("pk", "locode", "updated_at", "is_csi_port")),
        "facilities": sorted(PortFacility.objects.values_list("pk", "imo_number", "updated_at")),
        "log_entries": LogEntry.objects.count(),
    }


def test_second_run_creates_and_changes_nothing(seeded):
    counts = {
        "users": User.objects.count(),
        "assignments": PortfolioAssignment.objects.count(),
        "ports": Port.objects.count(),
        "facilities": PortFacility.objects.count(),
        "log_entries": LogEntry.objects.count(),
    }
    before = snapshot()
    assert all(counts.values()), counts

    output = seed()

    assert {
        "users": User.objects.count(),
        "assignments": PortfolioAssignment.objects.count(),
        "ports": Port.objects.count(),
        "facilities": PortFacility.objects.count(),
        "log_entries": LogEntry.objects.count(),
    } == counts
    assert snapshot() == before
    assert "nothing to add" in output


def test_named_demo_users_hold_their_roles_and_nodes(seeded):
    for username, (role, node) in NAMED_USERS.items():
        user = User.objects.select_related("node").get(username=username)
        assert user.roles == {role}, username
        assert (user.node.code if user.node else None) == node, username
        assert user.first_name and user.last_name and user.title, username
        assert user.email.endswith("@example.gov")


def test_at_least_nine_ipslos_spread_over_the_three_nodes(seeded):
    ipslos = User.objects.filter(groups__name=Role.IPSLO).select_related("node")
    per_node = Counter(user.node.code for user in ipslos)
    assert ipslos.count() >= 9
    assert set(per_node) == set(NodeCode.values)
    assert all(count >= 3 for count in per_node.values()), per_node


def test_every_in_scope_country_has_one_current_primary_ipslo_of_its_node(seeded):
    in_scope = Country.objects.filter(in_scope=True)
    assert in_scope.count() > 150  # every ISO country is loaded, most of them coastal
    current = PortfolioAssignment.objects.filter(end_date__isnull=True, kind=AssignmentKind.PRIMARY).select_related(
        "ipslo", "country"
    )
    per_country = Counter(a.country_id for a in current)
    assert set(per_country) == set(in_scope.values_list("pk", flat=True))
    assert set(per_country.values()) == {1}
    for assignment in current:
        assert assignment.ipslo.node_id == assignment.country.node_id, assignment
        assert Role.IPSLO in assignment.ipslo.roles
        assert assignment.assigned_by.username == "lant51"


def test_portfolios_are_split_among_all_ipslos_of_each_node(seeded):
    loads = Counter(
        PortfolioAssignment.objects.filter(end_date__isnull=True).values_list("ipslo__username", flat=True)
    )
    ipslos = {spec.username for spec in data.USERS if spec.role == Role.IPSLO}
    assert set(loads) == ipslos
    for node in NodeCode.values:
        node_loads = [loads[u] for u in ipslos if User.objects.get(username=u).node.code == node]
        assert max(node_loads) - min(node_loads) <= 1, (node, node_loads)


def test_out_of_scope_countries_get_no_portfolio(seeded):
    out_of_scope = Country.objects.filter(in_scope=False)
    assert out_of_scope.exists()
    assert not PortfolioAssignment.objects.filter(country__in=out_of_scope).exists()


def test_rights_follow_the_demo_portfolios(seeded):
    ipslo = User.objects.get(username="ipslo.feact")
    mine = Country.objects.filter(assignments__ipslo=ipslo, assignments__end_date__isnull=True).first()
    other = Country.objects.exclude(assignments__ipslo=ipslo).filter(in_scope=True).first()
    assert permissions.can(ipslo, "countries.change_country", mine)
    assert not permissions.can(ipslo, "countries.change_country", other)


def test_ports_and_facilities_cover_twenty_countries_on_all_three_nodes(seeded):
    countries = Country.objects.filter(ports__facilities__isnull=False).distinct().select_related("node")
    assert countries.count() >= 20
    assert {c.node.code for c in countries} == set(NodeCode.values)

    rotterdam = Port.objects.get(locode="NLRTM")
    assert rotterdam.country.iso2 == "NL" and rotterdam.name == "Rotterdam" and rotterdam.is_csi_port
    assert 51 < rotterdam.latitude < 52 and 4 < rotterdam.longitude < 5
    assert not Port.objects.get(locode="NLAMS").is_csi_port
    numbers = list(rotterdam.facilities.order_by("imo_number").values_list("imo_number", flat=True))
    assert numbers[0] == "NLRTM-0001"
    for facility in PortFacility.objects.select_related("port"):
        assert facility.imo_number.startswith(facility.port.locode + "-")
        facility.full_clean()
    assert PortFacility.objects.filter(handles_lng=True).exists()
    assert PortFacility.objects.filter(handles_lpg=True).exists()
    assert PortFacility.objects.filter(handles_explosives=True).exists()
    assert PortFacility.objects.filter(greater_risk=True).exists()
    assert PortFacility.objects.filter(greater_risk=False).exists()


def test_demo_countries_get_contacts_and_trade_profile(seeded):
    for spec in data.COUNTRIES:
        country = Country.objects.get(iso2=spec.iso2)
        assert country.designated_authority == spec.designated_authority
        assert country.designated_authority_email.endswith("example.org")
        assert country.embassy_email.endswith("example.gov")
        assert country.embassy_contact_title == "Economic Officer"
        assert country.annual_vessel_arrivals and country.annual_cargo_tonnes and country.last_five_port_calls
        country.full_clean()


def test_demo_records_are_audited_as_made_by_lant51(seeded):
    port = Port.objects.get(locode="SGSIN")
    entry = LogEntry.objects.get_for_object(port).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor.username == "lant51"


@pytest.mark.parametrize("username", list(NAMED_USERS))
def test_demo_users_can_log_in_with_demo_password(seeded, client, username):
    assert client.login(username=username, password=PASSWORD)
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
    assert authenticate(username=username, password="not-the-demo-password") is None


def test_rerun_resets_passwords_and_keeps_what_was_changed_in_the_app(seeded, settings):
    lant51 = User.objects.get(username="lant51")
    netherlands = Country.objects.get(iso2="NL")
    current = PortfolioAssignment.objects.get(country=netherlands, end_date__isnull=True)
    successor = User.objects.filter(node=netherlands.node, groups__name=Role.IPSLO).exclude(pk=current.ipslo_id)[0]
    portfolio_assign(country=netherlands, ipslo=successor, by=lant51)
    country_update(
        country=netherlands, data={"embassy_contact": "Ms. New Officer"}, by=lant51, fields=["embassy_contact"]
    )
    User.objects.filter(username="psa1").update(first_name="Kate")
    settings.DEMO_PASSWORD = "a-new-demo-password-77"

    output = seed()

    assert "Reset the password of" in output
    assert PortfolioAssignment.objects.get(country=netherlands, end_date__isnull=True).ipslo == successor
    assert Country.objects.get(iso2="NL").embassy_contact == "Ms. New Officer"
    assert User.objects.get(username="psa1").first_name == "Kate"
    for username in NAMED_USERS:
        assert authenticate(username=username, password="a-new-demo-password-77") is not None
        assert authenticate(username=username, password=PASSWORD) is None


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("password", [None, ""])
@pytest.mark.django_db
def test_refuses_without_demo_password_and_changes_nothing(settings, debug, password):
    settings.DEBUG = debug
    settings.DEMO_PASSWORD = password
    before = snapshot()

    with pytest.raises(CommandError, match="DEMO_PASSWORD is not set"):
        seed()

    assert snapshot() == before


def test_runs_with_debug_off_when_password_is_set(seeded, settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "production-like-demo-pw-5"

    output = seed()

    assert "Reset the password of" in output
    assert authenticate(username="viewer", password="production-like-demo-pw-5") is not None
