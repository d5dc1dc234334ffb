"""The program dashboard's numbers: each panel's counts, and the lists its links open hold exactly those
rows (the country list's filters, the case list's state, the annual plan's count of visits)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisories.models import EscalationStep
from advisories.selectors import escalation_board
from assessments.choices import AssessmentState, DeterminationState, FindingStatus, Outcome
from assessments.models import Assessment, ChecklistItem, ChecklistSection, ChecklistTemplate, ReportVersion
from assessments.scheduling import due_status
from assessments.selectors_planning import annual_plan
from assessments.services.checklists import checklist_load_reference
from countries.choices import ComplianceStatus
from countries.filters import CountryFilter
from countries.models import Country
from ips.dashboards import program
from tests.dashboards import program_data as data

pytestmark = pytest.mark.django_db
TODAY = data.TODAY
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(data.NOW, tick=False):
        yield


@pytest.fixture
def lant51(users):
    client = Client()
    client.force_login(users["lant51"])
    return client


@pytest.fixture
def template(db):
    return checklist_load_reference()[0]


def _listed(client, url: str) -> int:
    """How many rows the list at ``url`` holds (the country list or the case list, paginated)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


# --- compliance status by node -----------------------------------------------------------------


@pytest.fixture
def statuses(nodes):
    acteur, feact = nodes["ACTEUR"], nodes["FEACT"]
    data.countries(2, node=acteur, start=0, compliance_status=ComplianceStatus.SUBSTANTIALLY)
    data.countries(1, node=acteur, start=2, compliance_status=ComplianceStatus.MINIMALLY)
    data.countries(1, node=feact, start=3, compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY)
    data.countries(3, node=feact, start=4)  # undetermined
    data.countries(2, node=acteur, start=7, in_scope=False)  # landlocked: not counted


def test_compliance_counts_in_scope_countries_by_node_and_status(statuses):
    matrix = program.compliance_by_node()
    assert [value for value, _ in matrix.statuses] == [
        "substantially_implementing", "minimally_implementing", "not_substantially_implementing", "undetermined"]
    counts = {row.node: [cell.count for cell in row.cells] + [row.total.count] for row in matrix.rows}
    assert counts == {"ACTEUR": [2, 1, 0, 0, 3], "FEACT": [0, 0, 1, 3, 4], "LANT-512": [0, 0, 0, 0, 0]}
    assert [cell.count for cell in matrix.totals] == [2, 1, 1, 3]
    assert matrix.total.count == 7
    assert matrix.out_of_scope.count == 2
    acteur = matrix.rows[0]
    assert acteur.cells[0].url == "/countries/?status=substantially_implementing&node=ACTEUR&in_scope=yes"
    assert acteur.total.url == "/countries/?node=ACTEUR&in_scope=yes"
    assert matrix.totals[3].url == "/countries/?status=undetermined&in_scope=yes"
    # The stacked bar of a node: one segment per status present, side by side, filling the bar.
    assert [(s.status, s.x, s.width) for s in acteur.segments] == [
        ("substantially_implementing", 0.0, 66.7), ("minimally_implementing", 66.7, 33.3)]
    assert matrix.rows[2].segments == []


def test_compliance_links_open_lists_of_exactly_those_countries(statuses, lant51):
    matrix = program.compliance_by_node()
    for row in matrix.rows:
        assert _listed(lant51, row.total.url) == row.total.count, row.total.url
    assert _listed(lant51, matrix.total.url) == matrix.total.count
    assert _listed(lant51, matrix.out_of_scope.url) == matrix.out_of_scope.count
    if "status" not in CountryFilter.base_filters:
        pytest.skip("the country list's status filter is not there yet")
    for row in matrix.rows:
        for cell in row.cells:
            assert _listed(lant51, cell.url) == cell.count, cell.url
    for cell in matrix.totals:
        assert _listed(lant51, cell.url) == cell.count, cell.url


# --- reassessments due -------------------------------------------------------------------------


@pytest.fixture
def due_dates(nodes):
    node = nodes["LANT-512"]
    data.countries(1, node=node, start=0)  # never assessed: due now
    for n, days in enumerate((-1, 0, 90, 91, 180, 181, 365, 366), start=1):
        data.countries(1, node=node, start=n, next_assessment_due=TODAY + days * DAY)
    data.countries(1, node=node, start=20, in_scope=False, next_assessment_due=TODAY - 400 * DAY)


def test_due_windows_count_like_the_country_list_filter(due_dates, lant51):
    windows = {w.code: w for w in program.reassessments_due(today=TODAY)}
    assert list(windows) == ["overdue", "due_90", "due_180", "due_365"]
    # Overdue: never assessed, and a day late; the windows run from today and include the shorter ones.
    assert {code: w.count for code, w in windows.items()} == {"overdue": 2, "due_90": 2, "due_180": 4, "due_365": 6}
    for code, window in windows.items():
        assert window.url == f"/countries/?due={code}"
        assert _listed(lant51, window.url) == window.count, code
    assert windows["due_180"].label == "Due within 180 days"
    assert windows["overdue"].share == 33.3 and windows["due_365"].share == 100.0


def test_due_windows_agree_with_each_countrys_due_status(due_dates):
    windows = {w.code: w.count for w in program.reassessments_due(today=TODAY)}
    codes = [due_status(country=c, on=TODAY).code for c in Country.objects.all()]
    assert windows["overdue"] == codes.count("overdue")
    assert windows["due_90"] == codes.count("due_90")
    assert windows["due_180"] == codes.count("due_90") + codes.count("due_180")
    assert windows["due_365"] == codes.count("due_90") + codes.count("due_180") + codes.count("due_365")


# --- open cases by state -----------------------------------------------------------------------


def test_open_cases_by_state_with_their_age_in_the_state(nodes, users, template, lant51):
    node = nodes["ACTEUR"]
    planned = data.countries(3, node=node, start=0)
    for country, days in zip(planned, (10, 5, 1), strict=True):
        data.cases([country], state=AssessmentState.PLANNED, users=users, template=template,
                   changed=data.NOW - days * DAY)
    preparing = data.cases(data.countries(1, node=node, start=3), state=AssessmentState.PREPARING, users=users,
                           template=template)
    # A case that never moved counts from its creation.
    Assessment.objects.filter(pk=preparing[0].pk).update(state_changed_at=None, created_at=data.NOW - 20 * DAY)
    data.cases(data.countries(1, node=node, start=4), state=AssessmentState.POSTPONED, users=users, template=template,
               changed=data.NOW - 2 * DAY)
    data.cases(data.countries(2, node=node, start=5), state=AssessmentState.CLOSED, users=users, template=template)
    data.cases(data.countries(1, node=node, start=7), state=AssessmentState.CANCELLED, users=users, template=template)

    stages = program.open_cases_by_state(today=TODAY)
    assert [s.state for s in stages] == [
        "planned", "notified", "confirmed", "preparing", "on_site", "report_drafting", "under_review",
        "awaiting_determination", "postponed", "access_denied"]  # open states only, in workflow order
    by_state = {s.state: s for s in stages}
    assert (by_state["planned"].count, by_state["planned"].oldest_days, by_state["planned"].typical_days) == (3, 10, 5)
    assert (by_state["preparing"].count, by_state["preparing"].oldest_days) == (1, 20)
    assert (by_state["postponed"].count, by_state["postponed"].oldest_days) == (1, 2)
    assert (by_state["notified"].count, by_state["notified"].oldest_days, by_state["notified"].typical_days) == (
        0, None, None)
    assert by_state["planned"].share == 100.0
    assert program.typical_age_label() == ("Median" if connection.vendor == "postgresql" else "Average")
    for stage in stages:
        assert stage.url == f"/assessments/?state={stage.state}"
        assert _listed(lant51, stage.url) == stage.count, stage.state


# --- visits this fiscal year -------------------------------------------------------------------


def test_visits_of_the_fiscal_year_agree_with_the_annual_plan(nodes, users, template, settings, lant51):
    settings.IPS_ANNUAL_VISIT_CAPACITY = 4
    acteur = data.countries(6, node=nodes["ACTEUR"], start=0)
    feact = data.countries(1, node=nodes["FEACT"], start=6)

    def case(country, state, **dates):
        data.cases([country], state=state, users=users, template=template, **dates)

    case(acteur[0], AssessmentState.PLANNED, proposed_start=dt.date(2026, 10, 1))  # first day of FY2027
    case(acteur[1], AssessmentState.CLOSED, visit_start=dt.date(2027, 5, 10), proposed_start=dt.date(2026, 9, 1))
    case(acteur[2], AssessmentState.ON_SITE, visit_start=dt.date(2026, 11, 20))
    case(feact[0], AssessmentState.CONFIRMED, proposed_start=dt.date(2027, 9, 30))  # last day of FY2027
    case(acteur[3], AssessmentState.CANCELLED, proposed_start=dt.date(2027, 2, 1))  # not counted
    case(acteur[4], AssessmentState.POSTPONED, proposed_start=dt.date(2027, 2, 1))  # not counted
    case(acteur[5], AssessmentState.PLANNED, proposed_start=dt.date(2027, 10, 1))  # FY2028

    visits = program.fiscal_year_visits(today=TODAY)
    plan = annual_plan(year=2027, on=TODAY)
    assert (visits.fiscal_year, visits.starts, visits.ends) == (2027, dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert (visits.done, visits.planned, visits.total) == (2, 2, 4)
    assert (visits.done, visits.planned) == (plan.counted.done, plan.counted.planned)
    assert (visits.capacity, visits.remaining, visits.over_capacity) == (4, 0, 0)
    by_node = {n.node: (n.done, n.planned) for n in visits.nodes}
    assert by_node == {"ACTEUR": (2, 1), "FEACT": (0, 1), "LANT-512": (0, 0)}
    assert by_node == {load.code: (load.total.done, load.total.planned) for load in plan.nodes}
    assert visits.url == "/assessments/plan/?fy=2027#capacity"
    assert lant51.get(visits.url.split("#")[0]).context["plan"].fiscal_year == 2027
    assert (visits.done_share, visits.planned_share, visits.capacity_share) == (50.0, 50.0, 100.0)


def test_visits_over_capacity_stretch_the_bar_past_the_capacity_line(nodes, users, template, settings):
    settings.IPS_ANNUAL_VISIT_CAPACITY = 2
    data.cases(data.countries(4, node=nodes["FEACT"]), state=AssessmentState.PLANNED, users=users,
               template=template, proposed_start=dt.date(2027, 1, 15))
    visits = program.fiscal_year_visits(today=TODAY)
    assert (visits.planned, visits.remaining, visits.over_capacity) == (4, 0, 2)
    assert (visits.planned_share, visits.capacity_share) == (100.0, 50.0)


# --- findings by checklist section -------------------------------------------------------------


def test_findings_by_section_most_first_with_unresolved_and_no_item_rows(nodes, users, template, lant51):
    items = {s.code: s.items.first() for s in template.sections.all()}
    case = data.cases(data.countries(1, node=nodes["ACTEUR"]), state=AssessmentState.ON_SITE, users=users,
                      template=template)[0]
    by = users["lant51"]
    data.findings(case, [items["2"]] * 2, status=FindingStatus.OPEN, created_by=by, start=1)
    data.findings(case, [items["2"]], status=FindingStatus.CLOSED, created_by=by, start=3)
    data.findings(case, [items["A14.2"]], status=FindingStatus.IN_MITIGATION, created_by=by, start=4)
    data.findings(case, [items["1"]] * 2, status=FindingStatus.RESOLVED_DURING_VISIT, created_by=by, start=5)
    data.findings(case, [None], status=FindingStatus.OPEN, created_by=by, start=7)
    data.findings(case, [None], status=FindingStatus.CLOSED, created_by=by, start=8)
    # A later checklist version renames section 2; its findings count with the earlier version's.
    v2 = ChecklistTemplate.objects.create(version=2, name="Checklist v2")
    section = ChecklistSection.objects.create(template=v2, code="2", title="Access control (revised)",
                                              scope="government", position=1)
    item = ChecklistItem.objects.create(section=section, code="2.a", text="Ships report.", position=1)
    data.findings(case, [item], status=FindingStatus.OPEN, created_by=by, start=9)

    rows = program.findings_by_section()
    assert [(r.code, r.title, r.total, r.unresolved) for r in rows] == [
        ("2", "Access control (revised)", 4, 3),
        ("1", "General administration", 2, 0),
        ("none", "Not tied to a checklist item", 2, 1),
        ("A14.2", "Port facility security duties (ISPS Code Part A 14.2)", 1, 1),
    ]
    assert rows[0].url == "/assessments/findings/?section=2"
    assert rows[0].unresolved_url == "/assessments/findings/?section=2&status=unresolved"
    assert rows[2].url == "/assessments/findings/?section=none"
    assert [r.share for r in rows] == [100.0, 50.0, 50.0, 25.0]
    # The findings list behind each number holds exactly those findings.
    for row in rows:
        assert _listed(lant51, row.url) == row.total, row.url
        assert _listed(lant51, row.unresolved_url) == row.unresolved, row.unresolved_url


# --- open mitigation periods -------------------------------------------------------------------


@pytest.fixture
def mitigation(nodes, users, template):
    node = nodes["FEACT"]
    running, ended, escalated, improved, today_, recommended = data.countries(6, node=node, start=0)
    made = {
        # No report behind it: 90 days from the effective date, 30 Dec 2026.
        "running": data.determination(running, users=users, effective=dt.date(2026, 10, 1)),
        "escalated": data.determination(escalated, users=users, effective=dt.date(2026, 6, 1)),
        # 90 days from 25 Aug 2026: ends today, so escalation is due today.
        "today": data.determination(today_, users=users, effective=dt.date(2026, 8, 25)),
    }
    # The report's date starts the period: 10 Aug 2026 + 90 days = 8 Nov 2026, 15 days ago.
    case = data.cases([ended], state=AssessmentState.CLOSED, users=users, template=template)[0]
    report = ReportVersion.objects.create(assessment=case, number=1, author=users["ipslo"])
    ReportVersion.objects.filter(pk=report.pk).update(
        created_at=dt.datetime(2026, 8, 10, 15, 0, tzinfo=data.NEW_YORK))
    made["ended"] = data.determination(ended, users=users, effective=dt.date(2026, 9, 1), assessment=case)
    EscalationStep.objects.create(country=escalated, determination=made["escalated"], kind="marsec_directive",
                                  federal_register_citation="91 FR 12345", issued_on=dt.date(2026, 10, 1),
                                  recorded_by=users["psa1"])
    # A better determination since: no longer under the period.
    data.determination(improved, users=users, effective=dt.date(2026, 5, 1))
    data.determination(improved, users=users, outcome=Outcome.SUBSTANTIALLY, effective=dt.date(2026, 9, 1))
    # Only recommended, not approved: the country's status has not changed.
    data.determination(recommended, users=users, effective=dt.date(2026, 11, 1), state=DeterminationState.RECOMMENDED)
    return made


def test_open_mitigation_periods_with_days_left(mitigation):
    rows = program.open_mitigation_periods(today=TODAY)
    assert [(r.country.name, r.ends, r.days_left, r.escalated) for r in rows] == [
        ("Land 001", dt.date(2026, 11, 8), -15, False),
        ("Land 004", dt.date(2026, 11, 23), 0, False),
        ("Land 000", dt.date(2026, 12, 30), 37, False),
    ]
    assert [r.determination for r in rows] == [mitigation["ended"], mitigation["today"], mitigation["running"]]
    assert rows[0].days_ago == 15 and not rows[0].is_open and rows[2].is_open
    assert rows[0].determination_url == f"/assessments/determinations/{mitigation['ended'].pk}/"


def test_mitigation_periods_end_when_the_escalation_board_says(mitigation):
    ours = {r.determination.pk: r.ends for r in program.open_mitigation_periods(today=TODAY)}
    board = {row.determination.pk: (row.mitigation_ends, row.due) for row in escalation_board(on=TODAY)}
    for pk, ends in ours.items():
        assert board[pk][0] == ends
    # What the board calls due (ended, nothing recorded) is on the dashboard; escalated periods that ended are not.
    assert {pk for pk, (_, due) in board.items() if due} <= set(ours)
    assert mitigation["escalated"].pk in board and mitigation["escalated"].pk not in ours


def test_mitigation_panel_says_days_left_or_ended_days_ago_with_links(mitigation, lant51):
    html = lant51.get(reverse("dashboard")).content.decode()
    assert "37 days left" in html
    assert "Ended 15 days ago" in html
    assert "Ends today" in html
    assert f'href="/assessments/determinations/{mitigation["ended"].pk}/"' in html
    assert html.count('href="/advisories/escalations/"') >= 4  # the board, and one per row
    assert "Escalation due" in html


def test_the_whole_dashboard_uses_the_local_day(nodes, users, template):
    """Shortly before midnight in New York it is already the next day in UTC: the dashboard uses New York's."""
    data.countries(1, node=nodes["ACTEUR"], next_assessment_due=dt.date(2026, 11, 23))
    with time_machine.travel(dt.datetime(2026, 11, 23, 23, 30, tzinfo=data.NEW_YORK), tick=False):
        dashboard = program.program_dashboard()
        assert dashboard.today == timezone.localdate() == dt.date(2026, 11, 23)
        assert {w.code: w.count for w in dashboard.due}["overdue"] == 0
