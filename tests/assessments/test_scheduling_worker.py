"""End to end: the planning job sent through the real Redis broker to a real Celery worker, which
opens the cases in the PostgreSQL test database."""

import datetime as dt

import pytest

from assessments import tasks
from assessments.choices import AssessmentState
from assessments.models import Assessment
from countries.services import portfolio_assign
from tests.factories import CountryFactory

pytest_plugins = ["tests.celery_support"]
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_opens_the_planned_cases(celery_worker_process, users, nodes, checklist):
    due = [CountryFactory(name=f"Dueland {n}", node=nodes["ACTEUR"]) for n in range(3)]
    unassigned = CountryFactory(name="Nobodyland", node=nodes["FEACT"])
    for country in due:
        portfolio_assign(country=country, ipslo=users["ipslo"], by=users["lant51"], on=dt.date(2026, 1, 1))

    result = tasks.plan_reassessments.delay("2026-11-23")
    outcome = result.get(timeout=celery_worker_process.timeout)

    assert outcome == {"opened": 3, "without_ipslo": 1, "batches": 1}
    cases = Assessment.objects.filter(state=AssessmentState.PLANNED)
    assert sorted(cases.values_list("country__name", flat=True)) == ["Dueland 0", "Dueland 1", "Dueland 2"]
    assert set(cases.values_list("ipslo__username", flat=True)) == {"ipslo.acteur"}
    assert not Assessment.objects.filter(country=unassigned).exists()

    again = tasks.plan_reassessments.delay("2026-11-24").get(timeout=celery_worker_process.timeout)
    assert again["opened"] == 0  # never a second open case for the same country
    assert Assessment.objects.count() == 3
