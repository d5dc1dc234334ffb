"""Advisories over REST: published ones for every role, the draft only to PSA-1 and LANT-51, public fields only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisories import services
from countries.models import Country
from tests.api.conftest import ADVISORY_TEXTS, publish_advisory
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

ROLES = ["psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "api_client"]
SEE_DRAFTS = {"psa1", "lant51"}
ANY_ROLE = SEE_DRAFTS | {"ipslo", "other_ipslo", "viewer", "api_client"}
PUBLIC_FIELDS = {"id", "number", "label", "title", "status", "effective_date", "published_at", "superseded_at",
                 "federal_register_citation", "section_a", "section_b", "section_c", "section_d", "section_e",
                 "countries"}


@pytest.fixture
def advisories(users, country, other_country):
    published = publish_advisory(users["psa1"], [country])
    draft = services.advisory_draft_start(by=users["psa1"])
    services.advisory_listing_add(advisory=draft, by=users["psa1"], country=other_country)
    return {"published": published, "draft": draft}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_published_advisories_and_only_managers_the_draft(role_users, token_for, advisories, who):
    client = token_for(role_users[who])
    listed = client.get("/api/v1/advisories/")
    draft = client.get(f"/api/v1/advisories/{advisories['draft'].pk}/")
    published = client.get(f"/api/v1/advisories/{advisories['published'].pk}/")
    if who not in ANY_ROLE:
        assert (listed.status_code, draft.status_code, published.status_code) == (403, 403, 403)
        return
    ids = {row["id"] for row in listed.json()["results"]}
    expected = {advisories["published"].pk} | ({advisories["draft"].pk} if who in SEE_DRAFTS else set())
    assert ids == expected
    assert published.status_code == 200
    assert draft.status_code == (200 if who in SEE_DRAFTS else 404)


def test_advisory_lists_countries_and_exempted_facilities_with_public_fields_only(token_for, users, advisories,
                                                                                   country):
    draft = advisories["draft"]
    # The draft carries over the listings of the advisory in force (XAX) and adds XBX.
    services.advisory_exemption_add(advisory=draft, by=users["psa1"], country=country, imo_number="XAPOS-0001",
                                    name="North Quay Terminal")
    body = token_for(users["lant51"]).get(f"/api/v1/advisories/{draft.pk}/").json()
    assert set(body) == PUBLIC_FIELDS
    assert body["status"] == "draft" and body["number"] == ""
    by_iso3 = {row["iso3"]: row for row in body["countries"]}
    assert set(by_iso3) == {"XAX", "XBX"}
    assert by_iso3["XAX"]["exempted_facilities"] == [{"imo_number": "XAPOS-0001", "name": "North Quay Terminal"}]
    assert by_iso3["XBX"]["exempted_facilities"] == []
    assert set(by_iso3["XAX"]) == {"iso3", "iso2", "name", "conditions_of_entry", "effective_date", "note",
                                   "exempted_facilities"}
    for private in ("determination", "request", "created_by", "published_by", "facility"):
        assert private not in str(body.keys()) and private not in by_iso3["XAX"]


def test_published_advisory_shows_its_number(token_for, users, advisories):
    body = token_for(users["viewer"]).get(f"/api/v1/advisories/{advisories['published'].pk}/").json()
    assert body["status"] == "in_force" and body["label"] == advisories["published"].label
    assert [row["iso3"] for row in body["countries"]] == ["XAX"]


def test_api_client_cannot_write(token_for, role_users, advisories):
    assert token_for(role_users["api_client"]).post("/api/v1/advisories/", {}).status_code == 403


@pytest.mark.parametrize("who", ["psa1", "viewer"])
def test_list_query_count_does_not_grow_with_rows(token_for, users, advisories, who):
    client = token_for(users[who])
    client.get("/api/v1/advisories/")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/advisories/")
    draft = advisories["draft"]
    for n in range(8):
        extra = CountryFactory(name=f"Listed {n}")
        services.advisory_listing_add(advisory=draft, by=users["psa1"], country=extra)
        services.advisory_exemption_add(advisory=draft, by=users["psa1"], country=extra,
                                        imo_number=f"{extra.iso2}QAY-000{n}", name=f"Quay {n}")
    services.advisory_draft_update(advisory=draft, by=users["psa1"], data=dict(ADVISORY_TEXTS))
    services.advisory_publish(advisory=draft, by=users["psa1"])
    services.advisory_draft_start(by=users["psa1"])
    with CaptureQueriesContext(connection) as large:
        rows = client.get("/api/v1/advisories/").json()["results"]
    assert sum(len(row["countries"]) for row in rows) >= 9 + Country.objects.filter(iso3="XAX").count()
    assert len(large) == len(small)
