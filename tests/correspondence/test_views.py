"""Who may open which page, the access-checked download, and constant query counts."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.choices import Outcome
from correspondence import services
from correspondence.choices import IncomingKind, LetterKind, LetterStatus
from correspondence.models import IncomingCorrespondence, Letter
from tests.upload_samples import decoded, docx, encrypted_pdf, gps_jpeg, pdf_with_launch_action, post_multipart

pytestmark = pytest.mark.django_db


@pytest.fixture
def fouo_letter(case, decide):
    determination = decide(case, outcome=Outcome.NOT_SUBSTANTIALLY)
    return services.letter_generate_for_determination(determination_id=determination.pk)


@pytest.fixture
def plain_letter(users, portfolio):
    letter = services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                    by=users["lant51"])
    return services.letter_render(letter_id=letter.pk)


@pytest.fixture
def people(users, leader):
    return {**users, "team": leader, "anonymous": None}


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def _post(client, user, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {}).status_code


EVERY_ROLE = {"psa1": 200, "lant51": 200, "ipslo": 200, "other_ipslo": 200, "viewer": 200, "team": 200,
              "norole": 403, "anonymous": 302}
NEED_TO_KNOW = {"psa1": 200, "lant51": 200, "ipslo": 200, "team": 200, "other_ipslo": 404, "viewer": 404,
                "norole": 404, "anonymous": 302}


@pytest.mark.parametrize("who", sorted(EVERY_ROLE))
def test_letter_index_and_country_page(client, people, fouo_letter, who):
    assert _get(client, people[who], reverse("correspondence:index")) == EVERY_ROLE[who]
    # Someone with no role cannot see the country at all: 404 rather than 403.
    expected = {**EVERY_ROLE, "norole": 404}[who]
    assert _get(client, people[who], reverse("correspondence:country", args=["xax"])) == expected


def test_country_page_hides_fouo_letters_from_those_without_need_to_know(client, people, fouo_letter, plain_letter):
    url = reverse("correspondence:country", args=["XAX"])
    for who, sees_fouo in (("viewer", False), ("other_ipslo", False), ("ipslo", True), ("team", True),
                           ("psa1", True)):
        client.force_login(people[who])
        body = client.get(url).content.decode()
        assert plain_letter.reference in body
        assert (fouo_letter.reference in body) is sees_fouo, who
        assert ("FOR OFFICIAL USE ONLY" in body) is sees_fouo, who


@pytest.mark.parametrize("who", sorted(NEED_TO_KNOW))
def test_fouo_letter_page_and_download_need_to_know(client, people, fouo_letter, who):
    assert _get(client, people[who], reverse("correspondence:letter", args=[fouo_letter.pk])) == NEED_TO_KNOW[who]
    assert _get(client, people[who], reverse("correspondence:letter_pdf", args=[fouo_letter.pk])) == NEED_TO_KNOW[who]


@pytest.mark.parametrize("who", sorted(EVERY_ROLE))
def test_letter_without_marking_is_open_to_every_role(client, people, plain_letter, who):
    expected = {**EVERY_ROLE, "norole": 404}[who]
    assert _get(client, people[who], reverse("correspondence:letter_pdf", args=[plain_letter.pk])) == expected


def test_download_is_the_stored_pdf_as_private_attachment(client, users, fouo_letter, monkeypatch):
    from correspondence import rendering

    monkeypatch.setattr(rendering, "render_letter", lambda letter: pytest.fail("rendered on download"))
    client.force_login(users["ipslo"])
    response = client.get(reverse("correspondence:letter_pdf", args=[fouo_letter.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    import hashlib

    assert hashlib.sha256(body).hexdigest() == fouo_letter.pdf_sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_letter_page_shows_job_state_and_failure_reason_with_retry(client, users, fouo_letter):
    Letter.objects.filter(pk=fouo_letter.pk).update(job_state="failed", job_error="WeasyPrint: out of memory")
    client.force_login(users["ipslo"])
    body = client.get(reverse("correspondence:letter", args=[fouo_letter.pk])).content.decode()
    assert "PDF job failed" in body and "WeasyPrint: out of memory" in body and "Retry the PDF job" in body
    assert _post(client, users["ipslo"], reverse("correspondence:letter_retry", args=[fouo_letter.pk])) == 302
    assert Letter.objects.get(pk=fouo_letter.pk).job_state == "queued"


@pytest.mark.parametrize("who,expected", [
    ("lant51", 200), ("ipslo", 200), ("psa1", 403), ("other_ipslo", 403), ("viewer", 403), ("norole", 404),
])
def test_new_letter_and_incoming_forms(client, people, portfolio, who, expected):
    assert _get(client, people[who], reverse("correspondence:letter_new", args=["XAX"])) == expected
    assert _get(client, people[who], reverse("correspondence:incoming_new", args=["XAX"])) == expected


@pytest.mark.parametrize("who,expected", [
    ("ipslo", 200), ("lant51", 200), ("psa1", 403), ("other_ipslo", 404), ("viewer", 404), ("norole", 404),
])
def test_visit_request_page(client, people, case, who, expected):
    assert _get(client, people[who], reverse("correspondence:case_visit_request", args=[case.pk])) == expected


@pytest.mark.parametrize("who,expected", [
    ("psa1", 302), ("lant51", 302), ("ipslo", 403), ("team", 403), ("other_ipslo", 404), ("viewer", 404),
])
def test_approve_matrix(client, people, fouo_letter, who, expected):
    url = reverse("correspondence:letter_approve", args=[fouo_letter.pk])
    assert _post(client, people[who], url, {"version": fouo_letter.revision}) == expected
    approved = Letter.objects.get(pk=fouo_letter.pk).status == LetterStatus.APPROVED
    assert approved is (expected == 302)


@pytest.mark.parametrize("who,expected", [
    ("ipslo", 302), ("lant51", 302), ("psa1", 403), ("team", 403), ("other_ipslo", 404),
])
def test_mark_sent_matrix(client, people, users, fouo_letter, who, expected):
    services.letter_approve(letter=fouo_letter, by=users["psa1"])
    url = reverse("correspondence:letter_send", args=[fouo_letter.pk])
    assert _post(client, people[who], url, {"sent-day": timezone.localdate().isoformat()}) == expected
    assert (Letter.objects.get(pk=fouo_letter.pk).status == LetterStatus.SENT) is (expected == 302)


def test_mark_sent_with_bad_date_shows_the_error_beside_the_field(client, users, fouo_letter):
    services.letter_approve(letter=fouo_letter, by=users["psa1"])
    client.force_login(users["ipslo"])
    response = client.post(reverse("correspondence:letter_send", args=[fouo_letter.pk]), {"sent-day": "2999-01-01"})
    assert response.status_code == 400
    assert "usa-form-group--error" in response.content.decode() and "future" in response.content.decode()
    assert Letter.objects.get(pk=fouo_letter.pk).status == LetterStatus.APPROVED


def test_editing_the_wording_through_the_page(client, users, fouo_letter):
    client.force_login(users["ipslo"])
    url = reverse("correspondence:letter", args=[fouo_letter.pk])
    data = {"wording-subject": "New subject", "wording-body": "<b>Hello</b>",
            "wording-letter_date": fouo_letter.letter_date.isoformat(), "wording-addressee_name": "Authority",
            "wording-addressee_address": "", "wording-via": "Embassy", "wording-signatory_name": "A. Person",
            "wording-signatory_title": "Chief", "wording-version": fouo_letter.revision}
    assert client.post(url, data).status_code == 302
    letter = Letter.objects.get(pk=fouo_letter.pk)
    assert letter.subject == "New subject" and letter.revision == 2 and letter.job_state == "queued"
    bad = client.post(url, {**data, "wording-subject": "", "wording-version": letter.revision})
    assert bad.status_code == 400 and "usa-form-group--error" in bad.content.decode()


def test_incoming_form_logs_an_item(client, users, portfolio):
    client.force_login(users["ipslo"])
    response = client.post(reverse("correspondence:incoming_new", args=["XAX"]), {
        "kind": IncomingKind.HOST_CONFIRMATION, "received_on": timezone.localdate().isoformat(),
        "sender": "Ministry of Transport", "summary": "Visit dates confirmed."})
    assert response.status_code == 302
    body = client.get(reverse("correspondence:country", args=["XAX"])).content.decode()
    assert "Visit dates confirmed." in body and "Host confirmation" in body


def _incoming_fields(upload=None) -> dict:
    fields = {"kind": IncomingKind.QUESTIONNAIRE, "received_on": timezone.localdate().isoformat(),
              "sender": "Maritime Authority", "summary": "Questionnaire returned."}
    if upload is not None:
        fields["file"] = upload
    return fields


def _stored(root) -> list:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def test_an_oversized_incoming_file_stops_being_read_and_nothing_is_logged(client, users, portfolio, settings,
                                                                           tmp_path):
    settings.IPS_UPLOAD_MAX_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(users["ipslo"])
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"\x00" * (3 * 1024 * 1024), content_type="application/pdf")

    # The file comes last: the form's other fields arrive, and the optional file must not be silently dropped.
    response, body = post_multipart(client, reverse("correspondence:incoming_new", args=["XAX"]),
                                    _incoming_fields(scan))

    assert response.status_code == 200
    assert body.bytes_read < 1.2 * 1024 * 1024 < body.total
    page = response.content.decode()
    assert "The file is larger than the 1 MB limit." in page and "up to 1 MB" in page
    assert not IncomingCorrespondence.objects.exists()
    assert _stored(settings.MEDIA_ROOT) == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("q.pdf", pdf_with_launch_action()), "opens another program or file"),
    (SimpleUploadedFile("q.pdf", encrypted_pdf()), "encrypted or password-protected"),
    (SimpleUploadedFile("q.docx", docx({"word/vbaProject.bin": b"macro"})), "contains macros"),
])
def test_a_dangerous_incoming_file_is_refused_beside_the_field(client, users, portfolio, upload, message):
    client.force_login(users["ipslo"])

    response = client.post(reverse("correspondence:incoming_new", args=["XAX"]), _incoming_fields(upload))

    page = response.content.decode()
    assert response.status_code == 200 and message in page and "usa-error-message" in page
    assert not IncomingCorrespondence.objects.exists() and _stored(settings.MEDIA_ROOT) == []


def test_a_scanned_letter_photo_is_logged_without_its_location(client, users, portfolio):
    client.force_login(users["ipslo"])

    response = client.post(reverse("correspondence:incoming_new", args=["XAX"]),
                           _incoming_fields(SimpleUploadedFile("letter.jpg", gps_jpeg())))

    assert response.status_code == 302
    item = IncomingCorrespondence.objects.get()
    stored = item.file.read()
    assert item.content_type == "image/jpeg" and item.size == len(stored)
    assert dict(decoded(stored).getexif()) == {} and b"Canon" not in stored


def _country_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["ipslo", "viewer", "lant51"])
def test_country_page_query_count_does_not_grow(client, users, portfolio, who):
    country = portfolio["country"]
    client.force_login(users[who])
    url = reverse("correspondence:country", args=["XAX"])

    def add(n):
        for _ in range(n):
            services.letter_create(country=country, kind=LetterKind.FEDERAL_REGISTER, by=users["lant51"])
            services.incoming_record(country=country, by=users["lant51"], kind=IncomingKind.OTHER,
                                     received_on=timezone.localdate(), sender="Someone", summary="Note.")

    add(2)
    client.get(url)
    small = _country_queries(client, url)
    add(10)
    assert _country_queries(client, url) == small


@pytest.mark.parametrize("who,shown", [("viewer", True), ("ipslo", True), ("psa1", True), ("norole", False)])
def test_navigation_links_the_letters_page_to_roles_that_may_open_it(client, users, who, shown):
    client.force_login(users[who])
    labels = {label for _, label in client.get(reverse("home")).context["nav_links"]}
    assert ("Letters" in labels) is shown
