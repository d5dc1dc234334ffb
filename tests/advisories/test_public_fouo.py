"""Nothing FOR OFFICIAL USE ONLY reaches the public pages, the JSON document or the feed.

A marker is planted in every restricted field behind the advisory (the determinations' rationale and
decision comments, the credible report, the findings, the report, the proposal's note, the
escalation step, the separate-consideration request, an unpublished draft) and must never appear.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from advisories import services
from advisories.choices import Recommendation
from advisories.models import ListingProposal, PortSecurityAdvisory
from assessments import services as case_services
from assessments.choices import Basis, FindingMethod, Outcome, Severity
from tests.advisories.conftest import TEXTS, approve, publish_revision, receive
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401
from tests.upload_samples import simple_pdf

pytestmark = pytest.mark.django_db

MARKER = "FOUO-MARKER-7f3a"


@pytest.fixture
def planted(users, portfolio, case, leader, facility):  # noqa: F811
    """A published advisory resting on a case and a credible report, every restricted field carrying MARKER."""
    psa1, lant51, ipslo = users["psa1"], users["lant51"], users["ipslo"]
    drive_to(case, "report_drafting", users, leader=leader)
    case_services.finding_create(assessment=case, by=ipslo, data={
        "method": FindingMethod.OBSERVATION, "severity": Severity.SIGNIFICANT, "title": f"Gate {MARKER}",
        "reference": "ISPS Code A/14.2.2", "description": f"Description {MARKER}",
        "recommendation": f"Recommendation {MARKER}"})
    case_services.report_save_draft(assessment=case, by=leader, sections={
        name: f"{name} {MARKER}" for name in ("introduction", "implementation_procedures", "facilities_description",
                                              "future_plans", "conclusions")})
    case_services.assessment_transition(assessment=case, name="submit_report", by=leader)
    determination = case_services.determination_recommend(
        assessment=case, by=lant51, outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.B,
        rationale=f"Rationale {MARKER}", effective_date=timezone.localdate() - dt.timedelta(days=200))
    case_services.determination_approve(determination=determination, by=psa1, comment=f"Comment {MARKER}")
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(country=case.country), by=psa1,
                                     accept=True, note=f"Note {MARKER}")
    # The other country rests on a credible report.
    credible = approve(portfolio["other_country"], Outcome.NOT_SUBSTANTIALLY, users, rationale=f"Credible {MARKER}",
            summary=f"Summary {MARKER}", effective=timezone.localdate() - dt.timedelta(days=150))
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(country=portfolio["other_country"]),
                                     by=psa1, accept=True)
    request = receive(
        facility, lant51, rso_name=f"RSO {MARKER}", rso_qualifications=f"Qualified {MARKER}",
        rso_independence=f"Independent {MARKER}",
        plan=SimpleUploadedFile("plan.pdf", simple_pdf(f"Plan {MARKER}")),
    )
    services.separate_consideration_review(request=request, by=lant51, recommendation=Recommendation.ACCEPT,
                                           notes=f"Review {MARKER}")
    services.separate_consideration_decide(request=request, by=psa1, accept=True, reasons=f"Reasons {MARKER}")
    advisory = publish_revision(psa1)
    services.escalation_record(determination=credible, by=psa1, kind="marsec_directive",
                               federal_register_citation="91 FR 1234", issued_on=timezone.localdate(),
                               note=f"Escalation {MARKER}")
    services.advisory_correct(advisory=advisory, by=psa1, section="B", text="Corrected introduction.",
                              effective_date=timezone.localdate(), note="Correction of the introduction.")
    draft = services.advisory_draft_start(by=psa1)
    services.advisory_draft_update(advisory=draft, by=psa1, data={
        **{name: f"{text} {MARKER}" for name, text in TEXTS.items()}, "federal_register_citation": "91 FR 999"})
    return PortSecurityAdvisory.objects.get(pk=advisory.pk)


def _public_bodies(client, advisory):
    urls = [reverse("advisories_public:index"), reverse("advisories_public:json"), reverse("advisories_public:feed"),
            reverse("advisories_public:advisory", args=[advisory.number])]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
    return bodies


def test_no_restricted_field_appears_on_any_public_page(client, planted):
    bodies = _public_bodies(client, planted)
    for url, body in bodies.items():
        assert MARKER not in body, url
    # The pages do show the advisory: the listed countries and the excepted facility.
    for url in (reverse("advisories_public:index"), reverse("advisories_public:json")):
        assert "Atlantis" in bodies[url] and "Borduria" in bodies[url] and "XAPOS-0001" in bodies[url]


def test_no_restricted_field_appears_for_a_signed_in_psa1_either(client, users, planted):
    client.force_login(users["psa1"])
    for url, body in _public_bodies(client, planted).items():
        assert MARKER not in body, url
        assert "Sign out" not in body  # no staff navigation on the public pages


def test_the_staff_pages_do_show_the_restricted_fields(client, users, planted):
    """The markers are really there: the staff see them where they belong."""
    client.force_login(users["psa1"])
    request_page = client.get(reverse("advisories:request", args=[planted.exemptions.get().request_id]))
    assert MARKER in request_page.content.decode()
    assert b"FOR OFFICIAL USE ONLY" in request_page.content
