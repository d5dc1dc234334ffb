"""A property-based walk through the case workflow: whatever anyone tries, the case stays consistent."""

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from assessments import services
from assessments.choices import AssessmentState, DeterminationState, Outcome, VisitFacilityStatus
from assessments.errors import WorkflowError
from assessments.models import Assessment, Determination, ReportVersion
from assessments.services.checklists import checklist_load_reference
from assessments.workflow import MOVES
from countries.services import portfolio_assign
from ips import permissions
from ips.roles import Role
from tests.factories import CountryFactory, NodeFactory, PortFacilityFactory, PortFactory, UserFactory

PEOPLE = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer")
BARE_MOVES = sorted(name for name, move in MOVES.items() if not move.via_determination)
_counter = iter(range(10_000))


class CaseWorkflow(RuleBasedStateMachine):
    @initialize()
    def open_case(self):
        n = next(_counter)
        checklist_load_reference()
        acteur, feact = NodeFactory(code="ACTEUR"), NodeFactory(code="FEACT")
        self.people = {
            "psa1": UserFactory(username="sm.psa1", role=Role.PSA1),
            "psa1b": UserFactory(username="sm.psa1b", role=Role.PSA1),
            "lant51": UserFactory(username="sm.lant51", role=Role.LANT51),
            "ipslo": UserFactory(username=f"sm.ipslo{n}", role=Role.IPSLO, node=acteur),
            "other_ipslo": UserFactory(username="sm.feact", role=Role.IPSLO, node=feact),
            "viewer": UserFactory(username="sm.viewer", role=Role.VIEWER),
        }
        self.country = CountryFactory(name=f"Walkland {n}", node=acteur)
        portfolio_assign(country=self.country, ipslo=self.people["ipslo"], by=self.people["lant51"])
        port = PortFactory(country=self.country)
        self.facility = PortFacilityFactory(port=port)
        self.case = services.assessment_create(country=self.country, by=self.people["ipslo"],
                                               proposed_start=dt.date(2027, 5, 3), proposed_end=dt.date(2027, 5, 7))
        self.steps = 0

    def _reload(self):
        self.case = Assessment.objects.get(pk=self.case.pk)

    @rule(who=st.sampled_from(PEOPLE), name=st.sampled_from(BARE_MOVES), comment=st.sampled_from(["", "Reason."]))
    def try_move(self, who, name, comment):
        before = self.case.state
        try:
            services.assessment_transition(assessment=self.case, name=name, by=self.people[who], comment=comment)
        except (WorkflowError, permissions.Refused):
            self._reload()
            assert self.case.state == before  # a refused move changes nothing
            return
        self._reload()
        move = MOVES[name]
        assert before in move.sources or before == move.target
        assert who in {"lant51", "ipslo"}  # only they make bare moves on this case

    @rule()
    def fill_in_the_plan(self):
        if not self.case.is_open or self.case.state in {AssessmentState.UNDER_REVIEW,
                                                        AssessmentState.AWAITING_DETERMINATION}:
            return
        ipslo = self.people["ipslo"]
        services.assessment_update_plan(assessment=self.case, by=ipslo, data={
            "informal_notice_on": dt.date(2026, 7, 20), "visit_request_sent_on": dt.date(2026, 8, 10),
            "host_confirmed_on": dt.date(2026, 9, 1), "visit_start": dt.date(2026, 11, 2),
            "visit_end": dt.date(2026, 11, 6)})
        if not self.case.team.filter(is_leader=True).exists():
            services.team_member_add(assessment=self.case, by=ipslo, user=ipslo, is_leader=True)
        vf = self.case.visit_facilities.first() or services.visit_facility_add(
            assessment=self.case, facility=self.facility, by=ipslo)
        services.visit_facility_update(visit_facility=vf, by=ipslo, data={"status": VisitFacilityStatus.VISITED})
        self._reload()

    @rule()
    def write_the_report(self):
        sections = dict.fromkeys(ReportVersion.SECTIONS, "Text.")
        with contextlib.suppress(WorkflowError, permissions.Refused):  # refused outside drafting: that is the point
            services.report_save_draft(assessment=self.case, by=self.people["ipslo"], sections=sections)

    @rule(outcome=st.sampled_from(list(Outcome)))
    def recommend(self, outcome):
        basis = "b" if outcome == Outcome.NOT_SUBSTANTIALLY else ""
        if self.case.state == AssessmentState.ACCESS_DENIED:
            outcome, basis = Outcome.NOT_SUBSTANTIALLY, "d"
        # Refused unless the case is reviewed or access was denied.
        with contextlib.suppress(WorkflowError, permissions.Refused):
            services.determination_recommend(assessment=self.case, by=self.people["lant51"], outcome=outcome,
                                             basis=basis, rationale="Because.", effective_date=dt.date(2027, 6, 1))
        self._reload()

    @rule(who=st.sampled_from(["psa1", "psa1b", "lant51"]), approve=st.booleans())
    def decide(self, who, approve):
        pending = self.case.determinations.filter(state=DeterminationState.RECOMMENDED).first()
        if pending is None:
            return
        try:
            if approve:
                services.determination_approve(determination=pending, by=self.people[who])
            else:
                services.determination_return(determination=pending, by=self.people[who], comment="Again.")
        except WorkflowError:
            assert who == "lant51"
        self._reload()

    @invariant()
    def history_explains_the_state(self):
        if not hasattr(self, "case"):
            return
        last = self.case.transitions.order_by("-at", "-id").first()
        assert self.case.state == (last.to_state if last else AssessmentState.PLANNED)

    @invariant()
    def decisions_match_the_state(self):
        if not hasattr(self, "case"):
            return
        live = Determination.objects.filter(assessment=self.case).exclude(state=DeterminationState.RETURNED)
        assert live.count() <= 1
        if self.case.state == AssessmentState.AWAITING_DETERMINATION:
            assert live.filter(state=DeterminationState.RECOMMENDED).count() == 1
        if live.filter(state=DeterminationState.APPROVED).exists():
            assert self.case.state == AssessmentState.CLOSED


CaseWorkflow.TestCase.settings = settings(
    max_examples=10, stateful_step_count=25, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its steps as they ran
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.django_db
def test_case_workflow_state_machine():
    CaseWorkflow.TestCase().runTest()
