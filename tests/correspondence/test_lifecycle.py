"""A letter's life: draft (editable), approved, sent (frozen), acknowledged; corrections; references."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from correspondence import services
from correspondence.choices import JobState, LetterKind, LetterStatus
from correspondence.errors import ErrorCode, LetterError
from correspondence.models import Letter
from ips import permissions
from tests.correspondence.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(case, decide):
    determination = decide(case)
    return services.letter_generate_for_determination(determination_id=determination.pk)


def _sent(letter, users):
    services.letter_approve(letter=letter, by=users["psa1"])
    return services.letter_mark_sent(letter=letter, by=users["ipslo"], sent_on=timezone.localdate())


def test_editing_a_draft_bumps_the_revision_and_the_new_pdf_has_the_new_wording(letter, users):
    services.letter_update(letter=letter, by=users["ipslo"], data={"body": "First paragraph.\n\nSecond paragraph."})
    letter.refresh_from_db()
    assert letter.revision == 2 and letter.job_state == JobState.QUEUED and not letter.is_ready
    with pytest.raises(LetterError) as refused:
        services.letter_approve(letter=letter, by=users["psa1"])
    assert refused.value.error_code == ErrorCode.NOT_READY

    services.letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.is_ready
    text = pdf_text(letter)
    assert "First paragraph." in text and "Second paragraph." in text
    assert "I regret to inform you" not in text


def test_approve_send_acknowledge_records_who_and_when(letter, users):
    services.letter_approve(letter=letter, by=users["psa1"])
    services.letter_mark_sent(letter=letter, by=users["ipslo"], sent_on=timezone.localdate())
    services.letter_mark_acknowledged(letter=letter, by=users["lant51"], acknowledged_on=timezone.localdate())
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACKNOWLEDGED
    assert (letter.approved_by, letter.sent_by, letter.acknowledged_by) == (users["psa1"], users["ipslo"],
                                                                            users["lant51"])
    assert letter.approved_at and letter.sent_at and letter.acknowledged_at


def test_steps_out_of_order_are_refused(letter, users):
    with pytest.raises(LetterError):
        services.letter_mark_sent(letter=letter, by=users["ipslo"], sent_on=timezone.localdate())
    services.letter_approve(letter=letter, by=users["psa1"])
    with pytest.raises(LetterError):
        services.letter_mark_acknowledged(letter=letter, by=users["ipslo"], acknowledged_on=timezone.localdate())
    with pytest.raises(Exception) as future:
        services.letter_mark_sent(letter=letter, by=users["ipslo"], sent_on=timezone.localdate() + dt.timedelta(2))
    assert "future" in str(future.value)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED


def test_sent_letter_cannot_be_edited_by_the_service(letter, users):
    _sent(letter, users)
    sha = Letter.objects.get(pk=letter.pk).pdf_sha256
    with pytest.raises(LetterError) as refused:
        services.letter_update(letter=letter, by=users["lant51"], data={"body": "Changed."})
    assert refused.value.error_code == ErrorCode.FROZEN
    services.letter_render(letter_id=letter.pk)
    fresh = Letter.objects.get(pk=letter.pk)
    assert fresh.body != "Changed." and fresh.pdf_sha256 == sha


def test_sent_letter_cannot_be_edited_through_the_page(client, letter, users):
    _sent(letter, users)
    client.force_login(users["lant51"])
    response = client.post(reverse("correspondence:letter", args=[letter.pk]), {
        "wording-subject": "Changed", "wording-body": "Changed.", "wording-letter_date": "2026-11-20",
        "wording-addressee_name": "X", "wording-signatory_name": "Y"})
    assert response.status_code == 403
    assert Letter.objects.get(pk=letter.pk).subject != "Changed"
    page = client.get(reverse("correspondence:letter", args=[letter.pk]))
    assert b"Save and render again" not in page.content


def test_correction_is_a_new_version_pointing_to_the_sent_letter(letter, users):
    _sent(letter, users)
    correction = services.letter_correct(letter=letter, by=users["ipslo"])
    assert correction.pk != letter.pk
    assert correction.replaces_id == letter.pk and correction.version == 2
    assert correction.status == LetterStatus.DRAFT and correction.reference != letter.reference
    assert correction.determination_id == letter.determination_id and correction.kind == letter.kind
    with pytest.raises(LetterError) as again:
        services.letter_correct(letter=letter, by=users["ipslo"])
    assert again.value.error_code == ErrorCode.ALREADY_CORRECTED
    services.letter_render(letter_id=correction.pk)
    correction.refresh_from_db()
    assert f"corrects and replaces letter {letter.reference}" in pdf_text(correction)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.SENT


def test_a_draft_cannot_be_corrected(letter, users):
    with pytest.raises(LetterError):
        services.letter_correct(letter=letter, by=users["lant51"])


def test_other_node_ipslo_and_viewer_may_not_edit(letter, users):
    for who in ("other_ipslo", "viewer"):
        with pytest.raises(permissions.Refused) as refused:
            services.letter_update(letter=letter, by=users[who], data={"body": "x"})
        assert refused.value.code in {permissions.Reason.NOT_ASSIGNED, permissions.Reason.ROLE_REQUIRED}


def test_reference_numbers_count_up_within_a_year_and_restart_next_year(users, portfolio):
    country = portfolio["country"]
    made = [services.letter_create(country=country, kind=LetterKind.RECIPROCAL_INVITATION, by=users["lant51"])
            for _ in range(3)]
    year = timezone.localdate().year
    assert [m.reference for m in made] == [f"IPS-{year}-{n:04d}" for n in (1, 2, 3)]
    sequence, reference = None, None
    from django.db import transaction

    from correspondence.services import _take_reference

    with transaction.atomic():
        sequence, reference = _take_reference(year + 1)
    assert (sequence, reference) == (1, f"IPS-{year + 1}-0001")


@pytest.mark.django_db(transaction=True)
def test_reference_numbers_stay_unique_under_concurrent_creation(users, portfolio):
    country = portfolio["country"]
    barrier = threading.Barrier(6)
    errors = []

    def make():
        try:
            barrier.wait(timeout=10)
            services.letter_create(country=country, kind=LetterKind.FEDERAL_REGISTER, by=users["lant51"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sequences = sorted(Letter.objects.values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]


def test_visit_request_letter_is_made_once_per_case(case, users, country_contacts):
    first, created = services.letter_visit_request(assessment=case, by=users["ipslo"])
    again, created_again = services.letter_visit_request(assessment=case, by=users["lant51"])
    assert created and not created_again and first.pk == again.pk
    services.letter_render(letter_id=first.pk)
    first.refresh_from_db()
    text = pdf_text(first)
    assert "1 March 2027" in text and first.reference in text
    assert "15 January 2027" in text  # questionnaire due 45 days before the visit
    with pytest.raises(permissions.Refused):
        services.letter_visit_request(assessment=case, by=users["other_ipslo"])


def test_incoming_item_is_logged_and_bad_files_refused(users, portfolio):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from correspondence.choices import IncomingKind
    from correspondence.models import IncomingCorrespondence

    country = portfolio["country"]
    common = {"country": country, "kind": IncomingKind.QUESTIONNAIRE, "received_on": timezone.localdate(),
              "sender": "Maritime Authority", "summary": "Questionnaire returned."}
    with pytest.raises(ValidationError) as bad:
        services.incoming_record(by=users["ipslo"], upload=SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"),
                                 **common)
    assert "file" in bad.value.message_dict
    assert not IncomingCorrespondence.objects.exists()
    from tests.upload_samples import simple_pdf

    pdf = simple_pdf("Questionnaire")
    item = services.incoming_record(by=users["ipslo"], upload=SimpleUploadedFile("q.pdf", pdf), **common)
    assert item.content_type == "application/pdf" and len(item.sha256) == 64
    with pytest.raises(permissions.Refused):
        services.incoming_record(by=users["other_ipslo"], **common)
