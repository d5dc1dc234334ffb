"""Versioned records over REST: GET answers an ETag derived from the version; PATCH needs If-Match (428
without it), is refused with 412 and the current ETag when the record changed since, and answers 200 with
the new ETag otherwise. Nothing is saved by a refused write."""

import pytest

from advisories import services as advisory_services
from assessments import services
from assessments.choices import FindingMethod, Severity
from assessments.models import Finding
from correspondence import services as letter_services
from correspondence.choices import LetterKind
from correspondence.models import Letter
from tests.api.conftest import drive_to

SHAPE = {"detail", "code", "errors"}


@pytest.fixture
def finding(case, users):
    visit = drive_to(case, "on_site", users)
    return services.finding_create(assessment=visit, by=users["ipslo"], data={
        "title": "Gate left open", "description": "Unguarded.", "method": FindingMethod.OBSERVATION,
        "severity": Severity.DEFICIENCY})


def url_of(finding) -> str:
    return f"/api/v1/findings/{finding.pk}/"


def test_get_answers_the_finding_with_its_etag(finding, users, token_for):
    response = token_for(users["ipslo"]).get(url_of(finding))
    assert response.status_code == 200
    assert response["ETag"] == 'W/"1"'


def test_a_write_without_if_match_is_428_and_saves_nothing(finding, users, token_for):
    response = token_for(users["ipslo"]).patch(url_of(finding), {"title": "Changed"}, format="json")
    assert response.status_code == 428
    assert set(response.json()) == SHAPE and response.json()["code"] == "if_match_required"
    assert Finding.objects.get(pk=finding.pk).title == "Gate left open"


def test_a_write_with_the_current_etag_is_200_with_the_next_etag(finding, users, token_for):
    client = token_for(users["ipslo"])
    etag = client.get(url_of(finding))["ETag"]

    response = client.patch(url_of(finding), {"title": "Gate open at night"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    assert response["ETag"] == 'W/"2"' and response.json()["title"] == "Gate open at night"
    assert Finding.objects.get(pk=finding.pk).title == "Gate open at night"
    # The strong form of the same tag (a proxy may strip W/) names the same version.
    again = client.patch(url_of(finding), {"severity": Severity.SIGNIFICANT}, format="json", HTTP_IF_MATCH='"2"')
    assert again.status_code == 200 and again["ETag"] == 'W/"3"'


def test_a_write_with_a_stale_etag_is_412_with_who_changed_it_and_the_current_etag(finding, users, token_for):
    theirs, mine = token_for(users["lant51"]), token_for(users["ipslo"])
    etag = mine.get(url_of(finding))["ETag"]
    assert theirs.patch(url_of(finding), {"title": "Theirs"}, format="json", HTTP_IF_MATCH=etag).status_code == 200

    response = mine.patch(url_of(finding), {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "concurrent_edit"
    assert f"changed by {users['lant51'].get_full_name()} on " in body["detail"]
    assert response["ETag"] == 'W/"2"'
    assert Finding.objects.get(pk=finding.pk).title == "Theirs"
    # Read again, the current ETag lets the write through.
    current = mine.get(url_of(finding))["ETag"]
    assert mine.patch(url_of(finding), {"title": "Mine"}, format="json", HTTP_IF_MATCH=current).status_code == 200


def test_if_match_star_overwrites_whatever_is_saved(finding, users, token_for):
    response = token_for(users["ipslo"]).patch(url_of(finding), {"title": "Mine"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200
    assert Finding.objects.get(pk=finding.pk).title == "Mine"


def test_bad_input_with_a_good_etag_is_400_and_the_version_stays(finding, users, token_for):
    response = token_for(users["ipslo"]).patch(url_of(finding), {"severity": "catastrophic"}, format="json",
                                               HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 400 and "severity" in response.json()["errors"]
    assert Finding.objects.get(pk=finding.pk).version == 1


@pytest.mark.parametrize("who,expected", [("viewer", 403), ("other_ipslo", 404), ("api_client", 403)])
def test_the_permission_rules_come_before_the_precondition(finding, role_users, token_for, who, expected):
    response = token_for(role_users[who]).patch(url_of(finding), {"title": "x"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == expected
    assert Finding.objects.get(pk=finding.pk).title == "Gate left open"


def test_a_draft_letters_wording_is_edited_with_if_match(users, portfolio, token_for):
    letter = letter_services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                           by=users["lant51"])
    client = token_for(users["lant51"])
    url = f"/api/v1/letters/{letter.pk}/"
    etag = client.get(url)["ETag"]
    assert etag == f'W/"{letter.revision}"'

    assert client.patch(url, {"subject": "First"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url, {"subject": "Second"}, format="json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412 and stale["ETag"] == f'W/"{letter.revision + 1}"'
    assert Letter.objects.get(pk=letter.pk).subject == "First"


def test_the_advisory_draft_is_edited_with_if_match(users, token_for):
    draft = advisory_services.advisory_draft_start(by=users["psa1"])
    client = token_for(users["psa1"])
    url = f"/api/v1/advisories/{draft.pk}/"
    etag = client.get(url)["ETag"]

    assert client.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412 and stale.json()["code"] == "concurrent_edit"
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("First", 2)
