"""Who may make each move of the case workflow, written out as the program's rules say."""

import pytest

from assessments.workflow import MOVES
from ips import permissions

# move -> the users (by fixture key) allowed to make it on a case in the ACTEUR IPSLO's portfolio.
ALLOWED = {
    "notify": {"ipslo", "lant51"},
    "confirm": {"ipslo", "lant51"},
    "prepare": {"ipslo", "lant51"},
    "start_visit": {"ipslo", "lant51"},
    "finish_visit": {"ipslo", "lant51"},
    "submit_report": {"ipslo", "lant51"},
    "return_report": {"lant51"},
    "recommend": {"lant51"},
    "return_recommendation": {"psa1"},
    "approve": {"psa1"},
    "postpone": {"ipslo", "lant51"},
    "resume": {"ipslo", "lant51"},
    "cancel": {"lant51"},
    "deny_access": {"ipslo", "lant51"},
}
PEOPLE = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole")


def test_every_move_has_a_rule_written_out_here():
    assert set(ALLOWED) == set(MOVES)


@pytest.mark.django_db
@pytest.mark.parametrize("move", sorted(ALLOWED))
def test_who_may_make_each_move(move, case, users):
    may = {who for who in PEOPLE if permissions.can(users[who], f"assessments.move_{move}", case)}
    assert may == ALLOWED[move]


@pytest.mark.django_db
def test_a_team_leader_without_the_portfolio_may_finish_the_visit_and_submit_the_report(case, users, leader):
    from assessments import services

    services.team_member_add(assessment=case, by=users["ipslo"], user=leader, is_leader=True)
    assert permissions.can(leader, "assessments.move_submit_report", case)
    assert permissions.can(leader, "assessments.move_finish_visit", case)
    assert not permissions.can(leader, "assessments.move_notify", case)
    assert permissions.can(leader, "assessments.view_report", case)


@pytest.mark.django_db
def test_reassigning_the_portfolio_moves_the_open_case(case, users, make_user):
    from countries.services import portfolio_assign
    from ips.roles import Role

    successor = make_user("ipslo.acteur2", Role.IPSLO, "ACTEUR")
    portfolio_assign(country=case.country, ipslo=successor, by=users["lant51"])
    case.refresh_from_db()
    assert case.ipslo == successor
    assert permissions.can(successor, "assessments.move_notify", case)
    assert not permissions.can(users["ipslo"], "assessments.move_notify", case)
    assert not permissions.can(users["ipslo"], "assessments.view_report", case)


@pytest.mark.django_db
def test_handover_moves_portfolio_and_open_cases_in_one_step(case, users, make_user):
    from countries.models import PortfolioAssignment
    from countries.services import portfolio_handover
    from ips.roles import Role

    successor = make_user("ipslo.acteur2", Role.IPSLO, "ACTEUR")
    portfolio_handover(from_ipslo=users["ipslo"], to_ipslo=successor, by=users["lant51"])
    case.refresh_from_db()
    assert case.ipslo == successor
    assert not PortfolioAssignment.objects.filter(ipslo=users["ipslo"], end_date__isnull=True).exists()
    assert not permissions.can(users["ipslo"], "assessments.change_plan", case)
