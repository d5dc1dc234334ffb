"""From an approved determination to the public notice: listing, then delisting."""

import datetime as dt

import pytest
from django.urls import reverse

from advisories import selectors, services
from advisories.choices import AdvisoryStatus, ProposalKind, ProposalState
from advisories.errors import AdvisoryError, ErrorCode
from advisories.models import ListingProposal, PortSecurityAdvisory
from assessments.choices import Outcome
from ips import permissions
from tests.advisories.conftest import TEXTS, approve, publish_revision

pytestmark = pytest.mark.django_db


def _public_countries(client):
    document = client.get(reverse("advisories_public:json")).json()
    advisory = document["advisory_in_force"]
    return {c["iso3"]: c for c in advisory["countries"]} if advisory else {}


def test_listing_then_delisting_end_to_end(client, users, country, django_capture_on_commit_callbacks):
    psa1 = users["psa1"]
    assert _public_countries(client) == {}

    nsi = approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    proposal = ListingProposal.objects.get(country=country)
    assert (proposal.kind, proposal.state, proposal.determination_id) == (ProposalKind.LIST, ProposalState.OPEN,
                                                                          nsi.pk)
    services.listing_proposal_decide(proposal=proposal, by=psa1, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_revision(psa1)
    listed = _public_countries(client)
    assert set(listed) == {"XAX"}
    assert listed["XAX"]["iso2"] == "XA" and listed["XAX"]["conditions_of_entry"] is True
    assert first.listings.get().determination_id == nsi.pk

    better = approve(country, Outcome.SUBSTANTIALLY, users, effective=dt.date(2026, 10, 1))
    delist = ListingProposal.objects.get(country=country, kind=ProposalKind.DELIST)
    assert delist.state == ProposalState.OPEN and delist.determination_id == better.pk
    services.listing_proposal_decide(proposal=delist, by=psa1, accept=True)
    assert set(_public_countries(client)) == {"XAX"}  # still listed until the next revision is published
    with django_capture_on_commit_callbacks(execute=True):
        second = publish_revision(psa1)
    assert _public_countries(client) == {}
    first.refresh_from_db()
    assert first.status == AdvisoryStatus.SUPERSEDED and second.status == AdvisoryStatus.IN_FORCE
    assert second.supersedes_id == first.pk
    assert (first.sequence, second.sequence) == (1, 2) and first.year == second.year


def test_minimally_implementing_also_proposes_removal(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    publish_revision(users["psa1"])
    approve(country, Outcome.MINIMALLY, users, effective=dt.date(2026, 10, 1))
    assert ListingProposal.objects.filter(country=country, kind=ProposalKind.DELIST, state=ProposalState.OPEN).exists()


def test_no_second_listing_proposal_while_one_is_pending_or_the_country_is_listed(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=dt.date(2026, 7, 1))
    assert ListingProposal.objects.filter(country=country).count() == 1
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    publish_revision(users["psa1"])
    approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=dt.date(2026, 8, 1))
    assert ListingProposal.objects.filter(country=country).count() == 1


def test_substantially_implementing_for_an_unlisted_country_raises_nothing(users, country):
    approve(country, Outcome.SUBSTANTIALLY, users)
    assert not ListingProposal.objects.exists()


def test_a_better_determination_dismisses_the_open_listing_proposal(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    approve(country, Outcome.SUBSTANTIALLY, users, effective=dt.date(2026, 9, 1))
    proposal = ListingProposal.objects.get()
    assert proposal.state == ProposalState.DISMISSED and "Overtaken" in proposal.decision_note
    assert not ListingProposal.objects.filter(state=ProposalState.OPEN).exists()


def test_an_older_determination_approved_late_raises_nothing(users, country):
    approve(country, Outcome.SUBSTANTIALLY, users, effective=dt.date(2026, 9, 1))
    approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=dt.date(2026, 1, 1))
    assert not ListingProposal.objects.exists()


def test_dismissing_needs_a_note_and_changes_nothing_without_one(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    proposal = ListingProposal.objects.get()
    with pytest.raises(Exception) as refused:
        services.listing_proposal_decide(proposal=proposal, by=users["psa1"], accept=False, note="  ")
    assert "note" in refused.value.message_dict
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN


def test_a_dismissed_proposal_never_reaches_the_revision(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=False,
                                     note="Mitigation under way.")
    advisory = publish_revision(users["psa1"])
    assert not advisory.listings.exists()


def test_only_psa1_decides_proposals(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    proposal = ListingProposal.objects.get()
    for who in ("lant51", "ipslo", "viewer"):
        with pytest.raises(permissions.Refused) as refused:
            services.listing_proposal_decide(proposal=proposal, by=users[who], accept=True)
        assert refused.value.code == permissions.Reason.ROLE_REQUIRED
    assert ListingProposal.objects.get().state == ProposalState.OPEN


def test_draft_takes_up_proposals_accepted_after_it_was_started(users, country, other_country):
    psa1 = users["psa1"]
    draft = services.advisory_draft_start(by=psa1)
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=psa1, accept=True)
    assert not draft.listings.exists()
    counts = services.advisory_draft_apply(advisory=draft, by=psa1)
    assert counts["listed"] == 1 and list(draft.listings.values_list("country__iso3", flat=True)) == ["XAX"]
    assert services.advisory_draft_apply(advisory=draft, by=psa1)["listed"] == 0


def test_a_second_draft_is_refused_while_one_exists(users):
    services.advisory_draft_start(by=users["psa1"])
    with pytest.raises(AdvisoryError) as refused:
        services.advisory_draft_start(by=users["psa1"])
    assert refused.value.error_code == ErrorCode.DRAFT_EXISTS
    assert PortSecurityAdvisory.objects.count() == 1


def test_publishing_an_incomplete_draft_says_what_is_missing_and_changes_nothing(users):
    draft = services.advisory_draft_start(by=users["psa1"])
    with pytest.raises(Exception) as refused:
        services.advisory_publish(advisory=draft, by=users["psa1"])
    assert {"effective_date", "section_a", "section_c", "section_d"} <= set(refused.value.message_dict)
    draft.refresh_from_db()
    assert draft.status == AdvisoryStatus.DRAFT and draft.sequence is None


def test_correction_keeps_the_number_and_records_the_release(users, country, django_capture_on_commit_callbacks):
    psa1 = users["psa1"]
    advisory = publish_revision(psa1)
    with django_capture_on_commit_callbacks(execute=True):
        release = services.advisory_correct(
            advisory=advisory, by=psa1, section="A", text="Corrected background.",
            effective_date=dt.date(2026, 10, 22), note="Administrative correction in Section A.")
    advisory.refresh_from_db()
    assert release.number == 2 and release.previous_text == TEXTS["section_a"] and release.section == "A"
    assert advisory.section_a == "Corrected background." and advisory.section_c.startswith("Apply Security Level 2")
    assert (advisory.sequence, advisory.status) == (1, AdvisoryStatus.IN_FORCE)
    assert selectors.public_document()["advisory_in_force"]["release"] == 2


def test_correction_refuses_the_same_text_and_a_superseded_advisory(users):
    psa1 = users["psa1"]
    first = publish_revision(psa1)
    with pytest.raises(AdvisoryError) as same:
        services.advisory_correct(advisory=first, by=psa1, section="C", text=first.section_c,
                                  effective_date=dt.date(2026, 10, 1), note="No change.")
    assert same.value.error_code == ErrorCode.NO_CHANGE
    publish_revision(psa1)
    with pytest.raises(AdvisoryError) as old:
        services.advisory_correct(advisory=first, by=psa1, section="A", text="New.",
                                  effective_date=dt.date(2026, 10, 1), note="Fix.")
    assert old.value.error_code == ErrorCode.NOT_IN_FORCE
    assert first.releases.count() == 1


def test_country_advisory_status_takes_one_query(users, country, other_country, django_assert_num_queries):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    advisory = publish_revision(users["psa1"])
    with django_assert_num_queries(1):
        status = selectors.country_advisory_status()
    assert status == {country.pk: (f"PSA {advisory.number}", True)}
