"""Separate consideration: uploads checked by content, LANT-51 reviews, PSA-1 decides, and an accepted
facility is excepted only once decided and only from the next revision."""

import datetime as dt
import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from advisories import selectors, services
from advisories.choices import Recommendation, RequestState
from advisories.errors import AdvisoryError, ErrorCode
from advisories.models import ListingProposal, SeparateConsiderationRequest
from assessments.choices import Outcome
from correspondence.choices import LetterKind
from ips import permissions
from tests.advisories.conftest import approve, pdf_upload, publish_revision, receive
from tests.upload_samples import (
    pdf_with_annotation_javascript,
    pdf_with_embedded_file,
    post_multipart,
    simple_pdf,
    weasyprint_pdf,
)

pytestmark = pytest.mark.django_db


def _public_facilities():
    advisory = selectors.public_document()["advisory_in_force"]
    return {f["imo_number"] for c in advisory["countries"] for f in c["exempted_facilities"]} if advisory else set()


@pytest.fixture
def listed(users, country):
    approve(country, Outcome.NOT_SUBSTANTIALLY, users)
    services.listing_proposal_decide(proposal=ListingProposal.objects.get(), by=users["psa1"], accept=True)
    return publish_revision(users["psa1"])


def test_exemption_appears_only_after_the_decision_and_the_next_revision(users, listed, facility):
    request = receive(facility, users["lant51"])
    publish_revision(users["psa1"])  # a revision before the decision does not except the facility
    assert "XAPOS-0001" not in _public_facilities()
    services.separate_consideration_review(request=request, by=users["lant51"], recommendation=Recommendation.ACCEPT,
                                           notes="Plan and verification are sound.")
    publish_revision(users["psa1"])  # reviewed, not decided: still not excepted
    assert "XAPOS-0001" not in _public_facilities()
    services.separate_consideration_decide(request=request, by=users["psa1"], accept=True, reasons="Acceptable.")
    assert "XAPOS-0001" not in _public_facilities()  # decided, but no new revision yet
    advisory = publish_revision(users["psa1"])
    assert _public_facilities() == {"XAPOS-0001"}
    assert advisory.exemptions.get().request_id == request.pk


def test_a_refused_request_never_exempts(users, listed, facility):
    request = receive(facility, users["lant51"])
    services.separate_consideration_review(request=request, by=users["lant51"], recommendation=Recommendation.REFUSE,
                                           notes="The RSO wrote the plan it verified.")
    services.separate_consideration_decide(request=request, by=users["psa1"], accept=False,
                                           reasons="Not independently verified.")
    publish_revision(users["psa1"])
    assert _public_facilities() == set()


def test_psa1_decides_only_after_the_review(users, facility):
    request = receive(facility, users["lant51"])
    with pytest.raises(AdvisoryError) as refused:
        services.separate_consideration_decide(request=request, by=users["psa1"], accept=True, reasons="Fine.")
    assert refused.value.error_code == ErrorCode.WRONG_STATE
    assert SeparateConsiderationRequest.objects.get().state == RequestState.RECEIVED


@pytest.mark.parametrize("data,message", [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "Only PDF files"),
    (b"%PDF-1.4\n1 0 obj << >> endobj\n", "incomplete or damaged"),
    (b"", "empty"),
])
def test_a_plan_that_is_not_a_complete_pdf_is_refused_and_nothing_is_written(users, facility, settings, data,
                                                                            message):
    with pytest.raises(ValidationError) as refused:
        receive(facility, users["lant51"], plan=pdf_upload("plan.pdf", data))
    assert message in " ".join(refused.value.message_dict["plan_file"])
    assert not SeparateConsiderationRequest.objects.exists()
    stored = [files for _, _, files in os.walk(settings.MEDIA_ROOT)]
    assert not any(stored)


def test_the_form_shows_the_upload_error_beside_the_field(client, users, facility):
    client.force_login(users["lant51"])
    response = client.post(reverse("advisories:request_new"), {
        "facility": facility.pk, "received_on": "2026-09-01", "rso_name": "RSO", "rso_qualifications": "Q",
        "rso_independence": "I", "cost_borne_by": "facility",
        "plan": pdf_upload("plan.pdf", b"GIF89a not a pdf"), "report": pdf_upload("report.pdf"),
    })
    assert response.status_code == 400
    assert b"usa-form-group--error" in response.content and b"Only PDF files" in response.content
    assert not SeparateConsiderationRequest.objects.exists()


def _request_fields(plan, report) -> dict:
    # In the order of the page: the plan comes before the RSO's details and the report.
    return {"facility": None, "received_on": "2026-09-01", "plan": plan, "rso_name": "RSO",
            "rso_qualifications": "Q", "rso_independence": "I", "cost_borne_by": "facility", "report": report}


def test_an_oversized_plan_stops_being_read_and_the_form_says_so_without_misleading_errors(
        client, users, facility, settings, tmp_path):
    settings.IPS_UPLOAD_MAX_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(users["lant51"])
    fields = _request_fields(pdf_upload("plan.pdf", b"%PDF-1.7\n" + b"\x00" * (3 * 1024 * 1024)),
                             pdf_upload("report.pdf"))
    fields["facility"] = facility.pk

    response, body = post_multipart(client, reverse("advisories:request_new"), fields)

    assert response.status_code == 400
    assert body.bytes_read < 1.2 * 1024 * 1024 < body.total
    form = response.context["form"]
    assert form.errors["plan"] == ["The file is larger than the 1 MB limit."]
    assert set(form.errors) == {"plan", "__all__"}  # no "required" for the fields that never arrived
    assert "the rest of the form was not received" in form.non_field_errors()[0]
    assert not SeparateConsiderationRequest.objects.exists()
    assert not any(files for _, _, files in os.walk(settings.MEDIA_ROOT)) and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("report", "message"), [
    (pdf_with_annotation_javascript(), "This PDF contains JavaScript, which is not allowed."),
    (pdf_with_embedded_file(), "This PDF contains embedded files (attachments), which are not allowed."),
    (simple_pdf() + b"<html><script>alert(1)</script></html>", "The PDF has other data after its end"),
    (weasyprint_pdf(), None),
])
def test_the_report_is_checked_like_every_pdf(client, users, facility, report, message):
    client.force_login(users["lant51"])
    fields = _request_fields(pdf_upload("plan.pdf"), pdf_upload("report.pdf", report))
    fields["facility"] = facility.pk

    response = client.post(reverse("advisories:request_new"), fields)

    if message is None:
        assert response.status_code == 302
        assert SeparateConsiderationRequest.objects.get().report_file.read() == report
    else:
        assert response.status_code == 400 and message in response.context["form"].errors["report"][0]
        assert not SeparateConsiderationRequest.objects.exists()


def test_a_second_live_request_for_the_same_facility_is_refused(users, facility):
    receive(facility, users["lant51"])
    with pytest.raises(ValidationError) as refused:
        receive(facility, users["lant51"])
    assert "facility" in refused.value.message_dict
    assert SeparateConsiderationRequest.objects.count() == 1


def test_the_download_streams_the_stored_pdf(client, users, facility):
    request = receive(facility, users["lant51"])
    client.force_login(users["psa1"])
    response = client.get(reverse("advisories:request_file", args=[request.pk, "plan"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_the_answer_letter_comes_from_the_correspondence_app(users, portfolio, facility):
    request = receive(facility, users["lant51"])
    services.separate_consideration_review(request=request, by=users["lant51"], recommendation=Recommendation.ACCEPT,
                                           notes="Sound.")
    services.separate_consideration_decide(request=request, by=users["psa1"], accept=True, reasons="Acceptable.")
    letter = services.separate_consideration_letter(request=request, by=users["lant51"])
    assert letter.kind == LetterKind.SEPARATE_CONSIDERATION and letter.country_id == facility.port.country_id
    assert "XAPOS-0001" in letter.subject and "acceptable" in letter.body
    request.refresh_from_db()
    assert request.answer_letter_id == letter.pk
    with pytest.raises(AdvisoryError) as again:
        services.separate_consideration_letter(request=request, by=users["lant51"])
    assert again.value.error_code == ErrorCode.LETTER_EXISTS


def test_escalation_is_due_after_the_mitigation_period_and_recorded_by_psa1(users, country):
    today = timezone.localdate()
    recent = approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=today - dt.timedelta(days=30))
    assert selectors.escalation_due(determination=recent, on=today) is None
    with pytest.raises(ValidationError):
        services.escalation_record(determination=recent, by=users["psa1"], kind="marsec_directive",
                                   federal_register_citation="91 FR 1234", issued_on=today)
    later_day = today + dt.timedelta(days=61)
    assert selectors.escalation_due(determination=recent, on=later_day) == today + dt.timedelta(days=60)
    board = selectors.escalation_board(on=later_day)
    assert [(row.country, row.due) for row in board] == [(country, True)]


def test_escalation_step_is_recorded_once_due_and_a_better_determination_ends_it(users, country, other_country):
    today = timezone.localdate()
    old = approve(country, Outcome.NOT_SUBSTANTIALLY, users, effective=today - dt.timedelta(days=120))
    with pytest.raises(permissions.Refused):
        services.escalation_record(determination=old, by=users["lant51"], kind="commandant_order",
                                   federal_register_citation="91 FR 1234", issued_on=today)
    with pytest.raises(ValidationError) as bad:
        services.escalation_record(determination=old, by=users["psa1"], kind="commandant_order",
                                   federal_register_citation="page 12", issued_on=today)
    assert "federal_register_citation" in bad.value.message_dict
    step = services.escalation_record(determination=old, by=users["psa1"], kind="commandant_order",
                                      federal_register_citation="91 FR 1234", issued_on=today)
    assert step.country == country and selectors.escalation_due(determination=old, on=today) is None
    other = approve(other_country, Outcome.NOT_SUBSTANTIALLY, users, effective=today - dt.timedelta(days=100))
    approve(other_country, Outcome.SUBSTANTIALLY, users, effective=today - dt.timedelta(days=5))
    assert selectors.escalation_due(determination=other, on=today) is None
