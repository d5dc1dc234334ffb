"""The program dashboard runs the same, small number of queries whatever the amount of data: every count
is aggregated in the database (the timing at 250 countries and 50,000 findings is bench/dashboards.py's)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisories.models import EscalationStep
from assessments.choices import OPEN_STATES, AssessmentState, FindingStatus
from assessments.models import ChecklistItem, ReportVersion
from assessments.services.checklists import checklist_load_reference
from correspondence.choices import JobState, LetterKind
from correspondence.models import Letter
from countries.choices import ComplianceStatus, NodeCode
from ips.dashboards import program
from tests.dashboards import program_data as data

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")
# The panels' queries: one per panel, and the section titles (ips.dashboards.program.program_dashboard).
PANEL_QUERIES = 9
# The whole page: session, user, its groups (roles), the panels, the unread notifications count.
PAGE_QUERIES = 13


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(data.NOW, tick=False):
        yield


@pytest.fixture
def lant51(users):
    client = Client()
    client.force_login(users["lant51"])
    return client


def grow(to: int, *, start: int, nodes, users):
    """``to - start`` more countries of every node and status, each with an open case in the fiscal year,
    findings across the checklist (some on no item), every third one under an open or ended mitigation
    period (one with its report, one escalated), and every other one with a letter whose PDF job
    stalled."""
    template = checklist_load_reference()[0]
    items = list(ChecklistItem.objects.filter(section__template=template).order_by("pk"))
    statuses = list(ComplianceStatus)
    open_states = sorted(OPEN_STATES)
    for n in range(start, to):
        country = data.countries(1, node=nodes[NodeCode.values[n % 3]], start=n,
                                 compliance_status=statuses[n % len(statuses)], in_scope=n % 7 != 6,
                                 next_assessment_due=data.TODAY + dt.timedelta(days=(n * 37) % 500 - 60))[0]
        case = data.cases([country], state=open_states[n % len(open_states)], users=users, template=template,
                          changed=data.NOW - dt.timedelta(days=n),
                          proposed_start=dt.date(2027, 1, 1) + dt.timedelta(days=n))[0]
        data.findings(case, [items[(n + k) % len(items)] if k % 4 else None for k in range(3)],
                      status=list(FindingStatus)[n % 4], created_by=users["lant51"])
        if n % 2 == 0:
            stalled_letter(country, n)
        if n % 3 == 0:
            closed = data.cases([country], state=AssessmentState.CLOSED, users=users, template=template)[0]
            ReportVersion.objects.create(assessment=closed, number=1, author=users["ipslo"])
            determination = data.determination(country, users=users, assessment=closed,
                                               effective=data.TODAY - dt.timedelta(days=(n * 11) % 150))
            if n % 2:
                EscalationStep.objects.create(country=country, determination=determination, kind="commandant_order",
                                              federal_register_citation="91 FR 1", issued_on=data.TODAY,
                                              recorded_by=users["psa1"])


def stalled_letter(country, n: int) -> Letter:
    """A letter whose PDF job was queued an hour ago, and lost."""
    return Letter.objects.create(
        kind=LetterKind.RECIPROCAL_INVITATION, country=country, year=2026, sequence=n + 1,
        reference=f"IPS-2026-{n + 1:04d}", addressee_name="The Designated Authority", signatory_name="PSA-1",
        letter_date=data.TODAY, subject="Invitation", job_state=JobState.QUEUED,
        job_queued_at=data.NOW - dt.timedelta(hours=1),
    )


def _page(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(captured.captured_queries), response.context["dashboard"]


def test_the_panels_run_eight_queries_at_3_and_at_30_countries(nodes, users, django_assert_num_queries):
    grow(3, start=0, nodes=nodes, users=users)
    with django_assert_num_queries(PANEL_QUERIES):
        small = program.program_dashboard(today=data.TODAY)
    grow(30, start=3, nodes=nodes, users=users)
    with django_assert_num_queries(PANEL_QUERIES):
        large = program.program_dashboard(today=data.TODAY)
    assert small.compliance.total.count + small.compliance.out_of_scope.count == 3
    assert large.compliance.total.count + large.compliance.out_of_scope.count == 30
    assert large.open_cases == 30 > small.open_cases
    assert large.findings_total == 90 > small.findings_total
    assert len(large.mitigation) > len(small.mitigation) >= 1
    assert large.stalled_letters.count == 15 > small.stalled_letters.count == 2
    assert len(large.stalled_letters.letters) == 10  # the panel lists the longest-waiting ten


def test_the_page_runs_the_same_queries_at_3_and_at_30_countries(lant51, nodes, users, django_assert_num_queries):
    grow(3, start=0, nodes=nodes, users=users)
    lant51.get(DASHBOARD)  # the session's first read is outside the count
    small, first = _page(lant51)
    grow(30, start=3, nodes=nodes, users=users)
    large, second = _page(lant51)
    assert small == large == PAGE_QUERIES
    assert second.open_cases > first.open_cases
    with django_assert_num_queries(PAGE_QUERIES):
        lant51.get(DASHBOARD)
