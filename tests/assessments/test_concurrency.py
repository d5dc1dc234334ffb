"""Two people acting on the same record at the same moment: the row lock lets exactly one through."""

import threading

import pytest
from django.db import connection, connections

from assessments import services
from assessments.choices import DeterminationState
from assessments.errors import ErrorCode, WorkflowError
from assessments.models import Determination, Transition
from ips.roles import Role
from tests.assessments.conftest import drive_to

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = ("ok", work())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_simultaneous_approvals_give_exactly_one_decision(case, users, leader, make_user):
    drive_to(case, "awaiting_determination", users, leader=leader)
    determination = case.determinations.get()
    second_psa1 = make_user("psa1.deputy", Role.PSA1)

    outcomes = _race([
        lambda: services.determination_approve(determination=Determination.objects.get(pk=determination.pk),
                                               by=users["psa1"]),
        lambda: services.determination_approve(determination=Determination.objects.get(pk=determination.pk),
                                               by=second_psa1),
    ])

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    refused = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(refused, WorkflowError) and refused.error_code == ErrorCode.ALREADY_DECIDED
    assert Determination.objects.filter(country=case.country, state=DeterminationState.APPROVED).count() == 1
    assert Transition.objects.filter(assessment=case, name="approve").count() == 1


def test_approve_and_return_at_the_same_moment_leave_one_decision(case, users, leader, make_user):
    drive_to(case, "awaiting_determination", users, leader=leader)
    determination = case.determinations.get()
    second_psa1 = make_user("psa1.deputy", Role.PSA1)

    outcomes = _race([
        lambda: services.determination_approve(determination=Determination.objects.get(pk=determination.pk),
                                               by=users["psa1"]),
        lambda: services.determination_return(determination=Determination.objects.get(pk=determination.pk),
                                              by=second_psa1, comment="Not convinced."),
    ])

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    determination.refresh_from_db()
    case.refresh_from_db()
    if determination.state == DeterminationState.APPROVED:
        assert case.state == "closed"
    else:
        assert determination.state == DeterminationState.RETURNED
        assert case.state == "under_review"
    assert Transition.objects.filter(assessment=case, name__in=["approve", "return_recommendation"]).count() == 1


def test_two_simultaneous_transitions_make_one_step(case, users):
    import datetime as dt

    services.assessment_update_plan(assessment=case, by=users["ipslo"], data={
        "informal_notice_on": dt.date(2026, 11, 20), "visit_request_sent_on": dt.date(2026, 12, 1)})

    outcomes = _race([
        lambda: services.assessment_transition(assessment=case, name="notify", by=users["ipslo"]),
        lambda: services.assessment_transition(assessment=case, name="notify", by=users["lant51"]),
    ])

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    refused = next(value for kind, value in outcomes if kind == "error")
    # The second finds the case already there and says so (409), rather than dropping its comment silently.
    assert isinstance(refused, WorkflowError) and refused.error_code == ErrorCode.ALREADY_IN_STATE
    assert Transition.objects.filter(assessment=case, name="notify").count() == 1
