"""The PSA-1 and IPSLO home pages run the same number of SQL queries whatever the amount of data: every
list is bounded and every count aggregated in SQL (the timing at full size is bench/dashboards.py's)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisories.choices import AdvisoryStatus, CostBorneBy, EscalationKind, ProposalKind, ProposalState, RequestState
from advisories.models import (
    AdvisoryExemption,
    AdvisoryListing,
    EscalationStep,
    ListingProposal,
    SeparateConsiderationRequest,
)
from assessments.choices import (
    AssessmentState,
    Basis,
    DeterminationSource,
    DeterminationState,
    Outcome,
    VisitFacilityStatus,
)
from assessments.models import Assessment, CredibleReport, Determination, TeamMember, VisitFacility
from assessments.services.checklists import checklist_load_reference
from countries.choices import AssignmentKind, NodeCode
from countries.models import Country, Port, PortFacility, PortfolioAssignment
from ips.models import Notification
from tests.dashboards.test_homes import HOME, NOW, TODAY, advisory, ago, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def checklist(db):
    return checklist_load_reference()[0]


# Generous ceilings: the point is that the count does not grow; these catch a page that starts to
# read far more than it needs.
PSA1_MAX_QUERIES = 18
IPSLO_MAX_QUERIES = 22


def _code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "J" + letters[n // 26] + letters[n % 26]


def _countries(start: int, count: int, node, **fields) -> list[Country]:
    return Country.objects.bulk_create(
        Country(iso2=_code(start + i)[1:], iso3=_code(start + i), name=f"Bulkland {start + i:03d}", node=node,
                **fields)
        for i in range(count)
    )


def _facilities(countries) -> list[PortFacility]:
    ports = Port.objects.bulk_create(Port(country=c, locode=f"{c.iso2}BLK", name=f"{c.name} port") for c in countries)
    return PortFacility.objects.bulk_create(
        PortFacility(port=p, imo_number=f"{p.locode}-0001", name=f"{p.name} terminal", facility_type="container")
        for p in ports
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(captured.captured_queries)


# --- PSA-1 ----------------------------------------------------------------------------------------


def _grow_psa1(start: int, count: int, *, users, nodes, checklist, in_force, draft) -> None:
    """``count`` more countries, each with a recommendation waiting (from a case awaiting its
    determination, a credible report or a denial of access), a proposal (open or accepted), a
    separate-consideration request (reviewed, received or accepted) and a place on the advisories."""
    lant51, psa1 = users["lant51"], users["psa1"]
    countries = _countries(start, count, nodes[NodeCode.ACTEUR])
    cases = Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=users["ipslo"], checklist_template=checklist, created_by=lant51,
                   state=AssessmentState.AWAITING_DETERMINATION, state_changed_at=ago(i % 30))
        for i, c in enumerate(countries) if i % 3 == 0
    )
    case_of = {case.country_id: case for case in cases}
    reports = {r.country_id: r for r in CredibleReport.objects.bulk_create(
        CredibleReport(country=c, source_agency="CBP", report_date=TODAY, summary="Concerns.", recorded_by=lant51)
        for i, c in enumerate(countries) if i % 3 == 1
    )}
    waiting = []
    for i, c in enumerate(countries):
        source = [DeterminationSource.ASSESSMENT, DeterminationSource.CREDIBLE_REPORT,
                  DeterminationSource.ACCESS_DENIED][i % 3]
        waiting.append(Determination(
            country=c, source=source, assessment=case_of.get(c.pk), credible_report=reports.get(c.pk),
            outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.D, rationale="Waiting.", effective_date=TODAY,
            state=DeterminationState.RECOMMENDED, recommended_by=lant51, recommended_at=ago(1 + i % 40)))
    Determination.objects.bulk_create(waiting)
    decided = Determination.objects.bulk_create(
        Determination(country=c, source=DeterminationSource.CREDIBLE_REPORT, outcome=Outcome.NOT_SUBSTANTIALLY,
                      basis=Basis.C, rationale="Decided.", effective_date=TODAY, state=DeterminationState.APPROVED,
                      recommended_by=lant51, recommended_at=ago(60), decided_by=psa1, decided_at=ago(50))
        for c in countries
    )
    proposals = []
    for i, d in enumerate(decided):
        state = [ProposalState.OPEN, ProposalState.ACCEPTED, ProposalState.ACCEPTED, ProposalState.DISMISSED][i % 4]
        proposals.append(ListingProposal(
            country_id=d.country_id, kind=ProposalKind.LIST if i % 2 else ProposalKind.DELIST, determination=d,
            state=state, advisory=draft if i % 4 == 2 else None,
            decided_at=None if state == ProposalState.OPEN else ago(2),
            decided_by=None if state == ProposalState.OPEN else psa1))
    ListingProposal.objects.bulk_create(proposals)
    facilities = _facilities(countries)
    states = [RequestState.UNDER_REVIEW, RequestState.RECEIVED, RequestState.ACCEPTED, RequestState.REFUSED]
    requests = SeparateConsiderationRequest.objects.bulk_create(
        SeparateConsiderationRequest(
            facility=f, country_id=f.port.country_id, received_on=TODAY - dt.timedelta(days=40),
            state=states[i % 4], plan_file="bulk/plan.pdf", plan_name="plan.pdf", plan_sha256="0" * 64,
            plan_size=1, rso_name="RSO", rso_qualifications="-", rso_independence="-",
            cost_borne_by=CostBorneBy.FACILITY, report_file="bulk/report.pdf", report_name="report.pdf",
            report_sha256="1" * 64, report_size=1,
            recommendation="" if states[i % 4] == RequestState.RECEIVED else "accept",
            reviewed_by=None if states[i % 4] == RequestState.RECEIVED else lant51,
            reviewed_at=None if states[i % 4] == RequestState.RECEIVED else ago(1 + i % 20),
            decision_reasons="Decided." if states[i % 4] in (RequestState.ACCEPTED, RequestState.REFUSED) else "",
            created_by=lant51)
        for i, f in enumerate(facilities)
    )
    AdvisoryListing.objects.bulk_create(AdvisoryListing(advisory=in_force, country=c) for c in countries[::2])
    AdvisoryListing.objects.bulk_create(AdvisoryListing(advisory=draft, country=c) for c in countries[1::2])
    AdvisoryExemption.objects.bulk_create(
        AdvisoryExemption(advisory=draft if i % 8 == 2 else in_force, country_id=r.country_id, facility=r.facility,
                          imo_number=r.facility.imo_number, name=r.facility.name, request=r)
        for i, r in enumerate(requests) if r.state == RequestState.ACCEPTED and i % 8 != 6
    )


@pytest.fixture
def psa1_setup(users, nodes, checklist):
    in_force = advisory(by=users["psa1"], status=AdvisoryStatus.IN_FORCE, countries=[], sequence=1)
    draft = advisory(by=users["psa1"], status=AdvisoryStatus.DRAFT, countries=[])
    return {"users": users, "nodes": nodes, "checklist": checklist, "in_force": in_force, "draft": draft}


def test_psa1_home_queries_do_not_grow_with_data(psa1_setup):
    client = login(psa1_setup["users"]["psa1"])
    _grow_psa1(0, 8, **psa1_setup)
    client.get(HOME)  # warm the content type and session caches
    small = _queries(client)
    response = client.get(HOME)
    assert response.context["decisions"].queue.total == 8 and not response.context["decisions"].queue.more

    _grow_psa1(8, 120, **psa1_setup)
    large = _queries(client)
    response = client.get(HOME)
    decisions, proposals = response.context["decisions"], response.context["proposals"]
    assert decisions.queue.total == 128 and decisions.queue.more
    assert proposals.open.total == 32 and proposals.open.more
    assert response.context["requests"].decision.total == 32
    assert response.context["advisory"].draft_adds and response.context["advisory"].draft_removes
    assert small == large <= PSA1_MAX_QUERIES, (small, large)


# --- IPSLO ------------------------------------------------------------------------------------------


def _grow_ipslo(start: int, count: int, *, users, nodes, checklist) -> None:
    """``count`` more countries in the IPSLO's portfolio (due at various dates), half with a planned
    visit and its deadlines, some under a 90-day mitigation period (ended, escalated or running), as
    many cases of the other IPSLO with this one on the team, and unread notifications."""
    ipslo, other, lant51, psa1 = users["ipslo"], users["other_ipslo"], users["lant51"], users["psa1"]
    mine = _countries(start, count, nodes[NodeCode.ACTEUR])
    for i, c in enumerate(mine):
        c.next_assessment_due = TODAY + dt.timedelta(days=(i * 37) % 500 - 60)
    Country.objects.bulk_update(mine, ["next_assessment_due"])
    PortfolioAssignment.objects.bulk_create(
        PortfolioAssignment(country=c, ipslo=ipslo, kind=AssignmentKind.PRIMARY, start_date=dt.date(2024, 1, 1))
        for c in mine
    )
    planned = Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=ipslo, checklist_template=checklist, created_by=lant51,
                   state=AssessmentState.PLANNED, state_changed_at=ago(i % 20),
                   proposed_start=TODAY + dt.timedelta(days=20 + i * 3),
                   proposed_end=TODAY + dt.timedelta(days=24 + i * 3))
        for i, c in enumerate(mine) if i % 2 == 0
    )
    facilities = _facilities([case.country for case in planned])
    VisitFacility.objects.bulk_create(
        VisitFacility(assessment=case, facility=f, status=VisitFacilityStatus.PROPOSED)
        for case, f in zip(planned, facilities, strict=True)
    )
    ended = Determination.objects.bulk_create(
        Determination(country=c, source=DeterminationSource.CREDIBLE_REPORT, outcome=Outcome.NOT_SUBSTANTIALLY,
                      basis=Basis.C, rationale="Decided.", effective_date=TODAY - dt.timedelta(days=60 + i * 20),
                      state=DeterminationState.APPROVED, recommended_by=lant51, recommended_at=ago(200),
                      decided_by=psa1, decided_at=ago(190))
        for i, c in enumerate(mine) if i % 3 == 1
    )
    EscalationStep.objects.bulk_create(
        EscalationStep(country_id=d.country_id, determination=d, kind=EscalationKind.MARSEC_DIRECTIVE,
                       federal_register_citation="91 FR 1234", issued_on=TODAY, recorded_by=psa1)
        for d in ended[::2]
    )
    theirs = _countries(start + 500, count, nodes[NodeCode.FEACT])
    PortfolioAssignment.objects.bulk_create(
        PortfolioAssignment(country=c, ipslo=other, kind=AssignmentKind.PRIMARY, start_date=dt.date(2024, 1, 1))
        for c in theirs
    )
    team_states = [AssessmentState.ON_SITE, AssessmentState.REPORT_DRAFTING, AssessmentState.UNDER_REVIEW,
                   AssessmentState.CONFIRMED]
    shared = Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=other, checklist_template=checklist, created_by=lant51,
                   state=team_states[i % 4], state_changed_at=ago(i % 15),
                   visit_start=TODAY + dt.timedelta(days=i - 10), visit_end=TODAY + dt.timedelta(days=i - 6))
        for i, c in enumerate(theirs)
    )
    TeamMember.objects.bulk_create(
        TeamMember(assessment=case, user=ipslo, name="IPSLO", is_leader=i % 2 == 0) for i, case in enumerate(shared)
    )
    Notification.objects.bulk_create(
        Notification(recipient=ipslo, kind="bulk", key=f"bulk:{start}:{n}", title=f"Reminder {start + n}",
                     url="/countries/" if n % 2 else "https://elsewhere.example/")
        for n in range(count)
    )


def test_ipslo_home_queries_do_not_grow_with_data(users, nodes, checklist):
    client = login(users["ipslo"])
    _grow_ipslo(0, 6, users=users, nodes=nodes, checklist=checklist)
    client.get(HOME)
    small = _queries(client)
    response = client.get(HOME)
    assert response.context["countries"].total == 6 and response.context["cases"].total == 9
    assert any(d.overdue for d in response.context["deadlines"].rows)

    _grow_ipslo(6, 90, users=users, nodes=nodes, checklist=checklist)
    large = _queries(client)
    response = client.get(HOME)
    context = response.context
    assert context["countries"].total == 96 and context["countries"].more
    assert context["cases"].total == 144 and context["cases"].more
    assert context["deadlines"].more and context["notifications"].more
    assert small == large <= IPSLO_MAX_QUERIES, (small, large)
