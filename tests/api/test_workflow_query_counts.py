"""The workflow collections run the same number of queries however many rows they return."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.choices import Outcome
from assessments.models import Finding
from countries.services import portfolio_assign
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db


def more_cases(n, users, nodes):
    """``n`` countries in the ACTEUR IPSLO's portfolio, each with a case, two findings and a determination."""
    for _ in range(n):
        country = CountryFactory(node=nodes["ACTEUR"])
        portfolio_assign(country=country, ipslo=users["ipslo"], by=users["lant51"])
        case = services.assessment_create(country=country, by=users["ipslo"], proposed_start=dt.date(2027, 5, 3),
                                          proposed_end=dt.date(2027, 5, 7))
        for title in ("Gate unattended", "Stores unsupervised"):
            Finding.objects.create(assessment=case, number=Finding.objects.filter(assessment=case).count() + 1,
                                   title=title, description="Seen.", method="observation", severity="deficiency",
                                   created_by=users["ipslo"])
        report = services.credible_report_record(country=country, by=users["lant51"], source_agency="CBP",
                                                 report_date=dt.date(2026, 10, 1), summary="Concerns.")
        services.determination_recommend(credible_report=report, by=users["lant51"],
                                         outcome=Outcome.NOT_SUBSTANTIALLY, basis="c", rationale="Report.",
                                         effective_date=dt.date(2026, 11, 1))


@pytest.mark.parametrize("path", ["/api/v1/assessments/", "/api/v1/findings/", "/api/v1/determinations/"])
@pytest.mark.parametrize("who", ["lant51", "ipslo"])
def test_workflow_lists_run_a_constant_number_of_queries(path, who, users, nodes, checklist, token_for):
    client = token_for(users[who])
    more_cases(1, users, nodes)
    client.get(path)  # warm up: token, roles
    with CaptureQueriesContext(connection) as small:
        small_count = client.get(path).json()["count"]
    more_cases(6, users, nodes)
    with CaptureQueriesContext(connection) as large:
        large_count = client.get(path).json()["count"]
    assert large_count > small_count
    assert len(large) == len(small), [q["sql"][:150] for q in large.captured_queries]
