"""The role home pages at ``/``: PSA-1's queues and advisory, the IPSLO's portfolio, deadlines, cases and
notifications; LANT-51's program dashboard; the generic page for Viewers and users without a role."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from advisories.choices import AdvisoryStatus, CostBorneBy, EscalationKind, ProposalKind, ProposalState, RequestState
from advisories.models import (
    AdvisoryExemption,
    AdvisoryListing,
    EscalationStep,
    ListingProposal,
    PortSecurityAdvisory,
    SeparateConsiderationRequest,
)
from assessments.choices import (
    AssessmentState,
    Basis,
    DeterminationSource,
    DeterminationState,
    Outcome,
    VisitFacilityStatus,
)
from assessments.models import Assessment, CredibleReport, Determination, TeamMember, VisitFacility
from assessments.services.checklists import checklist_load_reference
from countries.choices import AssignmentKind, ComplianceStatus, NodeCode
from countries.models import PortfolioAssignment
from ips import calendar
from ips.dashboards import homes
from ips.models import Notification
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
TODAY = NOW.date()
HOME = reverse("home")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def checklist(db):
    return checklist_load_reference()[0]


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def templates_of(response) -> list[str]:
    return [t.name for t in response.templates]


# --- builders (also used by test_home_queries.py) -----------------------------------------------


def make_case(country, *, ipslo, creator, checklist, state, team=(), leader=None, changed_days_ago=0, **dates):
    """A case run by ``ipslo``, with its visit team (rights come from the portfolio and the team)."""
    case = Assessment.objects.create(
        country=country, ipslo=ipslo, checklist_template=checklist, created_by=creator, state=state,
        state_changed_at=ago(changed_days_ago), **dates,
    )
    for user in team:
        TeamMember.objects.create(assessment=case, user=user, name=str(user), is_leader=user == leader)
    return case


def recommended(country, *, by, days, source=DeterminationSource.ASSESSMENT, assessment=None, credible_report=None,
                outcome=Outcome.SUBSTANTIALLY):
    return Determination.objects.create(
        country=country, source=source, assessment=assessment, credible_report=credible_report, outcome=outcome,
        basis=Basis.D if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale="As recommended.",
        effective_date=TODAY, state=DeterminationState.RECOMMENDED, recommended_by=by, recommended_at=ago(days),
    )


def approved(country, *, users, outcome=Outcome.NOT_SUBSTANTIALLY, effective=TODAY, state=DeterminationState.APPROVED):
    return Determination.objects.create(
        country=country, source=DeterminationSource.CREDIBLE_REPORT, outcome=outcome,
        basis=Basis.C if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale="As decided.",
        effective_date=effective, state=state, recommended_by=users["lant51"], recommended_at=ago(60),
        decided_by=users["psa1"], decided_at=ago(50),
    )


def proposal(country, *, users, kind=ProposalKind.LIST, state=ProposalState.OPEN, days=1, advisory=None):
    outcome = Outcome.NOT_SUBSTANTIALLY if kind == ProposalKind.LIST else Outcome.SUBSTANTIALLY
    made = ListingProposal.objects.create(
        country=country, kind=kind, determination=approved(country, users=users, outcome=outcome), state=state,
        advisory=advisory, decided_at=None if state == ProposalState.OPEN else ago(1),
        decided_by=None if state == ProposalState.OPEN else users["psa1"],
        decision_note="Not needed." if state == ProposalState.DISMISSED else "",
    )
    ListingProposal.objects.filter(pk=made.pk).update(raised_at=ago(days))
    made.refresh_from_db()
    return made


def advisory(*, by, status, countries, sequence=None):
    published = status != AdvisoryStatus.DRAFT
    made = PortSecurityAdvisory.objects.create(
        sequence=sequence if published else None, year=26 if published else None, title="Port Security Advisory",
        effective_date=dt.date(2026, 7, 1) if published else None, status=status, created_by=by,
        published_at=ago(100) if published else None, published_by=by if published else None,
    )
    AdvisoryListing.objects.bulk_create(AdvisoryListing(advisory=made, country=c) for c in countries)
    return made


def separate_request(facility, *, by, state, received_days_ago=30, reviewed_days_ago=None,
                     recommendation="accept"):
    reviewed = reviewed_days_ago is not None
    return SeparateConsiderationRequest.objects.create(
        facility=facility, country=facility.port.country, received_on=TODAY - dt.timedelta(days=received_days_ago),
        state=state, plan_file="tests/plan.pdf", plan_name="plan.pdf", plan_sha256="0" * 64, plan_size=1,
        rso_name="Harbour Assurance Ltd", rso_qualifications="Auditors.", rso_independence="None.",
        cost_borne_by=CostBorneBy.FACILITY, report_file="tests/report.pdf", report_name="report.pdf",
        report_sha256="1" * 64, report_size=1, recommendation=recommendation if reviewed else "",
        review_notes="Reviewed." if reviewed else "", reviewed_by=by if reviewed else None,
        reviewed_at=ago(reviewed_days_ago) if reviewed else None,
        decision_reasons="Decided." if state in (RequestState.ACCEPTED, RequestState.REFUSED) else "",
        created_by=by,
    )


def facility_in(country):
    return PortFacilityFactory(port=PortFactory(country=country))


def assign(country, ipslo, *, kind=AssignmentKind.PRIMARY, ended=False):
    return PortfolioAssignment.objects.create(
        country=country, ipslo=ipslo, kind=kind, start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2025, 1, 1) if ended else None,
    )


# --- the role matrix ----------------------------------------------------------------------------


@pytest.fixture
def world(users, nodes, portfolio, checklist):
    """Each IPSLO's open case in their own country; a determination waiting for PSA-1."""
    mine = make_case(portfolio["country"], ipslo=users["ipslo"], creator=users["lant51"], checklist=checklist,
                     state=AssessmentState.PLANNED, proposed_start=dt.date(2027, 1, 10),
                     proposed_end=dt.date(2027, 1, 14))
    theirs = make_case(portfolio["other_country"], ipslo=users["other_ipslo"], creator=users["lant51"],
                       checklist=checklist, state=AssessmentState.CONFIRMED, visit_start=dt.date(2027, 2, 1),
                       visit_end=dt.date(2027, 2, 4))
    waiting = recommended(portfolio["other_country"], by=users["lant51"], days=3)
    return {"mine": mine, "theirs": theirs, "waiting": waiting}


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_psa1_gets_the_psa1_home(users, world):
    response = login(users["psa1"]).get(HOME)
    assert response.status_code == 200
    assert "dashboards/psa1_home.html" in templates_of(response)
    assert response.context["fouo"] is True
    assert b"FOR OFFICIAL USE ONLY" in response.content
    assert [row.item for row in response.context["decisions"].queue.rows] == [world["waiting"]]


@pytest.mark.parametrize(("who", "sees", "not_sees"), [
    ("ipslo", "country", "other_country"),
    ("other_ipslo", "other_country", "country"),
])
def test_ipslo_gets_their_own_home_with_only_their_portfolio(users, world, portfolio, who, sees, not_sees):
    response = login(users[who]).get(HOME)
    assert response.status_code == 200
    assert "dashboards/ipslo_home.html" in templates_of(response)
    assert response.context["fouo"] is True
    countries = [row.country for row in response.context["countries"].rows]
    assert countries == [portfolio[sees]]
    cases = [row.case for row in response.context["cases"].rows]
    own_case = world["mine"] if who == "ipslo" else world["theirs"]
    assert cases == [own_case]
    html = response.content.decode()
    assert portfolio[sees].name in html and portfolio[not_sees].name not in html
    assert reverse("assessments:detail", args=[own_case.pk]) in html


@pytest.mark.parametrize("who", ["viewer", "norole"])
def test_viewers_and_users_without_a_role_get_the_generic_page(users, world, who):
    response = login(users[who]).get(HOME)
    assert response.status_code == 200
    names = templates_of(response)
    assert "home.html" in names
    assert not any(name.startswith("dashboards/") for name in names)
    assert "fouo" not in response.context or not response.context["fouo"]


def test_viewer_keeps_the_shortcuts(users, world):
    response = login(users["viewer"]).get(HOME)
    assert reverse("countries:list") in response.content.decode()
    assert "Browse countries" in response.content.decode()


def test_lant51_gets_the_program_dashboard(users, world):
    response = login(users["lant51"]).get(HOME)
    assert response.status_code == 200
    names = templates_of(response)
    assert "dashboards/program.html" in names
    assert not {"home.html", "dashboards/psa1_home.html", "dashboards/ipslo_home.html"} & set(names)
    # Only LANT-51 goes there.
    assert "dashboards/program.html" not in templates_of(login(users["psa1"]).get(HOME))
    assert "dashboards/program.html" not in templates_of(login(users["viewer"]).get(HOME))


def test_primary_role_decides_for_a_user_with_two_roles(make_user, world):
    from django.contrib.auth.models import Group

    both = make_user("psa1.and.ipslo", "IPSLO", NodeCode.ACTEUR)
    both.groups.add(Group.objects.get_or_create(name="PSA-1")[0])
    response = login(both).get(HOME)
    assert "dashboards/psa1_home.html" in templates_of(response)


# --- PSA-1: content -----------------------------------------------------------------------------


@pytest.fixture
def psa1_world(users, nodes, checklist):
    lant51 = users["lant51"]
    countries = [CountryFactory(iso2=f"Q{chr(65 + i)}", iso3=f"Q{chr(65 + i)}Q", name=f"Queueland {i:02d}",
                                node=nodes[NodeCode.ACTEUR]) for i in range(20)]
    # Twelve recommendations: one on a case awaiting its determination, one on a credible report, one on
    # a denial of access, nine more; then one approved and one returned, which do not wait.
    ages = [40, 30, 20, 15, 14, 10, 8, 6, 5, 4, 2, 1]
    case = make_case(countries[0], ipslo=users["ipslo"], creator=lant51, checklist=checklist,
                     state=AssessmentState.AWAITING_DETERMINATION)
    report = CredibleReport.objects.create(country=countries[1], source_agency="CBP", report_date=TODAY,
                                           summary="Concerns.", recorded_by=lant51)
    determinations = [
        recommended(countries[0], by=lant51, days=ages[0], assessment=case),
        recommended(countries[1], by=lant51, days=ages[1], source=DeterminationSource.CREDIBLE_REPORT,
                    credible_report=report, outcome=Outcome.NOT_SUBSTANTIALLY),
        recommended(countries[2], by=lant51, days=ages[2], source=DeterminationSource.ACCESS_DENIED,
                    outcome=Outcome.NOT_SUBSTANTIALLY),
    ] + [recommended(countries[i], by=lant51, days=ages[i]) for i in range(3, 12)]
    approved(countries[12], users=users)
    approved(countries[13], users=users, state=DeterminationState.RETURNED)

    # The advisory in force lists 14 and 15 and excepts one facility; the draft lists 15 and 16.
    in_force = advisory(by=users["psa1"], status=AdvisoryStatus.IN_FORCE, countries=[countries[14], countries[15]],
                        sequence=1)
    draft = advisory(by=users["psa1"], status=AdvisoryStatus.DRAFT, countries=[countries[15], countries[16]])

    # Proposals: three open, one dismissed, one accepted not yet in a draft, one in the draft, one published.
    open_proposals = [proposal(countries[17], users=users, days=9),
                      proposal(countries[18], users=users, kind=ProposalKind.DELIST, days=3),
                      proposal(countries[19], users=users, days=1)]
    proposal(countries[3], users=users, state=ProposalState.DISMISSED, days=20)
    proposal(countries[4], users=users, state=ProposalState.ACCEPTED, days=8)
    proposal(countries[16], users=users, state=ProposalState.ACCEPTED, days=7, advisory=draft)
    proposal(countries[15], users=users, state=ProposalState.ACCEPTED, days=200, advisory=in_force)

    # Separate-consideration requests: two reviewed and waiting for PSA-1, one waiting for LANT-51's review,
    # one accepted and only in the draft, one accepted and excepted in force, one refused.
    facilities = [facility_in(countries[14]) for _ in range(6)]
    older = separate_request(facilities[0], by=lant51, state=RequestState.UNDER_REVIEW, reviewed_days_ago=6)
    newer = separate_request(facilities[1], by=lant51, state=RequestState.UNDER_REVIEW, reviewed_days_ago=2,
                             recommendation="refuse")
    separate_request(facilities[2], by=lant51, state=RequestState.RECEIVED)
    in_draft = separate_request(facilities[3], by=lant51, state=RequestState.ACCEPTED, reviewed_days_ago=10)
    in_force_request = separate_request(facilities[4], by=lant51, state=RequestState.ACCEPTED, reviewed_days_ago=90)
    separate_request(facilities[5], by=lant51, state=RequestState.REFUSED, reviewed_days_ago=9)
    AdvisoryExemption.objects.create(advisory=draft, country=countries[14], facility=facilities[3],
                                     imo_number=facilities[3].imo_number, name="Draft exemption", request=in_draft)
    AdvisoryExemption.objects.create(advisory=in_force, country=countries[14], facility=facilities[4],
                                     imo_number=facilities[4].imo_number, name="In force", request=in_force_request)
    AdvisoryExemption.objects.create(advisory=draft, country=countries[14], facility=facilities[4],
                                     imo_number=facilities[4].imo_number, name="In force", request=in_force_request)
    return {"countries": countries, "determinations": determinations, "case": case, "report": report,
            "in_force": in_force, "draft": draft, "open_proposals": open_proposals, "requests": [older, newer]}


def test_psa1_sees_the_oldest_ten_determinations_with_their_age(users, psa1_world):
    response = login(users["psa1"]).get(HOME)
    decisions = response.context["decisions"]
    assert decisions.queue.total == 12 and decisions.queue.more == 2
    assert [row.item for row in decisions.queue.rows] == psa1_world["determinations"][:10]
    assert [row.age_days for row in decisions.queue.rows] == [40, 30, 20, 15, 14, 10, 8, 6, 5, 4]
    assert [row.long_wait for row in decisions.queue.rows][:5] == [True, True, True, True, False]
    assert (decisions.from_assessment, decisions.from_credible_report, decisions.from_access_denied) == (10, 1, 1)
    assert decisions.cases_awaiting == 1
    html = response.content.decode()
    for determination in psa1_world["determinations"][:10]:
        assert reverse("assessments:determination", args=[determination.pk]) in html
    assert reverse("assessments:determination", args=[psa1_world["determinations"][10].pk]) not in html
    assert reverse("assessments:detail", args=[psa1_world["case"].pk]) in html
    assert reverse("assessments:credible_report", args=[psa1_world["report"].pk]) in html
    assert f'{reverse("assessments:queue_decisions")}">See all 12 in the decision queue' in html
    assert f'{reverse("assessments:list")}?state=awaiting_determination' in html
    assert 'data-age-days="40"' in html


def test_psa1_sees_open_proposals_oldest_first_and_what_is_pending(users, psa1_world):
    response = login(users["psa1"]).get(HOME)
    proposals = response.context["proposals"]
    assert [row.item for row in proposals.open.rows] == psa1_world["open_proposals"]
    assert [row.age_days for row in proposals.open.rows] == [9, 3, 1]
    assert (proposals.open.total, proposals.accepted_not_in_draft, proposals.accepted_in_draft) == (3, 1, 1)
    html = response.content.decode()
    assert reverse("advisories:proposals") in html
    assert "Remove the country" in html and "List the country" in html


def test_psa1_sees_the_advisory_in_force_and_its_pending_changes(users, psa1_world):
    response = login(users["psa1"]).get(HOME)
    overview = response.context["advisory"]
    assert overview.in_force == psa1_world["in_force"] and overview.draft == psa1_world["draft"]
    assert (overview.in_force.country_count, overview.in_force.exemption_count) == (2, 1)
    countries = psa1_world["countries"]
    assert overview.draft_adds == [countries[16].name] and overview.draft_removes == [countries[14].name]
    assert (overview.requests_accepted_not_in_force, overview.requests_accepted_in_draft) == (1, 1)
    assert overview.pending
    html = response.content.decode()
    assert "PSA 1-26" in html
    assert reverse("advisories:detail", args=[psa1_world["in_force"].pk]) in html
    assert reverse("advisories:edit", args=[psa1_world["draft"].pk]) in html
    assert f"It adds {countries[16].name}." in html and f"It removes {countries[14].name}." in html


def test_psa1_sees_exemption_requests_reviewed_by_lant51(users, psa1_world):
    response = login(users["psa1"]).get(HOME)
    requests = response.context["requests"]
    assert [row.item for row in requests.decision.rows] == psa1_world["requests"]
    assert [row.age_days for row in requests.decision.rows] == [6, 2]
    assert (requests.decision.total, requests.review) == (2, 1)
    html = response.content.decode()
    for item in psa1_world["requests"]:
        assert reverse("advisories:request", args=[item.pk]) in html
    assert "Accept: exempt the facility" in html and "Refuse" in html


def test_psa1_home_says_plainly_when_nothing_waits(users):
    response = login(users["psa1"]).get(HOME)
    html = response.content.decode()
    assert "no determination waits for your decision" in html
    assert "no proposal to list or remove a country is open" in html
    assert "No advisory is in force yet" in html
    assert "Nothing is pending" in html
    assert "no exemption request waits for your decision" in html
    assert html.count("<h1") == 1 and html.count("<h2") == 4


# --- IPSLO: content -----------------------------------------------------------------------------


@pytest.fixture
def ipslo_world(users, nodes, portfolio, checklist):
    ipslo, other, lant51 = users["ipslo"], users["other_ipslo"], users["lant51"]
    acteur, feact = nodes[NodeCode.ACTEUR], nodes[NodeCode.FEACT]
    atlantis = portfolio["country"]
    atlantis.next_assessment_due = TODAY + dt.timedelta(days=400)
    atlantis.last_assessment_date = dt.date(2024, 10, 20)
    atlantis.compliance_status = ComplianceStatus.SUBSTANTIALLY
    atlantis.save()
    xanadu = CountryFactory(iso2="WX", iso3="WXQ", name="Xanadu", node=acteur,
                            next_assessment_due=TODAY - dt.timedelta(days=10),
                            compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY)
    yonder = CountryFactory(iso2="WY", iso3="WYQ", name="Yonder", node=acteur,
                            next_assessment_due=TODAY + dt.timedelta(days=30))
    zembla = CountryFactory(iso2="WZ", iso3="WZQ", name="Zembla", node=acteur, in_scope=False)
    alternia = CountryFactory(iso2="WA", iso3="WAQ", name="Alternia", node=acteur)
    formerland = CountryFactory(iso2="WF", iso3="WFQ", name="Formerland", node=acteur)
    elsewhere = CountryFactory(iso2="WE", iso3="WEQ", name="Elsewhere", node=feact)
    faraway = CountryFactory(iso2="WW", iso3="WWQ", name="Faraway", node=feact)
    for country in (xanadu, yonder, zembla):
        assign(country, ipslo)
    assign(alternia, ipslo, kind=AssignmentKind.ALTERNATE)
    assign(formerland, ipslo, ended=True)
    for country in (elsewhere, faraway):
        assign(country, other)

    planned = make_case(atlantis, ipslo=ipslo, creator=lant51, checklist=checklist, state=AssessmentState.PLANNED,
                        changed_days_ago=5, proposed_start=dt.date(2027, 1, 10), proposed_end=dt.date(2027, 1, 14))
    VisitFacility.objects.create(assessment=planned, facility=facility_in(atlantis),
                                 status=VisitFacilityStatus.PROPOSED)
    make_case(atlantis, ipslo=ipslo, creator=lant51, checklist=checklist, state=AssessmentState.CLOSED,
              visit_start=dt.date(2024, 10, 14), visit_end=dt.date(2024, 10, 18))
    drafting = make_case(portfolio["other_country"], ipslo=other, creator=lant51, checklist=checklist,
                         state=AssessmentState.REPORT_DRAFTING, team=[other, ipslo], leader=ipslo,
                         changed_days_ago=20, visit_start=dt.date(2026, 11, 1), visit_end=dt.date(2026, 11, 5))
    reviewing = make_case(elsewhere, ipslo=other, creator=lant51, checklist=checklist,
                          state=AssessmentState.UNDER_REVIEW, team=[other, ipslo], leader=other, changed_days_ago=30,
                          visit_start=dt.date(2026, 10, 1), visit_end=dt.date(2026, 10, 3))
    on_site = make_case(faraway, ipslo=other, creator=lant51, checklist=checklist, state=AssessmentState.ON_SITE,
                        team=[other], leader=other, changed_days_ago=1, visit_start=dt.date(2026, 11, 22),
                        visit_end=dt.date(2026, 11, 26))

    # Xanadu's 90-day mitigation period ended on 30 October (no escalation yet); Yonder's ended too, but an
    # escalation step is recorded.
    approved(xanadu, users=users, effective=dt.date(2026, 8, 1))
    escalated = approved(yonder, users=users, effective=dt.date(2026, 7, 1))
    EscalationStep.objects.create(country=yonder, determination=escalated, kind=EscalationKind.MARSEC_DIRECTIVE,
                                  federal_register_citation="91 FR 1234", issued_on=dt.date(2026, 10, 15),
                                  recorded_by=users["psa1"])
    return {"atlantis": atlantis, "xanadu": xanadu, "yonder": yonder, "zembla": zembla, "alternia": alternia,
            "formerland": formerland, "elsewhere": elsewhere, "faraway": faraway, "planned": planned,
            "drafting": drafting, "reviewing": reviewing, "on_site": on_site}


def test_ipslo_sees_their_primary_portfolio_soonest_due_first(users, ipslo_world):
    response = login(users["ipslo"]).get(HOME)
    countries = response.context["countries"]
    w = ipslo_world
    assert [row.country for row in countries.rows] == [w["xanadu"], w["yonder"], w["atlantis"], w["zembla"]]
    assert countries.total == 4
    assert [row.due.code for row in countries.rows] == ["overdue", "due_90", "current", "out_of_scope"]
    assert [row.open_case_id for row in countries.rows] == [None, None, w["planned"].pk, None]
    assert countries.rows[2].open_case_label == "Planned"
    html = response.content.decode()
    assert f'{reverse("countries:list")}?ipslo={users["ipslo"].pk}' in html
    assert w["xanadu"].get_absolute_url() in html
    assert "Overdue by 10 days" in html and "Not substantially implementing" in html
    for absent in ("alternia", "formerland", "elsewhere", "faraway"):
        assert f'data-country="{w[absent].iso3}"' not in html


def test_ipslo_sees_the_next_deadlines_overdue_first(users, ipslo_world):
    response = login(users["ipslo"]).get(HOME)
    deadlines = response.context["deadlines"]
    w = ipslo_world
    got = [(d.day, d.kind, d.days_left) for d in deadlines.rows]
    assert got == [
        (dt.date(2026, 10, 30), "mitigation", -24),
        (dt.date(2026, 11, 11), "deadline", -12),  # the visit request letter: 60 days before the visit
        (dt.date(2026, 11, 13), "reassessment", -10),
        (dt.date(2026, 11, 26), "deadline", 3),  # the government questionnaire: 45 days before
        (dt.date(2026, 12, 21), "deadline", 28),  # the facility self-assessments: 20 days before
        (dt.date(2026, 12, 23), "reassessment", 30),
        (dt.date(2027, 1, 10), "visit", 48),
    ]
    assert deadlines.total == 7 and deadlines.more == 0
    assert [d.overdue for d in deadlines.rows] == [True, True, True, False, False, False, False]
    titles = [d.title for d in deadlines.rows]
    assert titles[1] == "Atlantis: last day to send the visit request letter"
    assert titles[2] == "Xanadu: next assessment due"
    html = response.content.decode()
    assert "Overdue</span> by 24 days" in html and "3 days" in html
    assert reverse("assessments:detail", args=[w["planned"].pk]) in html
    assert reverse("calendar") in html


def test_home_deadlines_agree_with_the_calendar_feed(users, ipslo_world):
    """Every deadline of the calendar feed is on the home page on the same day, except a mitigation period
    whose escalation is already recorded."""
    response = login(users["ipslo"]).get(HOME)
    shown = {(d.day, d.title) for d in response.context["deadlines"].rows}
    feed = {(e.start, e.summary) for e in calendar.calendar_entries(user=users["ipslo"], on=TODAY)
            if e.category == calendar.DEADLINE}
    assert feed - shown == {(dt.date(2026, 9, 29), "Yonder: 90-day mitigation period ends")}
    assert feed & shown == feed - {(dt.date(2026, 9, 29), "Yonder: 90-day mitigation period ends")}


def test_ipslo_deadlines_are_bounded_with_the_total(users, ipslo_world, nodes):
    for i in range(12):
        assign(CountryFactory(iso2=f"R{chr(65 + i)}", iso3=f"R{chr(65 + i)}Q", name=f"Dueland {i:02d}",
                              node=nodes[NodeCode.ACTEUR], next_assessment_due=TODAY + dt.timedelta(days=100 + i)),
               users["ipslo"])
    deadlines = login(users["ipslo"]).get(HOME).context["deadlines"]
    assert len(deadlines.rows) == homes.DEADLINES_SHOWN
    assert deadlines.total == 19 and deadlines.more == 9


def test_ipslo_sees_open_cases_and_what_each_waits_for(users, ipslo_world):
    response = login(users["ipslo"]).get(HOME)
    cases = response.context["cases"]
    w = ipslo_world
    assert [row.case for row in cases.rows] == [w["drafting"], w["planned"], w["reviewing"]]
    assert cases.total == 3
    assert [(row.my_part, row.waits_for, row.on_me) for row in cases.rows] == [
        ("Team leader", "You (team leader)", True),
        ("IPSLO", "You", True),
        ("Team member", "LANT-51", False),
    ]
    assert cases.rows[0].next_step == "Draft the report and submit it for review."
    assert cases.rows[1].days_in_state == 5
    html = response.content.decode()
    for case in (w["drafting"], w["planned"], w["reviewing"]):
        assert reverse("assessments:detail", args=[case.pk]) in html
    assert reverse("assessments:detail", args=[w["on_site"].pk]) not in html
    assert f'{reverse("assessments:list")}?mine=on' in html


def test_the_other_ipslo_sees_only_their_cases(users, ipslo_world):
    cases = login(users["other_ipslo"]).get(HOME).context["cases"]
    w = ipslo_world
    rows = {row.case: (row.waits_for, row.on_me) for row in cases.rows}
    assert rows == {
        w["on_site"]: ("You and the visit team", True),
        w["drafting"]: ("The team leader", False),
        w["reviewing"]: ("LANT-51", False),
    }
    assert [row.case for row in cases.rows][0] == w["on_site"]


def test_ipslo_sees_the_latest_unread_notifications(users, ipslo_world):
    ipslo = users["ipslo"]
    for n in range(7):
        made = Notification.objects.create(recipient=ipslo, kind="test", key=f"unread:{n}", title=f"Unread {n}",
                                           url="/countries/" if n else "https://evil.example/")
        Notification.objects.filter(pk=made.pk).update(created_at=ago(10 - n))
    Notification.objects.create(recipient=ipslo, kind="test", key="read", title="Already read", read_at=NOW)
    Notification.objects.create(recipient=users["other_ipslo"], kind="test", key="theirs", title="Not mine")
    response = login(ipslo).get(HOME)
    notifications = response.context["notifications"]
    assert notifications.total == 7 and notifications.more == 2
    assert [row.notification.title for row in notifications.rows] == [f"Unread {n}" for n in (6, 5, 4, 3, 2)]
    html = response.content.decode()
    assert "Already read" not in html and "Not mine" not in html and "Unread 0" not in html
    assert reverse("notifications") in html and "See all 7 unread notifications" in html


def test_an_unsafe_notification_link_is_dropped(users, ipslo_world):
    Notification.objects.create(recipient=users["ipslo"], kind="test", key="x", title="Off site",
                                url="https://evil.example/")
    response = login(users["ipslo"]).get(HOME)
    assert [row.link for row in response.context["notifications"].rows] == [""]
    assert "evil.example" not in response.content.decode()


def test_ipslo_home_says_plainly_when_nothing_waits(make_user):
    lonely = make_user("ipslo.lonely", "IPSLO", NodeCode.LANT512)
    response = login(lonely).get(HOME)
    html = response.content.decode()
    assert "You have no country in your portfolio" in html
    assert "no dated deadline" in html
    assert "you have no open case" in html
    assert "you have no unread notification" in html
    assert html.count("<h1") == 1 and html.count("<h2") == 4
