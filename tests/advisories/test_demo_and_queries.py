"""The demo step on its own, and constant query counts of the lists and public documents."""

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advisories import services
from advisories.choices import AdvisoryStatus, ProposalState, RequestState
from advisories.models import ListingProposal, PortSecurityAdvisory, SeparateConsiderationRequest
from assessments.choices import Outcome
from ips.demo.advisories import seed_advisories
from tests.advisories.conftest import TEXTS, approve
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(users, nodes):
    today = timezone.localdate()
    found = {}
    for iso2, iso3, name, days in [("NG", "NGA", "Nigeria", 900), ("JM", "JAM", "Jamaica", 300),
                                                  ("DO", "DOM", "Dominican Republic", 120)]:
        country = CountryFactory(iso2=iso2, iso3=iso3, name=name)
        approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=today - dt.timedelta(days=days))
        found[iso2] = country
    CountryFactory(iso2="CM", iso3="CMR", name="Cameroon")
    PortFacilityFactory(port=PortFactory(country=found["NG"], locode="NGLOS"), imo_number="NGLOS-0003",
                        name="Atlas Cove Jetty")
    PortFacilityFactory(port=PortFactory(country=found["JM"], locode="JMKIN"), imo_number="JMKIN-0001",
                        name="Kingston Freeport Terminal")
    return SimpleNamespace(users={"psa1": users["psa1"], "lant51": users["lant51"]}, today=today, created=Counter())


def test_demo_step_builds_an_advisory_in_force_and_an_earlier_one_and_is_idempotent(demo_world):
    seed_advisories(demo_world)
    in_force = PortSecurityAdvisory.objects.get(status=AdvisoryStatus.IN_FORCE)
    earlier = PortSecurityAdvisory.objects.get(status=AdvisoryStatus.SUPERSEDED)
    assert in_force.supersedes_id == earlier.pk and earlier.published_at < in_force.published_at
    assert set(in_force.listings.values_list("country__iso2", flat=True)) == {"CM", "NG", "JM"}
    assert set(earlier.listings.values_list("country__iso2", flat=True)) == {"CM", "NG"}
    assert {"CM394-0001", "NGLOS-0003"} <= set(in_force.exemptions.values_list("imo_number", flat=True))
    assert "NGLOS-0003" not in set(earlier.exemptions.values_list("imo_number", flat=True))
    assert in_force.releases.count() == 2 and in_force.section_c and in_force.section_d
    assert ListingProposal.objects.get(state=ProposalState.OPEN).country.iso2 == "DO"
    assert SeparateConsiderationRequest.objects.get(state=RequestState.UNDER_REVIEW).facility.imo_number == \
        "JMKIN-0001"

    counts = (PortSecurityAdvisory.objects.count(), ListingProposal.objects.count(),
              SeparateConsiderationRequest.objects.count())
    seed_advisories(demo_world)
    assert (PortSecurityAdvisory.objects.count(), ListingProposal.objects.count(),
            SeparateConsiderationRequest.objects.count()) == counts


def _grow(users, n):
    """``n`` more countries listed through proposals, each with an excepted facility, in a new revision."""
    psa1 = users["psa1"]
    new = [CountryFactory() for _ in range(n)]
    for country in new:
        approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    for proposal in ListingProposal.objects.filter(state=ProposalState.OPEN):
        services.listing_proposal_decide(proposal=proposal, by=psa1, accept=True)
    draft = services.advisory_draft_start(by=psa1)
    for index, country in enumerate(new):
        services.advisory_exemption_add(advisory=draft, by=psa1, country=country,
                                        imo_number=f"{country.iso2}T{index:02d}-0001", name=f"Terminal {index}")
    services.advisory_draft_update(advisory=draft, by=psa1, data={**TEXTS, "effective_date": dt.date(2026, 7, 1)})
    return services.advisory_publish(advisory=draft, by=psa1)


def _count(client, url, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name,staff", [
    ("advisories_public:index", False), ("advisories_public:json", False), ("advisories_public:feed", False),
    ("advisories:list", True), ("advisories:proposals", True),
])
def test_query_count_does_not_grow_with_the_data(client, users, url_name, staff):
    from django.core.cache import cache

    _grow(users, 1)
    user = users["psa1"] if staff else None
    small = _count(client, reverse(url_name), user)
    _grow(users, 4)
    _grow(users, 2)
    cache.clear()
    assert _count(client, reverse(url_name), user) == small
