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


MARKUP = '<script>alert("feed")</script><img src=x onerror=alert(1)> & <b>bold</b>'


def test_a_correction_note_with_markup_reaches_feed_readers_as_text(client, users, two_revisions):
    _, second = two_revisions
    services.advisory_correct(advisory=second, by=users["psa1"], section="A", text="Corrected background.",
                              effective_date=dt.date(2026, 10, 22), note=f"Fixed a typo. {MARKUP}")

    response = client.get(reverse("advisories_public:feed"))

    root = ET.fromstring(response.content)
    summaries = root.findall(f"{ATOM}entry/{ATOM}summary")
    assert summaries and {summary.get("type") for summary in summaries} == {"text"}
    correction = next(s for s in summaries if "administrative correction" in s.text)
    assert correction.text.endswith(f"Fixed a typo. {MARKUP}")  # the characters typed, read back
    assert b"<script" not in response.content and b"<img" not in response.content
    assert b"&lt;script&gt;" in response.content
    for element in root.iter():  # no text of the feed is declared HTML or XHTML
        assert element.get("type") in (None, "text") or element.tag == f"{ATOM}link"


def test_an_advisory_title_with_markup_stays_text_in_the_feed(client, users, other_country):
    approve(other_country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    publish_revision(users["psa1"], title=f"Conditions {MARKUP}")

    root = ET.fromstring(client.get(reverse("advisories_public:feed")).content)

    title = root.find(f"{ATOM}entry/{ATOM}title")
    assert title.get("type") in (None, "text") and title.text.endswith(f"Conditions {MARKUP}")


def test_control_characters_in_a_note_do_not_break_the_feed(client, users, two_revisions):
    """A vertical tab pasted from a word processor cannot be written in XML 1.0: it is left out."""
    _, second = two_revisions
    services.advisory_correct(advisory=second, by=users["psa1"], section="A", text="Corrected background.",
                              effective_date=dt.date(2026, 10, 22), note="Line one\x0bline two\x1b.")

    response = client.get(reverse("advisories_public:feed"))

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert any(s.text.endswith("Line oneline two.") for s in root.findall(f"{ATOM}entry/{ATOM}summary"))


def test_the_json_document_carries_a_note_with_markup_as_data_never_as_a_page(client, users, two_revisions):
    _, second = two_revisions
    services.advisory_correct(advisory=second, by=users["psa1"], section="A", text="Corrected background.",
                              effective_date=dt.date(2026, 10, 22), note=MARKUP)

    response = client.get(reverse("advisories_public:json"))

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"  # a browser never sniffs it into HTML
    assert response.json()["advisory_in_force"]["releases"][-1]["note"] == MARKUP
