"""Rights follow the portfolio and the visit team at every change, by page and by API.

Each test changes the world (an assignment ends, a portfolio is handed over, a team member leaves, a
role is removed, an account is deactivated, a token revoked) and then asks again.
"""

import datetime as dt
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from assessments import services as case_services
from assessments.choices import AssessmentState, Basis, FindingMethod, Outcome, Severity
from assessments.models import Assessment
from correspondence.services import letter_for_determination_ensure
from countries import services as portfolio_services
from countries.choices import NodeCode
from countries.models import PortfolioAssignment
from ips.api import services as api_services
from ips.roles import Role
from tests.assessments.conftest import drive_to

pytestmark = pytest.mark.django_db

CASE_TABS = ("detail", "team", "facilities", "checklist", "findings", "report", "history")


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (0, 94, 162)).save(buffer, format="PNG")
    return buffer.getvalue()


def _finding(case, by, title="Gate left open"):
    return case_services.finding_create(assessment=case, by=by, data={
        "method": FindingMethod.OBSERVATION, "severity": Severity.DEFICIENCY, "title": title,
        "description": "Seen at the main gate.", "reference": "ISPS Code A/14.2.2"})


@pytest.fixture
def record(users, portfolio, checklist, facilities, leader):  # noqa: F811
    """The country's closed case (finding, evidence, report, approved determination, letter) and its open case
    (notified, with a finding). The ACTEUR IPSLO covers the country and sits on neither team."""
    country = portfolio["country"]
    closed = case_services.assessment_create(country=country, by=users["lant51"], proposed_start=dt.date(2027, 3, 1),
                                             proposed_end=dt.date(2027, 3, 5))
    drive_to(closed, "under_review", users, leader=leader)
    finding = _finding(closed, users["ipslo"])
    evidence = case_services.evidence_add(
        finding=finding, by=users["ipslo"], upload=SimpleUploadedFile("gate.png", _png(), content_type="image/png"))
    determination = case_services.determination_recommend(
        assessment=closed, by=users["lant51"], outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.B,
        rationale="The report found the gate open.", effective_date=dt.date(2027, 4, 1))
    case_services.determination_approve(determination=determination, by=users["psa1"], comment="Agreed.")
    letter, _ = letter_for_determination_ensure(determination_id=determination.pk)
    open_case = case_services.assessment_create(country=country, by=users["lant51"],
                                                proposed_start=dt.date(2029, 3, 1), proposed_end=dt.date(2029, 3, 5))
    drive_to(open_case, "notified", users)
    open_finding = _finding(open_case, users["ipslo"], title="Fence broken")
    closed.refresh_from_db()
    assert closed.state == AssessmentState.CLOSED
    assert letter.is_fouo
    return {"closed": closed, "open": open_case, "finding": finding, "open_finding": open_finding,
            "evidence": evidence, "determination": determination, "letter": letter}


def _pages(record) -> list[str]:
    pages = [reverse(f"assessments:{tab}", args=[case.pk]) for case in (record["closed"], record["open"])
             for tab in CASE_TABS]
    pages += [
        reverse("assessments:finding", args=[record["closed"].pk, record["finding"].pk]),
        reverse("assessments:finding", args=[record["open"].pk, record["open_finding"].pk]),
        reverse("assessments:evidence", args=[record["evidence"].pk]),
        reverse("assessments:report_version", args=[record["closed"].pk, 1]),
        reverse("correspondence:letter", args=[record["letter"].pk]),
    ]
    return pages


def _api(record) -> list[str]:
    return [
        f"/api/v1/assessments/{record['closed'].pk}/", f"/api/v1/assessments/{record['open'].pk}/",
        f"/api/v1/findings/{record['finding'].pk}/", f"/api/v1/findings/{record['open_finding'].pk}/",
        f"/api/v1/letters/{record['letter'].pk}/",
    ]


def _statuses(user, record) -> dict[str, int]:
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    answers = {url: client.get(url).status_code for url in _pages(record)}
    answers.update({url: api.get(url).status_code for url in _api(record)})
    return answers


def _sees_everything(user, record) -> None:
    answers = _statuses(user, record)
    # A finding's own address sends a full-page visit to the finding on the findings page (302).
    assert set(answers.values()) <= {200, 302}, {url: code for url, code in answers.items() if code not in (200, 302)}


def _sees_nothing(user, record) -> None:
    answers = _statuses(user, record)
    assert set(answers.values()) == {404}, {url: code for url, code in answers.items() if code != 404}
    _cannot_move(user, record["open"])
    _lists_are_empty_of(user, record)


def _cannot_move(user, case) -> None:
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    before = Assessment.objects.get(pk=case.pk).state
    for name in ("postpone", "resume", "confirm", "cancel"):
        page = client.post(reverse("assessments:transition", args=[case.pk, name]), {"comment": "Moving it."})
        assert page.status_code == 404, (name, page.status_code)
        answer = api.post(f"/api/v1/assessments/{case.pk}/transitions/{name}/", {"comment": "Moving it."},
                          format="json")
        assert answer.status_code == 404, (name, answer.status_code)
    assert Assessment.objects.get(pk=case.pk).state == before


def _lists_are_empty_of(user, record) -> None:
    api = APIClient()
    api.force_authenticate(user)
    cases = {row["id"] for row in api.get("/api/v1/assessments/").json()["results"]}
    findings = {row["id"] for row in api.get("/api/v1/findings/").json()["results"]}
    assert not cases & {record["closed"].pk, record["open"].pk}
    assert not findings & {record["finding"].pk, record["open_finding"].pk}
    determination = api.get(f"/api/v1/determinations/{record['determination'].pk}/").json()
    assert determination["rationale"] is None and determination["decision_comment"] is None


def _postpone(user, case) -> None:
    response = Client()
    response.force_login(user)
    answer = response.post(reverse("assessments:transition", args=[case.pk, "postpone"]), {"comment": "Host asked."})
    assert answer.status_code == 302
    assert Assessment.objects.get(pk=case.pk).state == AssessmentState.POSTPONED


@pytest.fixture
def successor(make_user):
    return make_user("ipslo.acteur.next", Role.IPSLO, NodeCode.ACTEUR)


def test_the_covering_ipslo_sees_the_open_and_the_closed_case(users, record):
    _sees_everything(users["ipslo"], record)


def test_ending_the_assignment_ends_every_right_on_the_countrys_cases(users, record):
    assignment = PortfolioAssignment.objects.get(ipslo=users["ipslo"], country=record["closed"].country)

    response = Client()
    response.force_login(users["lant51"])
    answer = response.post(reverse("countries:portfolio_end"), {"assignment": assignment.pk})
    assert answer.status_code == 302

    assignment.refresh_from_db()
    assert assignment.end_date is not None
    _sees_nothing(users["ipslo"], record)
    _sees_everything(users["lant51"], record)


def test_handover_moves_open_and_closed_cases_to_the_successor(users, record, successor):
    portfolio_services.portfolio_handover(from_ipslo=users["ipslo"], to_ipslo=successor, by=users["lant51"])

    _sees_nothing(users["ipslo"], record)
    _sees_everything(successor, record)
    _postpone(successor, record["open"])


def test_a_former_ipslo_on_the_team_keeps_that_case_only(users, record, successor):
    case_services.team_member_add(assessment=record["open"], by=users["lant51"], user=users["ipslo"])
    portfolio_services.portfolio_handover(from_ipslo=users["ipslo"], to_ipslo=successor, by=users["lant51"])

    client = Client()
    client.force_login(users["ipslo"])
    assert client.get(reverse("assessments:detail", args=[record["open"].pk])).status_code == 200
    assert client.get(reverse("assessments:detail", args=[record["closed"].pk])).status_code == 404
    # On the team, but no longer the country's IPSLO: the IPSLO's steps are refused with the reason.
    answer = client.post(reverse("assessments:transition", args=[record["open"].pk, "postpone"]), {"comment": "x"})
    assert answer.status_code == 403
    assert answer.context["reason_code"] == "not_assigned"


def test_removing_a_team_member_ends_their_rights_on_the_next_request(users, record):
    member = case_services.team_member_add(assessment=record["open"], by=users["lant51"], user=users["other_ipslo"])
    client = Client()
    client.force_login(users["other_ipslo"])
    url = reverse("assessments:findings", args=[record["open"].pk])
    assert client.get(url).status_code == 200

    answer = Client()
    answer.force_login(users["lant51"])
    removed = answer.post(reverse("assessments:team_remove", args=[record["open"].pk, member.pk]))
    assert removed.status_code in (200, 302)

    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/findings/{record['open_finding'].pk}/").status_code == 404


def test_removing_the_role_ends_the_rights_on_the_next_request(users, record):
    client = Client()
    client.force_login(users["ipslo"])
    url = reverse("assessments:detail", args=[record["closed"].pk])
    assert client.get(url).status_code == 200

    users["ipslo"].groups.remove(Group.objects.get(name=Role.IPSLO))

    answer = client.get(url)
    assert answer.status_code == 403 and answer.context["reason_code"] == "role_required"
    assert client.get(reverse("assessments:list")).status_code == 403
    assert client.get(f"/api/v1/assessments/{record['closed'].pk}/").status_code == 403


def test_a_deactivated_user_is_signed_out_on_the_next_request(users, record):
    client = Client()
    client.force_login(users["ipslo"])
    url = reverse("assessments:detail", args=[record["closed"].pk])
    assert client.get(url).status_code == 200

    users["ipslo"].is_active = False
    users["ipslo"].save(update_fields=["is_active"])

    answer = client.get(url)
    assert answer.status_code == 302 and reverse("login") in answer["Location"]
    assert client.get(f"/api/v1/assessments/{record['closed'].pk}/").status_code in (401, 403)


def test_a_revoked_token_is_refused_on_the_next_request(users):
    api_client = api_services.api_client_create(username="port-systems", name="Port systems", by=users["lant51"])
    key = api_services.api_token_issue(client=api_client, by=users["lant51"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/countries/").status_code == 200

    api_services.api_token_revoke(client=api_client, by=users["lant51"])

    assert api.get("/api/v1/countries/").status_code == 401
