"""Each role's token against each endpoint: allowed or refused as the permission rules say."""

import pytest

from tests.api.conftest import drive_to

ROLES = ["psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "api_client"]
EVERY_ROLE = {"psa1", "lant51", "ipslo", "other_ipslo", "viewer", "api_client"}
STAFF = {"psa1", "lant51", "ipslo", "other_ipslo"}
CASE_SEES = {"psa1", "lant51", "ipslo"}  # need to know: the case's IPSLO and the managers


def expected_reads(case_pk, finding_pk, determination_pk):
    """URL -> (roles allowed, status for the others). Case material refuses a role that never sees it
    (403) and hides a record outside the user's need to know (404)."""
    need_to_know = lambda role: 404 if role in STAFF else 403  # noqa: E731
    return {
        "/api/v1/countries/": (EVERY_ROLE, 403),
        "/api/v1/countries/xax/": (EVERY_ROLE, 403),
        "/api/v1/countries/export.json": (EVERY_ROLE, 403),
        "/api/v1/countries/export.csv": (EVERY_ROLE, 403),
        f"/api/v1/assessments/{case_pk}/": (CASE_SEES, need_to_know),
        f"/api/v1/findings/{finding_pk}/": (CASE_SEES, need_to_know),
        "/api/v1/determinations/": (STAFF, 403),
        # Pending: need to know.
        f"/api/v1/determinations/{determination_pk}/": (CASE_SEES, need_to_know),
        "/api/v1/schema/": (EVERY_ROLE | {"norole"}, 403),
    }


@pytest.fixture
def records(case, users, leader):
    from assessments import services

    drive_to(case, "on_site", users, leader=leader)
    finding = services.finding_create(assessment=case, by=users["ipslo"], data={
        "title": "Gate", "description": "Open.", "method": "observation", "severity": "observation"})
    drive_to(case, "awaiting_determination", users, leader=leader)
    return {"case": case, "finding": finding, "determination": case.determinations.get()}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_the_rules_allow(records, role_users, token_for, role):
    client = token_for(role_users[role])
    table = expected_reads(records["case"].pk, records["finding"].pk, records["determination"].pk)
    for url, (allowed, refusal) in table.items():
        status = client.get(url).status_code
        expected = 200 if role in allowed else refusal(role) if callable(refusal) else refusal
        assert status == expected, (role, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_what_the_role_may_see(records, role_users, token_for, role):
    client = token_for(role_users[role])
    if role not in STAFF:  # as the pages: case material is not for this role at all
        for url in ("/api/v1/assessments/", "/api/v1/findings/"):
            answer = client.get(url)
            assert (answer.status_code, answer.json()["code"]) == (403, "role_required"), url
        return
    cases = client.get("/api/v1/assessments/").json()["results"]
    findings = client.get("/api/v1/findings/").json()["results"]
    sees = role in CASE_SEES
    assert [c["id"] for c in cases] == ([records["case"].pk] if sees else [])
    assert [f["id"] for f in findings] == ([records["finding"].pk] if sees else [])


@pytest.mark.parametrize("role", ROLES)
def test_only_psa1_may_decide_and_only_lant51_recommend(records, role_users, token_for, role):
    client = token_for(role_users[role])
    determination = records["determination"]
    returned = client.post(f"/api/v1/determinations/{determination.pk}/return/", {"comment": ""}, format="json")
    # PSA-1 passes the permission check and is stopped by the missing comment; everyone else is refused.
    assert returned.status_code == {"psa1": 400, "other_ipslo": 404}.get(role, 403), role
    recommend = client.post("/api/v1/determinations/", {}, format="json")
    assert recommend.status_code == {"lant51": 400}.get(role, 403), role
    determination.refresh_from_db()
    assert determination.state == "recommended"


def test_anonymous_gets_401_everywhere(records):
    from rest_framework.test import APIClient

    client = APIClient()
    for url in expected_reads(records["case"].pk, records["finding"].pk, records["determination"].pk):
        assert client.get(url).status_code == 401, url
