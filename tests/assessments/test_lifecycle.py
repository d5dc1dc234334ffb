import datetime as dt

import pytest
from auditlog.models import LogEntry

from assessments import services
from assessments.choices import AssessmentState, DeterminationState, Outcome
from assessments.errors import ErrorCode, WorkflowError
from assessments.models import Transition
from countries.choices import ComplianceStatus
from ips import permissions
from tests.assessments.conftest import VISIT_END, drive_to

pytestmark = pytest.mark.django_db


def test_whole_lifecycle_to_an_approved_determination_sets_the_country_status(case, users, leader):
    case = drive_to(case, "closed", users, leader=leader)

    assert case.state == AssessmentState.CLOSED
    determination = case.determinations.get()
    assert determination.state == DeterminationState.APPROVED
    assert determination.decided_by == users["psa1"]
    country = case.country
    country.refresh_from_db()
    assert country.compliance_status == ComplianceStatus.SUBSTANTIALLY
    assert country.determination_date == dt.date(2027, 4, 1)
    assert country.last_assessment_date == VISIT_END  # 6 November 2026
    assert country.next_assessment_due == dt.date(2029, 11, 6)
    steps = list(Transition.objects.filter(assessment=case).values_list("name", flat=True))
    assert steps == ["notify", "confirm", "prepare", "start_visit", "finish_visit", "submit_report", "recommend",
                     "approve"]
    assert LogEntry.objects.get_for_object(case).filter(actor=users["psa1"]).exists()


def test_going_on_site_needs_confirmed_dates(case, users):
    drive_to(case, "confirmed", users)
    with pytest.raises(WorkflowError) as refused:
        services.assessment_transition(assessment=case, name="prepare", by=users["ipslo"])
    assert refused.value.error_code == ErrorCode.PRECONDITION_FAILED
    assert "Confirm the visit dates" in str(refused.value)
    case.refresh_from_db()
    assert case.state == AssessmentState.CONFIRMED


def test_a_step_not_allowed_from_the_current_state_is_refused(case, users):
    with pytest.raises(WorkflowError) as refused:
        services.assessment_transition(assessment=case, name="submit_report", by=users["ipslo"])
    assert refused.value.error_code == ErrorCode.NOT_ALLOWED_FROM_STATE


def test_returning_the_report_needs_a_comment(case, users, leader):
    drive_to(case, "under_review", users, leader=leader)
    with pytest.raises(WorkflowError) as refused:
        services.assessment_transition(assessment=case, name="return_report", by=users["lant51"], comment="  ")
    assert refused.value.error_code == ErrorCode.COMMENT_REQUIRED
    services.assessment_transition(assessment=case, name="return_report", by=users["lant51"], comment="Add detail.")
    case.refresh_from_db()
    assert case.state == AssessmentState.REPORT_DRAFTING
    assert case.transitions.last().comment == "Add detail."


def test_recommender_cannot_approve(case, users, leader, make_user):
    drive_to(case, "awaiting_determination", users, leader=leader)
    determination = case.determinations.get()
    # LANT-51 who recommended is also given PSA-1: still may not approve.
    users["lant51"].groups.add(*users["psa1"].groups.all())
    lant51 = type(users["lant51"]).objects.get(pk=users["lant51"].pk)
    with pytest.raises(permissions.Refused) as refused:
        services.determination_approve(determination=determination, by=lant51)
    assert refused.value.code == permissions.Reason.SEPARATION_OF_DUTIES


def test_report_author_cannot_approve(case, users, make_user):
    author = make_user("author.psa", "PSA-1")
    author.groups.add(*users["ipslo"].groups.all())
    author.node = users["ipslo"].node
    author.save()
    author = type(author).objects.get(pk=author.pk)
    drive_to(case, "awaiting_determination", users, leader=author)
    with pytest.raises(permissions.Refused) as refused:
        services.determination_approve(determination=case.determinations.get(), by=author)
    assert refused.value.code == permissions.Reason.SEPARATION_OF_DUTIES
    # Returning the recommendation is deciding too: refused with the same reason.
    with pytest.raises(permissions.Refused) as refused:
        services.determination_return(determination=case.determinations.get(), by=author, comment="Rework it.")
    assert refused.value.code == permissions.Reason.SEPARATION_OF_DUTIES


def test_access_denied_leads_to_a_basis_d_determination(case, users):
    drive_to(case, "notified", users)
    services.assessment_transition(assessment=case, name="deny_access", by=users["ipslo"], comment="Refused entry.")
    with pytest.raises(Exception):  # noqa: B017 - any other outcome is refused
        services.determination_recommend(assessment=case, by=users["lant51"], outcome=Outcome.MINIMALLY,
                                         rationale="x", effective_date=dt.date(2027, 1, 1))
    determination = services.determination_recommend(
        assessment=case, by=users["lant51"], outcome=Outcome.NOT_SUBSTANTIALLY, basis="d",
        rationale="Access denied.", effective_date=dt.date(2027, 1, 1))
    services.determination_approve(determination=determination, by=users["psa1"])
    case.refresh_from_db()
    case.country.refresh_from_db()
    assert case.state == AssessmentState.CLOSED
    assert case.country.compliance_status == ComplianceStatus.NOT_SUBSTANTIALLY


def test_returned_recommendation_goes_back_to_review(case, users, leader):
    drive_to(case, "awaiting_determination", users, leader=leader)
    services.determination_return(determination=case.determinations.get(), by=users["psa1"], comment="Rethink.")
    case.refresh_from_db()
    assert case.state == AssessmentState.UNDER_REVIEW
    services.determination_recommend(
        assessment=case, by=users["lant51"], outcome=Outcome.MINIMALLY, rationale="Gaps.",
        effective_date=dt.date(2027, 4, 2))
    case.refresh_from_db()
    assert case.state == AssessmentState.AWAITING_DETERMINATION


def test_a_new_case_carries_the_open_findings_of_the_previous_one(case, users, leader):
    drive_to(case, "on_site", users, leader=leader)
    services.finding_create(assessment=case, by=users["ipslo"], data={
        "title": "Gate unattended", "description": "No guard at gate 3.", "method": "observation",
        "severity": "deficiency", "reference": "ISPS Code A/14.2.2"})
    closed = services.finding_create(assessment=case, by=users["ipslo"], data={
        "title": "Fixed", "description": "Fixed.", "method": "interview", "severity": "observation"})
    services.finding_set_status(finding=closed, by=users["ipslo"], status="resolved_during_visit")
    drive_to(case, "closed", users, leader=leader)
    new_case = services.assessment_create(country=case.country, by=users["ipslo"])
    carried = list(new_case.findings.all())
    assert [f.title for f in carried] == ["Gate unattended"]
    assert carried[0].carried_from.assessment == case
    assert new_case.previous == case
