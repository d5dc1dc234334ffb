"""LANT-51's annual plan page: who may see and use it, the ranking, the capacity by node and quarter of
the fiscal year, one-click planning, and a constant number of queries."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.choices import AssessmentState
from assessments.models import Assessment
from countries.choices import ComplianceStatus
from countries.services import portfolio_assign
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))  # in FY2027, Q1
ROLES = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "anonymous")
PLAN = reverse("assessments:plan")
PLAN_CASE = reverse("assessments:plan_case")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def clients(users):
    made = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        made[role] = client
    return made


def _html(response) -> str:
    return response.content.decode()


def _ranked(response) -> list[str]:
    return [row.country.name for row in response.context["plan"].rows]


@pytest.mark.parametrize("role, status", [
    ("lant51", 200), ("psa1", 200), ("ipslo", 403), ("other_ipslo", 403), ("viewer", 403), ("norole", 403),
])
def test_plan_page_is_for_lant51_and_psa1_only(clients, portfolio, checklist, role, status):
    response = clients[role].get(PLAN, {"fy": 2027})
    assert response.status_code == status
    if status == 200:
        assert "Annual visit plan FY2027" in _html(response)


def test_anonymous_visitor_is_sent_to_sign_in(clients):
    response = clients["anonymous"].get(PLAN)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_only_lant51_gets_the_plan_buttons(clients, portfolio, checklist):
    assert "Plan a case" in _html(clients["lant51"].get(PLAN))
    assert "Plan a case" not in _html(clients["psa1"].get(PLAN))


def test_navigation_links_the_plan_for_lant51_and_psa1_only(clients, users):
    for role, shown in (("lant51", True), ("psa1", True), ("ipslo", False), ("viewer", False)):
        labels = {label for _, label in clients[role].get(reverse("home")).context["nav_links"]}
        assert ("Annual plan" in labels) is shown, role


def test_rows_rank_by_score_then_earliest_due_date(clients, nodes, checklist, settings):
    settings.IPS_PRIORITY_WEIGHTS = {"trade": 1.0, "last_outcome": 1.0}
    node = nodes["ACTEUR"]
    CountryFactory(name="Low", node=node, annual_vessel_arrivals=10, compliance_status=ComplianceStatus.SUBSTANTIALLY,
                   next_assessment_due=dt.date(2027, 1, 1), last_assessment_date=dt.date(2024, 1, 1))
    CountryFactory(name="High", node=node, annual_vessel_arrivals=1000,
                   compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY,
                   next_assessment_due=dt.date(2028, 1, 1), last_assessment_date=dt.date(2025, 1, 1))
    CountryFactory(name="Tie later", node=node, annual_vessel_arrivals=100,
                   compliance_status=ComplianceStatus.MINIMALLY, next_assessment_due=dt.date(2027, 9, 1),
                   last_assessment_date=dt.date(2024, 9, 1))
    CountryFactory(name="Tie sooner", node=node, annual_vessel_arrivals=100,
                   compliance_status=ComplianceStatus.MINIMALLY, next_assessment_due=dt.date(2027, 2, 1),
                   last_assessment_date=dt.date(2024, 2, 1))
    CountryFactory(name="Outside", node=node, in_scope=False, annual_vessel_arrivals=5000)

    response = clients["lant51"].get(PLAN, {"fy": 2027})
    assert _ranked(response) == ["High", "Tie sooner", "Tie later", "Low"]
    html = _html(response)
    assert "Trade volume with the U.S." in html and "<details" in html  # the factors are explained
    assert "Outside" not in html


def _case(country, *, users, checklist, state, proposed_start=None, visit_start=None):
    return Assessment.objects.create(
        country=country, ipslo=users["ipslo"], checklist_template=checklist, created_by=users["lant51"],
        state=state, state_changed_at=timezone.now(), proposed_start=proposed_start,
        proposed_end=proposed_start and proposed_start + dt.timedelta(days=4), visit_start=visit_start,
        visit_end=visit_start and visit_start + dt.timedelta(days=4),
    )


def test_capacity_counts_visits_of_the_fiscal_year_by_node_and_quarter(clients, users, nodes, checklist, settings):
    settings.IPS_ANNUAL_VISIT_CAPACITY = 4
    acteur = [CountryFactory(name=f"Acteur {n}", node=nodes["ACTEUR"]) for n in range(5)]
    feact = CountryFactory(name="Feact 0", node=nodes["FEACT"])
    # FY2027: 1 Oct 2026 - 30 Sep 2027. Q1 Oct-Dec, Q2 Jan-Mar, Q3 Apr-Jun, Q4 Jul-Sep.
    _case(acteur[0], users=users, checklist=checklist, state=AssessmentState.PLANNED,
          proposed_start=dt.date(2026, 10, 1))  # Q1, planned (first day of the year)
    _case(acteur[1], users=users, checklist=checklist, state=AssessmentState.CLOSED,
          visit_start=dt.date(2027, 5, 10), proposed_start=dt.date(2026, 9, 1))  # Q3, done: the visit day counts
    _case(feact, users=users, checklist=checklist, state=AssessmentState.CONFIRMED,
          proposed_start=dt.date(2027, 9, 30))  # Q4, planned (last day of the year)
    _case(acteur[2], users=users, checklist=checklist, state=AssessmentState.CANCELLED,
          proposed_start=dt.date(2027, 2, 1))  # cancelled: not counted
    _case(acteur[3], users=users, checklist=checklist, state=AssessmentState.PLANNED,
          proposed_start=dt.date(2027, 10, 1))  # FY2028: not counted in FY2027

    plan = clients["lant51"].get(PLAN, {"fy": 2027}).context["plan"]
    by_node = {load.code: load for load in plan.nodes}
    assert [(q.planned, q.done) for q in by_node["ACTEUR"].quarters] == [(1, 0), (0, 0), (0, 1), (0, 0)]
    assert [(q.planned, q.done) for q in by_node["FEACT"].quarters] == [(0, 0), (0, 0), (0, 0), (1, 0)]
    assert (plan.counted.planned, plan.counted.done, plan.remaining) == (2, 1, 1)
    # One slot left: the best-ranked country without an open case is within capacity, the rest are not.
    within = [row.country.name for row in plan.rows if row.within_capacity]
    assert len(within) == 1
    assert within[0] not in {"Acteur 0", "Feact 0", "Acteur 3"}  # those have an open case
    html = _html(clients["lant51"].get(PLAN, {"fy": 2027}))
    assert "Capacity line" in html and "Within capacity" in html

    next_year = clients["lant51"].get(PLAN, {"fy": 2028}).context["plan"]
    assert (next_year.counted.planned, next_year.remaining) == (1, 3)


def test_an_unknown_fiscal_year_shows_an_error_and_the_current_year(clients, checklist):
    response = clients["lant51"].get(PLAN, {"fy": "1900"})
    assert response.status_code == 200
    assert response.context["plan"].fiscal_year == 2027
    assert "Choose a fiscal year from the list." in _html(response)


def test_lant51_turns_a_row_into_a_planned_case_in_one_click(clients, users, portfolio, checklist):
    response = clients["lant51"].post(PLAN_CASE, {"country": "XAX", "fy": 2027}, follow=True)
    case = Assessment.objects.get(country=portfolio["country"])
    assert case.state == AssessmentState.PLANNED
    assert case.ipslo == users["ipslo"]  # the country's portfolio IPSLO
    assert case.created_by == users["lant51"]
    assert "A planned case for Atlantis was opened and assigned to" in _html(response)
    assert response.redirect_chain[-1][0].startswith(f"{PLAN}?fy=2027")
    row = next(r for r in response.context["plan"].rows if r.country.iso3 == "XAX")
    assert row.has_open_case and not row.within_capacity


def test_planning_a_country_with_an_open_case_is_refused_clearly(clients, users, portfolio, checklist):
    services.assessment_create(country=portfolio["country"], by=users["ipslo"])
    response = clients["lant51"].post(PLAN_CASE, {"country": "XAX", "fy": 2027}, follow=True)
    assert "Atlantis already has an open case (planned); no second case was opened." in _html(response)
    assert Assessment.objects.filter(country=portfolio["country"]).count() == 1


def test_planning_a_country_without_an_ipslo_is_refused_clearly(clients, nodes, checklist):
    CountryFactory(iso2="XQ", iso3="XQX", name="Orphania", node=nodes["LANT-512"])
    response = clients["lant51"].post(PLAN_CASE, {"country": "XQX", "fy": 2027}, follow=True)
    assert "Orphania has no IPSLO; assign one in the portfolio first." in _html(response)
    assert not Assessment.objects.exists()


def test_planning_an_unknown_country_is_refused_clearly(clients, portfolio, checklist):
    response = clients["lant51"].post(PLAN_CASE, {"country": "ZZZ"}, follow=True)
    assert "That country is unknown or out of the program" in _html(response)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role, status", [
    ("psa1", 403), ("ipslo", 403), ("other_ipslo", 403), ("viewer", 403), ("norole", 403),
])
def test_only_lant51_may_plan_a_case_from_the_plan(clients, portfolio, checklist, role, status):
    response = clients[role].post(PLAN_CASE, {"country": "XAX", "fy": 2027})
    assert response.status_code == status
    assert not Assessment.objects.exists()


def test_plan_case_accepts_only_post(clients, portfolio, checklist):
    assert clients["lant51"].get(PLAN_CASE, {"country": "XAX"}).status_code == 405
    assert not Assessment.objects.exists()


def _grow(total, *, nodes, users, checklist):
    ipslos = {"ACTEUR": users["ipslo"], "FEACT": users["other_ipslo"]}
    while (count := len(_existing())) < total:
        code = "ACTEUR" if count % 2 else "FEACT"
        country = CountryFactory(node=nodes[code], annual_vessel_arrivals=count * 10,
                                 next_assessment_due=dt.date(2027, 1, 1) + dt.timedelta(days=count))
        if count % 5:
            portfolio_assign(country=country, ipslo=ipslos[code], by=users["lant51"])
        if count % 4 == 0:
            _case(country, users=users, checklist=checklist, state=AssessmentState.PLANNED,
                  proposed_start=dt.date(2027, 3, 1))


def _existing():
    from countries.models import Country

    return list(Country.objects.filter(in_scope=True).values_list("pk", flat=True))


def _count(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PLAN, {"fy": 2027})
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_plan_page_runs_the_same_number_of_queries_for_10_and_100_countries(clients, users, nodes, checklist):
    _grow(10, nodes=nodes, users=users, checklist=checklist)
    small, first = _count(clients["lant51"])
    _grow(100, nodes=nodes, users=users, checklist=checklist)
    large, second = _count(clients["lant51"])
    assert len(second.context["plan"].rows) == 100 > len(first.context["plan"].rows)
    assert small == large
