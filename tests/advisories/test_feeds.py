"""The Atom feed is valid XML with stable entry identifiers; the JSON document answers conditional requests."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from advisories import services
from advisories.models import ListingProposal
from assessments.choices import Outcome
from tests.advisories.conftest import approve, publish_revision

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client):
    response = client.get(reverse("advisories_public:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text and root.find(f"{ATOM}updated").text
    return [(entry.find(f"{ATOM}id").text, entry.find(f"{ATOM}title").text) for entry in root.findall(f"{ATOM}entry")]


@pytest.fixture
def two_revisions(users, country, other_country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    first = publish_revision(users["psa1"])
    second = publish_revision(users["psa1"], effective_date=dt.date(2026, 8, 1))
    return first, second


def test_feed_is_valid_atom_with_one_entry_per_release(client, two_revisions):
    first, second = two_revisions
    year = 2000 + first.year
    ids = [entry_id for entry_id, _ in _entries(client)]
    assert sorted(ids) == sorted([
        f"tag:uscg-ips,{year}:psa/{first.number}/release/1",
        f"tag:uscg-ips,{year}:psa/{second.number}/release/1",
    ])


def test_entry_ids_are_stable_across_fetches_and_unrelated_changes(client, users, two_revisions, other_country):
    before = _entries(client)
    assert _entries(client) == before
    approve(other_country, Outcome.NOT_SUBSTANTIALLY, users)  # a proposal, not a publication
    services.advisory_draft_start(by=users["psa1"])  # a draft is not public
    assert _entries(client) == before


def test_a_correction_adds_an_entry_and_keeps_the_others(client, users, two_revisions):
    _, second = two_revisions
    before = {entry_id for entry_id, _ in _entries(client)}
    services.advisory_correct(advisory=second, by=users["psa1"], section="A", text="Corrected background.",
                              effective_date=dt.date(2026, 10, 22), note="Correction in Section A.")
    entries = _entries(client)
    after = {entry_id for entry_id, _ in entries}
    new = after - before
    assert before < after and len(new) == 1
    assert new.pop().endswith(f"psa/{second.number}/release/2")
    assert any("administrative correction to Section A" in title for _, title in entries)


def test_an_empty_feed_is_still_valid_xml(client, db):
    assert _entries(client) == []


def test_json_answers_if_none_match_with_304_until_the_next_publication(
        client, users, two_revisions, django_capture_on_commit_callbacks):
    first = client.get(reverse("advisories_public:json"))
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    assert first.json()["advisory_in_force"]["number"] == f"PSA {two_revisions[1].number}"
    again = client.get(reverse("advisories_public:json"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        third = publish_revision(users["psa1"], effective_date=dt.date(2026, 9, 1))
    changed = client.get(reverse("advisories_public:json"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["advisory_in_force"]["number"] == f"PSA {third.number}"
    assert [row["number"] for row in changed.json()["earlier_advisories"]] == [
        f"PSA {two_revisions[1].number}", f"PSA {two_revisions[0].number}"]
