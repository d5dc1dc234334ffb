"""``manage.py seed_demo``: the demonstration country assessments and determinations."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from assessments.choices import (
    UNRESOLVED_FINDING_STATUSES,
    AssessmentState,
    Basis,
    ChecklistScope,
    DeterminationSource,
    DeterminationState,
    EngagementKind,
    FindingStatus,
    Outcome,
    Severity,
    VisitFacilityStatus,
)
from assessments.constants import REASSESSMENT_INTERVAL_YEARS
from assessments.models import (
    Assessment,
    ChecklistItem,
    ChecklistResponse,
    CredibleReport,
    Determination,
    Engagement,
    Evidence,
    Finding,
    FindingStatusChange,
    ItineraryItem,
    ReportVersion,
    TeamMember,
    Transition,
)
from countries.choices import ComplianceStatus, NodeCode
from countries.models import Country

PASSWORD = "harbour-lights-2291"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Build the demo once for this module, inside a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), override_settings(DEMO_PASSWORD=PASSWORD):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db, settings):
    settings.DEMO_PASSWORD = PASSWORD


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Assessment, Finding, FindingStatusChange, Determination, ChecklistResponse, Transition, ReportVersion,
            TeamMember, ItineraryItem, Engagement, CredibleReport, LogEntry,
        )
    }


def test_a_case_in_every_state(seeded):
    states = set(Assessment.objects.values_list("state", flat=True))
    assert states == set(AssessmentState.values)


def test_approved_determinations_of_every_outcome_and_basis(seeded):
    approved = Determination.objects.filter(state=DeterminationState.APPROVED)
    assert set(approved.values_list("outcome", flat=True)) == set(Outcome.values)
    not_substantially = approved.filter(outcome=Outcome.NOT_SUBSTANTIALLY)
    assert {(d.basis, d.source) for d in not_substantially} >= {
        (Basis.B, DeterminationSource.ASSESSMENT),
        (Basis.C, DeterminationSource.CREDIBLE_REPORT),
        (Basis.D, DeterminationSource.ACCESS_DENIED),
    }
    assert not approved.exclude(outcome=Outcome.NOT_SUBSTANTIALLY).exclude(basis="").exists()


def test_a_basis_a_recommendation_waits_for_psa1(seeded):
    waiting = Determination.objects.get(basis=Basis.A)
    assert waiting.state == DeterminationState.RECOMMENDED
    assert waiting.source == DeterminationSource.CREDIBLE_REPORT and waiting.credible_report.summary
    assert waiting.recommended_by.username == "lant51"


def test_deficiencies_seen_at_facilities_have_photographs(seeded):
    evidence = Evidence.objects.select_related("finding")
    assert evidence.count() >= 5
    for item in evidence:
        assert item.finding.severity != Severity.OBSERVATION and item.finding.facility_id
        assert item.content_type == "image/png" and item.caption
        with item.file.open("rb") as handle:
            assert Image.open(handle).size == (640, 400)


def test_every_node_has_cases_in_several_states_and_approved_determinations(seeded):
    for node in NodeCode.values:
        cases = Assessment.objects.filter(country__node__code=node)
        assert len(set(cases.values_list("state", flat=True))) >= 4, node
        assert Determination.objects.filter(country__node__code=node, state=DeterminationState.APPROVED).exists()


def test_country_status_derives_from_latest_approved_determination_and_last_closed_visit(seeded):
    countries = Country.objects.filter(determinations__state=DeterminationState.APPROVED).distinct()
    assert countries.count() >= 10
    for country in countries:
        latest = country.determinations.filter(state=DeterminationState.APPROVED).order_by(
            "-effective_date", "-decided_at", "-id"
        ).first()
        last_visit = country.assessments.filter(state=AssessmentState.CLOSED).aggregate(last=Max("visit_end"))["last"]
        assert country.compliance_status == latest.outcome, country
        assert country.determination_date == latest.effective_date, country
        assert country.last_assessment_date == last_visit, country
        assert last_visit is not None, country
        assert country.next_assessment_due == last_visit + relativedelta(years=REASSESSMENT_INTERVAL_YEARS)
    never_decided = Country.objects.exclude(pk__in=countries).filter(assessments__isnull=False).distinct()
    assert never_decided.exists()
    assert set(never_decided.values_list("compliance_status", flat=True)) == {ComplianceStatus.UNDETERMINED}


def test_dates_follow_today_so_some_countries_are_due_soon_and_some_overdue(seeded):
    today = timezone.localdate()
    closed_visits = Assessment.objects.filter(state=AssessmentState.CLOSED, visit_end__isnull=False)
    assert all(today - relativedelta(years=4) < case.visit_end < today for case in closed_visits)
    dues = list(Country.objects.filter(next_assessment_due__isnull=False).values_list("next_assessment_due", flat=True))
    assert any(due < today for due in dues), "no country is overdue"
    assert any(today <= due <= today + dt.timedelta(days=120) for due in dues), "no country is due soon"

    on_site = Assessment.objects.get(state=AssessmentState.ON_SITE)
    assert on_site.visit_start <= today <= on_site.visit_end
    assert (on_site.visit_end - on_site.visit_start).days < 7
    for case in Assessment.objects.filter(state=AssessmentState.PLANNED):
        assert today + dt.timedelta(days=55) <= case.proposed_start <= today + dt.timedelta(days=185), case


def test_second_run_creates_and_changes_nothing(seeded):
    before = counts()
    cases = sorted(Assessment.objects.values_list("pk", "state", "updated_at"))
    countries = sorted(Country.objects.values_list("pk", "updated_at", "compliance_status"))

    output = seed()

    assert counts() == before
    assert sorted(Assessment.objects.values_list("pk", "state", "updated_at")) == cases
    assert sorted(Country.objects.values_list("pk", "updated_at", "compliance_status")) == countries
    assert "nothing to add" in output


def test_rerun_keeps_a_demo_case_moved_on_in_the_app(seeded):
    from assessments import services

    case = Assessment.objects.get(state=AssessmentState.PLANNED, country__iso2="MX")
    services.assessment_transition(assessment=case, name="cancel", by=_user("lant51"), comment="No longer needed.")
    before = counts()

    seed()

    assert counts() == before
    case.refresh_from_db()
    assert case.state == AssessmentState.CANCELLED


def test_new_case_carries_the_open_findings_of_the_previous_closed_case(seeded):
    carrying = [
        case for case in Assessment.objects.filter(state__in=[AssessmentState.PLANNED, AssessmentState.NOTIFIED])
        if case.findings.filter(carried_from__isnull=False).exists()
    ]
    assert carrying
    for case in carrying:
        previous = case.previous
        assert previous is not None and previous.state == AssessmentState.CLOSED
        assert previous.country_id == case.country_id
        carried = {f.carried_from_id for f in case.findings.all()}
        still_open = set(previous.findings.filter(status__in=UNRESOLVED_FINDING_STATUSES).values_list("pk", flat=True))
        assert carried == still_open
        assert previous.findings.exclude(status__in=UNRESOLVED_FINDING_STATUSES).exists()


def test_a_returned_recommendation_then_an_approved_one_for_the_same_case(seeded):
    returned = Determination.objects.get(state=DeterminationState.RETURNED)
    assert returned.decided_by.username == "psa1" and returned.decision_comment
    approved = Determination.objects.get(assessment=returned.assessment, state=DeterminationState.APPROVED)
    assert approved.outcome != returned.outcome
    names = list(returned.assessment.transitions.values_list("name", flat=True))
    assert names[-4:] == ["recommend", "return_recommendation", "recommend", "approve"]


def test_determination_from_a_credible_report(seeded):
    determination = Determination.objects.get(
        source=DeterminationSource.CREDIBLE_REPORT, state=DeterminationState.APPROVED
    )
    report = determination.credible_report
    assert report.country == determination.country and report.summary and report.source_agency
    assert report.report_date <= determination.effective_date
    assert determination.country.compliance_status == Outcome.NOT_SUBSTANTIALLY


def test_engagements_of_other_kinds_address_findings_of_their_country(seeded):
    kinds = set(Engagement.objects.values_list("kind", flat=True))
    assert {EngagementKind.CAPACITY_BUILDING, EngagementKind.LIAISON, EngagementKind.ABBREVIATED} <= kinds
    linked = Engagement.objects.filter(findings__isnull=False).distinct()
    assert linked.count() >= 3
    for engagement in linked:
        assert engagement.participants and engagement.summary
        for finding in engagement.findings.all():
            assert finding.assessment.country_id == engagement.country_id


def test_closed_cases_have_findings_in_mitigation_and_closed_ones_with_history(seeded):
    closed = Finding.objects.filter(assessment__state=AssessmentState.CLOSED)
    assert closed.filter(status=FindingStatus.IN_MITIGATION).count() >= 3
    assert closed.filter(status=FindingStatus.RESOLVED_DURING_VISIT).exists()
    for finding in closed.filter(status=FindingStatus.CLOSED):
        history = list(finding.status_changes.values_list("to_status", flat=True))
        assert history[0] == FindingStatus.OPEN and history[-1] == FindingStatus.CLOSED


def test_findings_are_documented_with_references_methods_and_dates_shared(seeded):
    findings = Finding.objects.filter(carried_from__isnull=True).select_related("assessment")
    assert findings.count() >= 30
    for finding in findings:
        assert finding.isps_reference.startswith(("ISPS Code", "SOLAS")), finding
        assert finding.method and finding.severity and finding.recommendation and finding.rationale
        case = finding.assessment
        assert case.visit_start <= finding.shared_with_host_on <= case.visit_end, finding
        assert finding.created_by_id == case.ipslo_id
        if finding.facility_id:
            assert finding.facility.port.country_id == case.country_id
    assert findings.filter(facility__isnull=True).exists() and findings.filter(facility__isnull=False).exists()
    assert any("A/14.2.2" in f.isps_reference for f in findings)


def test_checklist_answers_cover_the_government_and_only_visited_facilities(seeded):
    facility_answers = ChecklistResponse.objects.filter(visit_facility__isnull=False)
    assert facility_answers.exists()
    assert not facility_answers.exclude(visit_facility__status=VisitFacilityStatus.VISITED).exists()
    assert not facility_answers.exclude(item__section__scope=ChecklistScope.FACILITY).exists()
    for case in Assessment.objects.filter(state=AssessmentState.CLOSED, visit_end__isnull=False):
        template = case.checklist_template
        government = ChecklistItem.objects.filter(section__template=template, section__scope=ChecklistScope.GOVERNMENT)
        per_facility = ChecklistItem.objects.filter(section__template=template, section__scope=ChecklistScope.FACILITY)
        assert case.responses.filter(visit_facility__isnull=True).count() == government.count(), case
        visited = case.visit_facilities.filter(status=VisitFacilityStatus.VISITED)
        assert visited.exists(), case
        for visit in visited:
            assert visit.responses.count() == per_facility.count(), visit


def test_cases_that_went_on_site_have_a_led_team_an_itinerary_and_a_report(seeded):
    past_visit = Assessment.objects.filter(visit_start__isnull=False).exclude(state=AssessmentState.PREPARING)
    assert past_visit.count() >= 15
    for case in past_visit:
        leaders = case.team.filter(is_leader=True)
        assert leaders.count() == 1 and leaders.get().user_id, case
        kinds = set(case.itinerary.values_list("kind", flat=True))
        assert {"embassy_meeting", "opening_meeting", "facility_visit", "out_brief"} <= kinds, case
    assert TeamMember.objects.filter(
        agency="CBP", assessment__visit_facilities__facility__port__is_csi_port=True
    ).exists()
    for case in Assessment.objects.filter(state__in=[AssessmentState.CLOSED, AssessmentState.UNDER_REVIEW,
                                                     AssessmentState.AWAITING_DETERMINATION]):
        report = case.reports.order_by("-number").first()
        if case.visit_end is None:
            assert report is None  # a denial of access leaves no report
            continue
        assert report is not None and not report.missing_sections, case
        assert report.author == case.team.get(is_leader=True).user
        assert case.country.name in report.introduction


def test_the_right_people_act_so_separation_of_duties_holds(seeded):
    for determination in Determination.objects.exclude(state=DeterminationState.RECOMMENDED):
        assert determination.recommended_by.username == "lant51"
        assert determination.decided_by.username == "psa1"
        if determination.assessment_id:
            authors = set(determination.assessment.reports.values_list("author__username", flat=True))
            assert "psa1" not in authors
    pending = Determination.objects.get(state=DeterminationState.RECOMMENDED, assessment__isnull=False)
    assert pending.assessment.state == AssessmentState.AWAITING_DETERMINATION
    for transition in Transition.objects.filter(name="approve"):
        assert transition.by.username == "psa1"
    for transition in Transition.objects.filter(name__in=["notify", "confirm", "prepare", "start_visit"]):
        assert transition.by_id == transition.assessment.ipslo_id
    assert Transition.objects.filter(name="return_report", by__username="lant51").exclude(comment="").exists()
    assert Transition.objects.filter(name="cancel", by__username="lant51").exists()


def _user(username):
    from ips.models import User

    return User.objects.get(username=username)
