"""The planning job runs a fixed number of queries per batch, whatever the number of countries in it
(the timing is measured by bench/planning.py, not here)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import scheduling
from assessments.choices import AssessmentState, FindingStatus
from assessments.models import Assessment, Finding
from countries.choices import AssignmentKind
from countries.models import Country, PortfolioAssignment

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


def _due_countries(count, *, start, node, ipslo, creator, checklist):
    """``count`` countries due for reassessment, each with a closed case holding one open finding."""
    countries = Country.objects.bulk_create(
        Country(iso2=_code(start + i), iso3=_code(start + i) + "Q",
                name=f"Dueland {start + i}", node=node, next_assessment_due=ON - dt.timedelta(days=i % 30),
                last_assessment_date=ON - dt.timedelta(days=3 * 365 + i % 30))
        for i in range(count)
    )
    PortfolioAssignment.objects.bulk_create(
        PortfolioAssignment(country=c, ipslo=ipslo, kind=AssignmentKind.PRIMARY, start_date=dt.date(2023, 1, 1))
        for c in countries
    )
    cases = Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=ipslo, checklist_template=checklist, created_by=creator,
                   state=AssessmentState.CLOSED, state_changed_at=timezone.now(), visit_start=dt.date(2023, 11, 1),
                   visit_end=dt.date(2023, 11, 5))
        for c in countries
    )
    Finding.objects.bulk_create(
        Finding(assessment=case, number=1, title="Access control", description="Gate unattended.",
                method="observation", severity="deficiency", status=FindingStatus.OPEN, created_by=creator)
        for case in cases
    )


def _code(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n // 26] + letters[n % 26]


def _run(batch_size: int) -> tuple[int, scheduling.PlanningResult]:
    """Queries of one planning run, rolled back afterwards so the next run starts from the same state."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            result = scheduling.plan_reassessments(on=ON, horizon_days=365, batch_size=batch_size)
        result.carried = Finding.objects.filter(carried_from__isnull=False).count()
        transaction.set_rollback(True)
    return len(captured.captured_queries), result


@pytest.fixture
def setup(users, nodes, checklist):
    # Outside the counts: the scheduler account is created once, and content types are cached per process.
    scheduling.plan_reassessments(on=ON, batch_size=10)
    ContentType.objects.get_for_model(Assessment)
    return {"node": nodes["ACTEUR"], "ipslo": users["ipslo"], "creator": users["lant51"], "checklist": checklist}


def test_one_batch_of_50_or_200_countries_runs_the_same_queries(setup):
    _due_countries(50, start=0, **setup)
    fifty, result = _run(batch_size=200)
    assert (result.opened, result.batches) == (50, 1)

    _due_countries(150, start=50, **setup)
    two_hundred, result = _run(batch_size=200)
    assert (result.opened, result.batches) == (200, 1)
    assert two_hundred == fifty


def test_four_batches_run_the_same_queries_whether_they_hold_25_or_50_countries(setup):
    _due_countries(100, start=0, **setup)
    small_batches, result = _run(batch_size=25)
    assert (result.opened, result.batches, result.carried) == (100, 4, 100)

    _due_countries(100, start=100, **setup)
    large_batches, result = _run(batch_size=50)
    assert (result.opened, result.batches) == (200, 4)
    assert result.carried == 200  # each new case re-verifies its country's open finding
    assert large_batches == small_batches
