"""Letters over REST: what each role's token may list, open and download, the same as the browser."""

import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.choices import Outcome
from correspondence import services
from correspondence.choices import LetterKind
from correspondence.models import Letter
from tests.correspondence.conftest import country_contacts, decide, queued_jobs  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["psa1", "lant51", "ipslo", "team", "other_ipslo", "viewer", "norole", "api_client"]
NEED_TO_KNOW = {"psa1", "lant51", "ipslo", "team"}
ANY_ROLE = NEED_TO_KNOW | {"other_ipslo", "viewer", "api_client"}
METADATA = {"id", "kind", "country", "reference", "version", "letter_date", "status", "marking", "job_state",
            "sha256", "pdf_size", "page_count", "sent_on", "acknowledged_on", "created_at", "updated_at", "pdf_url"}


@pytest.fixture
def people(role_users, leader):  # noqa: F811
    return {**role_users, "team": leader}


@pytest.fixture
def fouo_letter(case, decide):  # noqa: F811
    determination = decide(case, outcome=Outcome.NOT_SUBSTANTIALLY)
    return services.letter_generate_for_determination(determination_id=determination.pk)


@pytest.fixture
def plain_letter(users, portfolio):
    letter = services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                    by=users["lant51"])
    return services.letter_render(letter_id=letter.pk)


@pytest.mark.parametrize("who", ROLES)
def test_list_shows_fouo_letters_only_to_those_with_a_need_to_know(people, token_for, fouo_letter, plain_letter,
                                                                     who):
    response = token_for(people[who]).get("/api/v1/letters/")
    if who not in ANY_ROLE:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    expected = {plain_letter.pk} | ({fouo_letter.pk} if who in NEED_TO_KNOW else set())
    assert ids == expected


@pytest.mark.parametrize("who", ROLES)
def test_fouo_letter_detail_and_pdf_are_404_without_a_need_to_know(people, token_for, fouo_letter, who):
    client = token_for(people[who])
    detail = client.get(f"/api/v1/letters/{fouo_letter.pk}/")
    pdf = client.get(f"/api/v1/letters/{fouo_letter.pk}/pdf/")
    expected = 200 if who in NEED_TO_KNOW else 404
    assert (detail.status_code, pdf.status_code) == (expected, expected), who
    if expected == 404:
        assert detail.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ROLES)
def test_plain_letter_is_open_to_every_role(people, token_for, plain_letter, who):
    client = token_for(people[who])
    expected = 200 if who in ANY_ROLE else 404
    assert client.get(f"/api/v1/letters/{plain_letter.pk}/").status_code == expected
    assert client.get(f"/api/v1/letters/{plain_letter.pk}/pdf/").status_code == expected


@pytest.mark.parametrize("who", ["psa1", "ipslo", "team", "other_ipslo", "viewer", "norole"])
def test_api_and_browser_agree_on_the_download(people, token_for, fouo_letter, plain_letter, who):
    browser = Client()
    browser.force_login(people[who])
    for letter in (fouo_letter, plain_letter):
        page = browser.get(reverse("correspondence:letter_pdf", args=[letter.pk])).status_code
        api = token_for(people[who]).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code
        assert api == page, (who, letter.reference)


def test_list_carries_metadata_and_never_the_wording(token_for, users, fouo_letter, plain_letter):
    rows = {row["id"]: row for row in token_for(users["psa1"]).get("/api/v1/letters/").json()["results"]}
    row = rows[fouo_letter.pk]
    assert set(row) == METADATA
    assert row["marking"] == "fouo" and row["country"] == "XAX" and row["reference"] == fouo_letter.reference
    assert row["kind"] == fouo_letter.kind and row["job_state"] == "ready"
    assert row["sha256"] == fouo_letter.pdf_sha256 and len(row["sha256"]) == 64
    assert row["pdf_url"] == f"/api/v1/letters/{fouo_letter.pk}/pdf/"
    assert fouo_letter.body.split("\n")[0] not in str(rows)


def test_detail_of_a_letter_the_user_may_see_has_its_wording(token_for, users, fouo_letter):
    body = token_for(users["ipslo"]).get(f"/api/v1/letters/{fouo_letter.pk}/").json()
    assert body["subject"] == fouo_letter.subject and body["body"] == fouo_letter.body
    assert body["marking"] == "fouo"


def test_pdf_is_the_stored_file_as_a_private_attachment(token_for, users, fouo_letter, monkeypatch):
    from correspondence import rendering

    monkeypatch.setattr(rendering, "render_letter", lambda letter: pytest.fail("rendered on download"))
    response = token_for(users["ipslo"]).get(f"/api/v1/letters/{fouo_letter.pk}/pdf/")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == fouo_letter.pdf_sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_pdf_answers_a_client_that_accepts_only_pdf(token_for, users, fouo_letter, portfolio):
    client = token_for(users["ipslo"])
    response = client.get(f"/api/v1/letters/{fouo_letter.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == fouo_letter.pdf_sha256

    # An error to the same client is the usual JSON error body, not a refusal to negotiate.
    letter = services.letter_create(country=portfolio["country"], kind=LetterKind.FEDERAL_REGISTER, by=users["lant51"])
    response = token_for(users["lant51"]).get(f"/api/v1/letters/{letter.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "not ready" in response.json()["detail"]
    assert client.get(f"/api/v1/letters/{fouo_letter.pk}/pdf/", HTTP_ACCEPT="text/csv").status_code == 406


def test_pdf_not_yet_rendered_is_404_with_a_reason(token_for, users, portfolio):
    letter = services.letter_create(country=portfolio["country"], kind=LetterKind.FEDERAL_REGISTER, by=users["lant51"])
    client = token_for(users["lant51"])
    assert client.get(f"/api/v1/letters/{letter.pk}/").json()["pdf_url"] is None
    response = client.get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert response.status_code == 404 and "not ready" in response.json()["detail"]


def test_unknown_letter_is_404_and_writes_are_not_offered(token_for, users, plain_letter):
    client = token_for(users["psa1"])
    assert client.get("/api/v1/letters/999999/").status_code == 404
    assert client.delete(f"/api/v1/letters/{plain_letter.pk}/").status_code == 405
    assert Letter.objects.filter(pk=plain_letter.pk).exists()


@pytest.mark.parametrize("who", ["psa1", "ipslo", "viewer"])
def test_list_query_count_does_not_grow_with_rows(token_for, users, portfolio, who):
    client = token_for(users[who])

    def add(n):
        for _ in range(n):
            letter = services.letter_create(country=portfolio["country"], kind=LetterKind.FEDERAL_REGISTER,
                                            by=users["lant51"])
            Letter.objects.filter(pk=letter.pk).update(marking="fouo")  # FOUO rows exercise the scope too
            services.letter_create(country=portfolio["other_country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                   by=users["lant51"])

    add(1)
    client.get("/api/v1/letters/")  # warm up: token, roles
    with CaptureQueriesContext(connection) as small:
        small_count = client.get("/api/v1/letters/").json()["count"]
    add(12)
    with CaptureQueriesContext(connection) as large:
        large_count = client.get("/api/v1/letters/").json()["count"]
    assert large_count > small_count
    assert len(large) == len(small)
