"""Workflow steps over the API: services called, audit trail written, errors in the one shape."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from assessments.models import Assessment, Determination, Transition
from tests.api.conftest import drive_to
from tests.assessments.conftest import VISIT_START

SHAPE = {"detail", "code", "errors"}


def transition_url(case, name):
    return f"/api/v1/assessments/{case.pk}/transitions/{name}/"


def audit_entries(case, actor):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Assessment), object_pk=str(case.pk), actor=actor
    )


def test_api_transition_is_recorded_like_the_browser_one(case, users, token_for, client):
    drive_to(case, "confirmed", users)
    response = token_for(users["ipslo"]).post(transition_url(case, "postpone"), {"comment": "Host asked to wait."},
                                              format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "postponed"
    step = Transition.objects.filter(assessment=case).latest("id")
    assert (step.name, step.from_state, step.to_state, step.by) == ("postpone", "confirmed", "postponed",
                                                                   users["ipslo"])
    assert step.comment == "Host asked to wait."
    api_entry = audit_entries(case, users["ipslo"]).latest("id")
    assert api_entry.changes_dict["state"] == ["confirmed", "postponed"]
    # The same kind of step in the browser leaves the same records.
    client.force_login(users["ipslo"])
    browser = client.post(reverse("assessments:transition", args=[case.pk, "resume"]))
    assert browser.status_code == 302
    step = Transition.objects.filter(assessment=case).latest("id")
    assert (step.name, step.by) == ("resume", users["ipslo"])
    assert audit_entries(case, users["ipslo"]).latest("id").changes_dict["state"] == ["postponed", "planned"]


def test_step_not_possible_from_the_state_is_409(case, users, token_for):
    response = token_for(users["ipslo"]).post(transition_url(case, "finish_visit"), {}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "This step is not possible from the case's current state.",
                               "code": "not_allowed_from_state", "errors": {}}
    case.refresh_from_db()
    assert case.state == "planned"


def test_unmet_conditions_are_400_with_the_problems(case, users, token_for):
    response = token_for(users["ipslo"]).post(transition_url(case, "notify"), {"comment": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "precondition_failed"
    assert "Record the date the informal notice was given." in body["errors"]["non_field_errors"]
    assert not Transition.objects.filter(assessment=case).exists()


def test_missing_comment_is_400(case, users, token_for):
    response = token_for(users["ipslo"]).post(transition_url(case, "postpone"), {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "comment_required"


def test_unknown_step_is_404_and_bad_body_is_400(case, users, token_for):
    client = token_for(users["ipslo"])
    unknown = client.post(transition_url(case, "teleport"), {}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_transition"
    bad = client.post(transition_url(case, "postpone"), {"comment": ["not", "text"]}, format="json")
    assert bad.status_code == 400 and "comment" in bad.json()["errors"]
    garbage = client.post(transition_url(case, "postpone"), "{not json", content_type="application/json")
    assert garbage.status_code == 400 and set(garbage.json()) == SHAPE


def test_step_by_someone_without_the_right_is_403_and_outside_scope_is_404(case, users, token_for):
    assert token_for(users["psa1"]).post(transition_url(case, "postpone"), {"comment": "x"},
                                         format="json").status_code == 403
    outsider = token_for(users["other_ipslo"]).post(transition_url(case, "postpone"), {"comment": "x"}, format="json")
    assert outsider.status_code == 404 and set(outsider.json()) == SHAPE


def test_api_client_is_read_only(case, users, token_for, api_client_account):
    client = token_for(api_client_account)
    assert client.get("/api/v1/countries/").status_code == 200
    for url in (transition_url(case, "postpone"), "/api/v1/determinations/"):
        response = client.post(url, {"comment": "x"}, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "read_only_client"
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)("/api/v1/countries/XAX/").status_code == 403


def test_determination_recommend_approve_through_the_api(case, users, token_for, leader):
    drive_to(case, "under_review", users, leader=leader)
    recommend = token_for(users["lant51"]).post("/api/v1/determinations/", {
        "assessment": case.pk, "outcome": "substantially_implementing", "rationale": "Effective measures.",
        "effective_date": "2027-04-01"}, format="json")
    assert recommend.status_code == 201, recommend.json()
    pk = recommend.json()["id"]
    case.refresh_from_db()
    assert case.state == "awaiting_determination"
    # LANT-51 may not decide; PSA-1 approves; a second approval is a conflict.
    assert token_for(users["lant51"]).post(f"/api/v1/determinations/{pk}/approve/", {}, format="json").status_code \
        == 403
    approve = token_for(users["psa1"]).post(f"/api/v1/determinations/{pk}/approve/", {"comment": "Agreed."},
                                           format="json")
    assert approve.status_code == 200 and approve.json()["state"] == "approved"
    case.refresh_from_db()
    assert case.state == "closed"
    again = token_for(users["psa1"]).post(f"/api/v1/determinations/{pk}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert audit_entries(case, users["psa1"]).exists()


def test_return_needs_a_comment_and_bad_recommendation_is_400(case, users, token_for, leader):
    drive_to(case, "awaiting_determination", users, leader=leader)
    determination = Determination.objects.get(assessment=case)
    psa1 = token_for(users["psa1"])
    no_comment = psa1.post(f"/api/v1/determinations/{determination.pk}/return/", {}, format="json")
    assert no_comment.status_code == 400 and no_comment.json()["code"] == "comment_required"
    returned = psa1.post(f"/api/v1/determinations/{determination.pk}/return/", {"comment": "Explain (b)."},
                         format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    lant51 = token_for(users["lant51"])
    missing = lant51.post("/api/v1/determinations/", {"outcome": "great"}, format="json")
    assert missing.status_code == 400
    assert {"outcome", "rationale", "effective_date"} <= set(missing.json()["errors"])
    needs_basis = lant51.post("/api/v1/determinations/", {
        "assessment": case.pk, "outcome": "not_substantially_implementing", "rationale": "Gaps.",
        "effective_date": "2027-04-01"}, format="json")
    assert needs_basis.status_code == 400 and set(needs_basis.json()) == {"detail", "code", "errors"}


def test_findings_list_only_visible_cases_with_attachment_links(case, users, token_for):
    from assessments import services

    drive_to(case, "on_site", users)
    finding = services.finding_create(assessment=case, by=users["ipslo"], data={
        "title": "Gate unguarded", "description": "No guard.", "method": "observation", "severity": "deficiency"})
    ipslo = token_for(users["ipslo"]).get("/api/v1/findings/").json()
    assert [row["id"] for row in ipslo["results"]] == [finding.pk]
    assert token_for(users["other_ipslo"]).get("/api/v1/findings/").json()["results"] == []
    assert token_for(users["other_ipslo"]).get(f"/api/v1/findings/{finding.pk}/").status_code == 404
    assert token_for(users["viewer"]).get(f"/api/v1/findings/{finding.pk}/").status_code == 403  # no case material


@override_settings(REST_FRAMEWORK={
    **__import__("django.conf").conf.settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_client": "2/min", "user": "3/min", "anon": "1/min"},
})
def test_throttled_request_gets_429_with_retry_after(users, token_for, api_client_account, nodes):
    client = token_for(api_client_account)
    assert [client.get("/api/v1/countries/").status_code for _ in range(2)] == [200, 200]
    throttled = client.get("/api/v1/countries/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    # People have their own, higher rate and their own bucket.
    person = token_for(users["viewer"])
    assert [person.get("/api/v1/countries/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize("header", ["Token not-a-key", "Bearer abc", ""])
def test_bad_or_missing_credentials_get_401(nodes, header):
    from rest_framework.test import APIClient

    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/countries/")
    assert response.status_code == 401 and set(response.json()) == SHAPE


def test_assessment_detail_has_facilities_and_responses(case, users, token_for):
    drive_to(case, "report_drafting", users)
    body = token_for(users["ipslo"]).get(f"/api/v1/assessments/{case.pk}/").json()
    assert len(body["facilities"]) == 2 and {f["status"] for f in body["facilities"]} == {"visited"}
    assert len(body["checklist_responses"]) == 2
    assert "submit_report" in body["available_transitions"]
    assert body["visit_start"] == VISIT_START.isoformat()
