"""The country status contract: fields, filters, ordering, pagination, ETag/304, exports."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from advisories.constants import NUMBER_PREFIX
from advisories.models.advisory import format_number
from assessments.scheduling import due_status
from countries.choices import ComplianceStatus, NodeCode
from countries.models import Country
from tests.api.conftest import publish_advisory
from tests.factories import CountryFactory

CONTRACT = {
    "iso2", "iso3", "name", "node", "in_scope", "compliance_status", "determination_date", "last_assessment_date",
    "next_assessment_due", "overdue", "psa_listed", "advisory", "conditions_of_entry", "ipslo", "updated_at",
}
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(nodes, portfolio, users):
    """Atlantis (ACTEUR, IPSLO, due later), Borduria (FEACT, overdue), and four more."""
    country, other = portfolio["country"], portfolio["other_country"]
    Country.objects.filter(pk=country.pk).update(
        next_assessment_due=dt.date(2028, 1, 1), compliance_status=ComplianceStatus.SUBSTANTIALLY,
        determination_date=dt.date(2025, 1, 1), last_assessment_date=dt.date(2024, 12, 1),
    )
    Country.objects.filter(pk=other.pk).update(
        next_assessment_due=dt.date(2026, 1, 1), compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY
    )
    extra = [
        CountryFactory(iso2="XC", iso3="XCX", name="Carpathia", node=nodes[NodeCode.LANT512],
                       next_assessment_due=dt.date(2026, 11, 23)),
        CountryFactory(iso2="XD", iso3="XDX", name="Duchy", node=nodes[NodeCode.ACTEUR], next_assessment_due=None),
        CountryFactory(iso2="XE", iso3="XEX", name="Elbonia", node=nodes[NodeCode.FEACT], in_scope=False,
                       next_assessment_due=dt.date(2020, 1, 1)),
        CountryFactory(iso2="XF", iso3="XFX", name="Freedonia", node=nodes[NodeCode.ACTEUR],
                       next_assessment_due=dt.date(2026, 11, 22)),
    ]
    return {"country": country, "other": other, "extra": extra}


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_list_answers_exactly_the_contract_fields_and_no_fouo_text(world, token_for, users):
    response = token_for(users["viewer"]).get("/api/v1/countries/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert all(set(row) == CONTRACT for row in body["results"])
    atlantis = next(row for row in body["results"] if row["iso3"] == "XAX")
    assert atlantis["ipslo"] == users["ipslo"].get_full_name()
    assert atlantis["node"] == "ACTEUR"
    assert atlantis["compliance_status"] == "substantially_implementing"
    assert atlantis["determination_date"] == "2025-01-01"
    assert atlantis["psa_listed"] is False and atlantis["advisory"] is None
    assert "rationale" not in response.content.decode()


def test_overdue_matches_the_scheduling_rule_for_every_country(world, token_for, users):
    rows = token_for(users["viewer"]).get("/api/v1/countries/").json()["results"]
    by_iso3 = {c.iso3: c for c in Country.objects.all()}
    for row in rows:
        expected = due_status(country=by_iso3[row["iso3"]], on=TODAY).code == "overdue"
        assert row["overdue"] is expected, row["iso3"]
    assert {row["iso3"] for row in rows if row["overdue"]} == {"XBX", "XDX", "XFX"}


def test_pagination_pages_through_every_country(world, token_for, users):
    client = token_for(users["viewer"])
    first = client.get("/api/v1/countries/?page_size=4").json()
    second = client.get(first["next"]).json()
    assert first["count"] == 6 and len(first["results"]) == 4 and len(second["results"]) == 2
    assert second["next"] is None
    seen = [r["iso3"] for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted(Country.objects.values_list("iso3", flat=True))


@pytest.mark.parametrize(("query", "expected"), [
    ("node=ACTEUR", ["Atlantis", "Duchy", "Freedonia"]),
    ("node=FEACT", ["Borduria", "Elbonia"]),
    ("compliance_status=not_substantially_implementing", ["Borduria"]),
    ("compliance_status=undetermined", ["Carpathia", "Duchy", "Elbonia", "Freedonia"]),
    ("overdue=true", ["Borduria", "Duchy", "Freedonia"]),
    ("overdue=false", ["Atlantis", "Carpathia", "Elbonia"]),
    ("ordering=-name", ["Freedonia", "Elbonia", "Duchy", "Carpathia", "Borduria", "Atlantis"]),
    ("ordering=next_assessment_due&overdue=true", ["Borduria", "Freedonia", "Duchy"]),
    ("ordering=iso3&node=ACTEUR", ["Atlantis", "Duchy", "Freedonia"]),
])
def test_each_filter_and_ordering(world, token_for, users, query, expected):
    response = token_for(users["viewer"]).get(f"/api/v1/countries/?{query}")
    assert response.status_code == 200
    got = names(response)
    assert got == expected if "ordering" in query else sorted(got) == expected


def test_updated_since_filter(world, token_for, users):
    later = timezone.now() + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        world["extra"][0].save()  # Carpathia changes an hour later
    since = (timezone.now() + dt.timedelta(minutes=30)).isoformat()
    response = token_for(users["viewer"]).get("/api/v1/countries/", {"updated_since": since})
    assert names(response) == ["Carpathia"]


def test_psa_listed_filter_and_advisory_fields(world, token_for, users):
    advisory = publish_advisory(users["psa1"], [world["other"]])
    client = token_for(users["viewer"])
    listed = client.get("/api/v1/countries/?psa_listed=true").json()["results"]
    assert [row["iso3"] for row in listed] == ["XBX"]
    assert listed[0]["psa_listed"] is True
    assert listed[0]["advisory"] == f"{NUMBER_PREFIX} {format_number(advisory.sequence, advisory.year)}"
    listing = advisory.listings.get(country=world["other"])
    assert listed[0]["conditions_of_entry"] is listing.conditions_of_entry
    not_listed = names(client.get("/api/v1/countries/?psa_listed=false"))
    assert "Borduria" not in not_listed and len(not_listed) == 5


@pytest.mark.parametrize("query", ["node=NOWHERE", "compliance_status=great", "overdue=perhaps",
                                   "updated_since=yesterday", "updated_since=0265-02-26T21:34:52-20:09",
                                   "ordering=rationale", "page=99"])
def test_bad_query_gets_400_or_404_in_the_error_shape(world, token_for, users, query):
    response = token_for(users["viewer"]).get(f"/api/v1/countries/?{query}")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    if query == "page=99":
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        assert query.split("=")[0] in body["errors"]


def test_detail_is_case_insensitive_and_unknown_code_is_404(world, token_for, users):
    client = token_for(users["viewer"])
    for code in ("XAX", "xax", "XaX"):
        response = client.get(f"/api/v1/countries/{code}/")
        assert response.status_code == 200
        assert response.json()["iso3"] == "XAX" and set(response.json()) == CONTRACT
    missing = client.get("/api/v1/countries/QQQ/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize("url", ["/api/v1/countries/", "/api/v1/countries/XAX/", "/api/v1/countries/export.json",
                                 "/api/v1/countries/export.csv"])
def test_etag_and_last_modified_give_304_without_a_body(world, token_for, users, url):
    client = token_for(users["viewer"])
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304 and since.content == b""
    # A change to a country in the answer makes both validators stale.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        Country.objects.get(iso3="XAX").save()
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_304_is_decided_without_reading_the_rows(world, token_for, users):
    client = token_for(users["viewer"])
    etag = client.get("/api/v1/countries/").headers["ETag"]
    with CaptureQueriesContext(connection) as full:
        client.get("/api/v1/countries/")
    with CaptureQueriesContext(connection) as conditional:
        assert client.get("/api/v1/countries/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(conditional) < len(full)
    assert not any('"countries_country"."iso2"' in q["sql"] and "LIMIT" in q["sql"] for q in conditional)


def test_other_filters_give_another_etag(world, token_for, users):
    client = token_for(users["viewer"])
    assert client.get("/api/v1/countries/").headers["ETag"] != client.get("/api/v1/countries/?node=FEACT")["ETag"]


def test_if_modified_since_in_the_past_gets_the_body(world, token_for, users):
    response = token_for(users["viewer"]).get(
        "/api/v1/countries/", HTTP_IF_MODIFIED_SINCE=http_date((timezone.now() - dt.timedelta(days=2)).timestamp())
    )
    assert response.status_code == 200


def test_an_advisory_change_makes_the_etag_stale(world, token_for, users):
    client = token_for(users["viewer"])
    etag = client.get("/api/v1/countries/XBX/")["ETag"]
    publish_advisory(users["psa1"], [world["other"]])
    response = client.get("/api/v1/countries/XBX/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["psa_listed"] is True


def test_exports_hold_every_country_in_json_and_csv(world, token_for, users):
    client = token_for(users["viewer"])
    as_json = client.get("/api/v1/countries/export.json")
    assert as_json.status_code == 200
    assert len(as_json.json()) == 6 and all(set(row) == CONTRACT for row in as_json.json())
    as_csv = client.get("/api/v1/countries/export.csv")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert len(rows) == 6 and set(rows[0]) == CONTRACT
    assert {r["iso3"]: r["overdue"] for r in rows}["XBX"] == "True"
    filtered = client.get("/api/v1/countries/export.csv?node=FEACT", HTTP_ACCEPT="text/csv")
    assert filtered.status_code == 200 and len(list(csv.DictReader(io.StringIO(filtered.content.decode())))) == 2


def test_list_query_count_does_not_grow_with_rows(world, token_for, users):
    client = token_for(users["viewer"])
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/countries/")
    for n in range(30):
        CountryFactory(name=f"More {n}")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/countries/").json()["count"] == 36
    assert len(large) == len(small)
