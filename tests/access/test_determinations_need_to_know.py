"""Determinations are need-to-know before approval; the rationale and comments always are.

The role x object matrix: an IPSLO outside the country, the country's IPSLO, a visit team member,
LANT-51, PSA-1 and a Viewer, asking by page and by API, before and after approval.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import services as case_services
from assessments.choices import Basis, Outcome
from tests.assessments.conftest import drive_to

pytestmark = pytest.mark.django_db

RATIONALE = "The report quotes the open gate at Terminal 1."
RETURN_COMMENT = "Section 3 of the report needs the camera coverage."


@pytest.fixture
def pending(case, users, leader):  # noqa: F811
    """A recommendation that PSA-1 returned once and LANT-51 made again: waiting for PSA-1."""
    drive_to(case, "under_review", users, leader=leader)
    first = case_services.determination_recommend(
        assessment=case, by=users["lant51"], outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.B, rationale=RATIONALE,
        effective_date=dt.date(2027, 4, 1))
    case_services.determination_return(determination=first, by=users["psa1"], comment=RETURN_COMMENT)
    return case_services.determination_recommend(
        assessment=case, by=users["lant51"], outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.B, rationale=RATIONALE,
        effective_date=dt.date(2027, 4, 1))


@pytest.fixture
def credible(users, portfolio):
    report = case_services.credible_report_record(
        country=portfolio["country"], by=users["lant51"], source_agency="Another agency",
        report_date=dt.date(2026, 10, 1), summary="Port security forces withdrawn from the container terminal.")
    return case_services.determination_recommend(
        credible_report=report, by=users["lant51"], outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.C,
        rationale=RATIONALE, effective_date=dt.date(2026, 11, 1))


def _page(user, determination):
    client = Client()
    client.force_login(user)
    return client.get(reverse("assessments:determination", args=[determination.pk]))


def _api(user, url):
    api = APIClient()
    api.force_authenticate(user)
    return api.get(url)


def _listed(user, determination) -> tuple[bool, bool]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("assessments:determinations"))
    on_page = determination in page.context["page"].object_list
    rows = _api(user, "/api/v1/determinations/").json()["results"]
    return on_page, any(row["id"] == determination.pk for row in rows)


@pytest.mark.parametrize("who", ["ipslo", "leader", "lant51", "psa1"])
def test_those_with_a_need_to_know_read_a_pending_determination_in_full(who, users, leader, pending):
    user = leader if who == "leader" else users[who]
    page = _page(user, pending)
    assert page.status_code == 200
    assert RATIONALE in page.content.decode()
    answer = _api(user, f"/api/v1/determinations/{pending.pk}/")
    assert answer.status_code == 200
    assert answer.json()["rationale"] == RATIONALE
    assert _listed(user, pending) == (True, True)


def test_an_ipslo_outside_the_country_gets_404_before_approval(users, pending):
    outsider = users["other_ipslo"]
    assert _page(outsider, pending).status_code == 404
    assert _api(outsider, f"/api/v1/determinations/{pending.pk}/").status_code == 404
    assert _listed(outsider, pending) == (False, False)
    returned = pending.assessment.determinations.get(state="returned")
    assert _page(outsider, returned).status_code == 404
    assert _api(outsider, f"/api/v1/determinations/{returned.pk}/").status_code == 404


def test_after_approval_an_outsider_reads_the_outcome_but_never_the_rationale_or_comments(users, pending):
    case_services.determination_approve(determination=pending, by=users["psa1"], comment="Approved as recommended.")
    outsider = users["other_ipslo"]

    page = _page(outsider, pending)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not substantially" in text or "not substantially" in text.lower()
    assert RATIONALE not in text and "Approved as recommended." not in text
    answer = _api(outsider, f"/api/v1/determinations/{pending.pk}/").json()
    assert answer["outcome"] == Outcome.NOT_SUBSTANTIALLY and answer["basis"] == Basis.B
    assert answer["rationale"] is None and answer["decision_comment"] is None
    assert _listed(outsider, pending) == (True, True)
    # The returned recommendation, with PSA-1's comment quoting the report, stays need-to-know.
    returned = pending.assessment.determinations.get(state="returned")
    assert _page(outsider, returned).status_code == 404
    rows = _api(outsider, "/api/v1/determinations/").json()["results"]
    assert RETURN_COMMENT not in str(rows) and RATIONALE not in str(rows)


def test_the_country_ipslo_reads_the_return_comment(users, pending):
    returned = pending.assessment.determinations.get(state="returned")
    page = _page(users["ipslo"], returned)
    assert page.status_code == 200 and RETURN_COMMENT in page.content.decode()


def test_credible_report_determinations_follow_the_countrys_ipslo(users, credible):
    assert _page(users["ipslo"], credible).status_code == 200
    assert _page(users["other_ipslo"], credible).status_code == 404
    assert _api(users["other_ipslo"], f"/api/v1/determinations/{credible.pk}/").status_code == 404
    client = Client()
    client.force_login(users["other_ipslo"])
    report = reverse("assessments:credible_report", args=[credible.credible_report_id])
    assert client.get(report).status_code == 404
    listed = client.get(reverse("assessments:credible_reports")).context["page"].object_list
    assert credible.credible_report not in listed


def test_a_viewer_gets_the_same_refusal_from_the_page_and_the_api(users, pending):
    client = Client()
    client.force_login(users["viewer"])
    for page_url, api_url in [
        (reverse("assessments:list"), "/api/v1/assessments/"),
        (reverse("assessments:finding_list"), "/api/v1/findings/"),
        (reverse("assessments:determinations"), "/api/v1/determinations/"),
    ]:
        page = client.get(page_url)
        answer = _api(users["viewer"], api_url)
        assert (page.status_code, answer.status_code) == (403, 403), page_url
        assert page.context["reason_code"] == answer.json()["code"] == "role_required"
