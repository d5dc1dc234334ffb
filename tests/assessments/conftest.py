import datetime as dt

import pytest

from assessments import services
from assessments.choices import Outcome, Rating, VisitFacilityStatus
from assessments.services.checklists import checklist_load_reference
from ips.roles import Role
from tests.factories import PortFacilityFactory, PortFactory


@pytest.fixture
def checklist(db):
    template, _ = checklist_load_reference()
    return template


@pytest.fixture
def facilities(country):
    port = PortFactory(country=country, name="Port Atlantis")
    return [PortFacilityFactory(port=port, name=f"Terminal {n}") for n in (1, 2)]


@pytest.fixture
def leader(make_user):
    return make_user("leader", Role.IPSLO, "ACTEUR", first_name="Tess", last_name="Leader")


@pytest.fixture
def case(users, portfolio, checklist, facilities):
    return services.assessment_create(
        country=portfolio["country"], by=users["ipslo"], proposed_start=dt.date(2027, 3, 1),
        proposed_end=dt.date(2027, 3, 5), objective="Assess ISPS Code implementation.",
    )


# The visit drive_to confirms and carries out: the host agreed to 2-6 November 2026 (not the proposed dates),
# so that every event it records (notice, letter, agreement, facilities visited) lies in the past.
VISIT_START, VISIT_END = dt.date(2026, 11, 2), dt.date(2026, 11, 6)


def drive_to(case, state: str, users, leader=None):
    """Carry ``case`` through the workflow up to ``state`` (one of the states on the main path): notice and
    visit request in the summer of 2026, the host's agreement on 1 September, the visit of 2-6 November."""
    ipslo, lant51 = users["ipslo"], users["lant51"]
    path = ["planned", "notified", "confirmed", "preparing", "on_site", "report_drafting", "under_review",
            "awaiting_determination", "closed"]
    target = path.index(state)

    def reached(name):
        case.refresh_from_db()
        return path.index(case.state) >= path.index(name)

    if target >= 1 and not reached("notified"):
        services.assessment_update_plan(assessment=case, by=ipslo, data={
            "informal_notice_on": dt.date(2026, 7, 20), "visit_request_sent_on": dt.date(2026, 8, 10)})
        services.assessment_transition(assessment=case, name="notify", by=ipslo)
    if target >= 2 and not reached("confirmed"):
        services.assessment_update_plan(assessment=case, by=ipslo, data={"host_confirmed_on": dt.date(2026, 9, 1)})
        services.assessment_transition(assessment=case, name="confirm", by=ipslo)
    if target >= 3 and not reached("preparing"):
        services.assessment_update_plan(assessment=case, by=ipslo, data={
            "visit_start": VISIT_START, "visit_end": VISIT_END})
        services.team_member_add(assessment=case, by=ipslo, user=leader or ipslo, is_leader=True)
        services.assessment_transition(assessment=case, name="prepare", by=ipslo)
    if target >= 4 and not reached("on_site"):
        for vf_facility in case.country.ports.first().facilities.all():
            vf = services.visit_facility_add(assessment=case, facility=vf_facility, by=ipslo)
            services.visit_facility_update(visit_facility=vf, by=ipslo, data={"status": VisitFacilityStatus.APPROVED})
        services.assessment_transition(assessment=case, name="start_visit", by=ipslo)
    if target >= 5 and not reached("report_drafting"):
        for vf in case.visit_facilities.all():
            services.visit_facility_update(visit_facility=vf, by=ipslo, data={
                "status": VisitFacilityStatus.VISITED, "visited_on": VISIT_START + dt.timedelta(days=1)})
            item = case.checklist_template.sections.get(code="A14.2").items.first()
            services.checklist_answer(assessment=case, item=item, by=ipslo, rating=Rating.MEETS, visit_facility=vf)
        services.assessment_transition(assessment=case, name="finish_visit", by=ipslo)
    if target >= 6 and not reached("under_review"):
        author = leader or ipslo
        services.report_save_draft(assessment=case, by=author, sections={
            "introduction": "Intro.", "implementation_procedures": "Procedures.",
            "facilities_description": "Facilities.", "future_plans": "Plans.", "conclusions": "Conclusions."})
        services.assessment_transition(assessment=case, name="submit_report", by=author)
    if target >= 7 and not reached("awaiting_determination"):
        services.determination_recommend(
            assessment=case, by=lant51, outcome=Outcome.SUBSTANTIALLY, rationale="Effective measures.",
            effective_date=dt.date(2027, 4, 1))
    if target >= 8 and not reached("closed"):
        services.determination_approve(determination=case.determinations.get(state="recommended"), by=users["psa1"])
    case.refresh_from_db()
    return case
