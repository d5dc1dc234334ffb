import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.choices import AssessmentState, VisitFacilityStatus
from assessments.models import Assessment, ItineraryItem, TeamMember, Transition, VisitFacility
from assessments.workflow import MOVES
from countries.services import portfolio_assign
from tests.assessments.conftest import drive_to
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db

ROLES = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer", "anonymous")


@pytest.fixture
def clients(users):
    made = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        made[role] = client
    return made


def _post(client, url, data=None, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data or {}, headers=headers)


def _plan_data(case, **changes):
    data = {
        name: ("" if getattr(case, name) is None else getattr(case, name))
        for name in ("objective", "proposed_start", "proposed_end", "visit_start", "visit_end", "informal_notice_on",
                     "visit_request_sent_on", "host_confirmed_on", "questionnaire_received_on", "no_facility_reason")
    }
    data = {name: (value.isoformat() if isinstance(value, dt.date) else value) for name, value in data.items()}
    data["version"] = case.updated_at.isoformat()
    data.update(changes)
    return data


# --- who may open which page -----------------------------------------------------------------


CASE_PAGES = ("detail", "team", "facilities", "history")


@pytest.mark.parametrize(
    "role, expected",
    [("psa1", 200), ("lant51", 200), ("ipslo", 200), ("other_ipslo", 404), ("viewer", 403), ("anonymous", 302)],
)
def test_case_workspace_pages_by_role(case, clients, role, expected):
    for page in CASE_PAGES:
        response = clients[role].get(reverse(f"assessments:{page}", args=[case.pk]))
        assert response.status_code == expected, page
        if expected == 200:
            assert b"FOR OFFICIAL USE ONLY" in response.content


@pytest.mark.parametrize(
    "role, list_status, create_status",
    [
        ("psa1", 200, 403), ("lant51", 200, 200), ("ipslo", 200, 200), ("other_ipslo", 200, 200),
        ("viewer", 403, 403), ("anonymous", 302, 302),
    ],
)
def test_case_list_and_open_a_case_by_role(case, clients, role, list_status, create_status):
    listing = clients[role].get(reverse("assessments:list"))
    assert listing.status_code == list_status
    if list_status == 200:
        shows_case = case.get_absolute_url().encode() in listing.content
        assert shows_case == (role != "other_ipslo")
    assert clients[role].get(reverse("assessments:create")).status_code == create_status


def test_case_list_filters_by_state_country_and_my_cases(case, clients, users, other_country, checklist):
    other = services.assessment_create(country=other_country, by=users["lant51"])
    lant51 = clients["lant51"]
    by_state = lant51.get(reverse("assessments:list"), {"state": AssessmentState.PLANNED})
    assert case.get_absolute_url().encode() in by_state.content
    by_country = lant51.get(reverse("assessments:list"), {"country": "borduria"})
    assert other.get_absolute_url().encode() in by_country.content
    assert case.get_absolute_url().encode() not in by_country.content
    mine = clients["ipslo"].get(reverse("assessments:list"), {"mine": "on"})
    assert case.get_absolute_url().encode() in mine.content
    none = lant51.get(reverse("assessments:list"), {"state": AssessmentState.CLOSED})
    assert case.get_absolute_url().encode() not in none.content


def test_case_list_shows_each_countrys_reassessment_status(case, clients):
    case.country.next_assessment_due = timezone.localdate() - dt.timedelta(days=3)
    case.country.in_scope = True
    case.country.save()
    html = clients["lant51"].get(reverse("assessments:list")).content.decode()
    assert 'data-due="overdue"' in html
    assert f'datetime="{case.country.next_assessment_due:%Y-%m-%d}"' in html


def _make_cases(n, *, users, nodes, checklist):
    countries = [CountryFactory(node=nodes["ACTEUR"]) for _ in range(n)]
    Assessment.objects.bulk_create(
        Assessment(country=c, ipslo=users["ipslo"], checklist_template=checklist, created_by=users["lant51"],
                   state_changed_at=timezone.now(), proposed_start=dt.date(2027, 5, 1),
                   proposed_end=dt.date(2027, 5, 3))
        for c in countries
    )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_case_list_runs_the_same_number_of_queries_for_10_and_50_cases(clients, users, nodes, checklist):
    _make_cases(10, users=users, nodes=nodes, checklist=checklist)
    url = reverse("assessments:list")
    small = _count_queries(clients["lant51"], url)
    _make_cases(40, users=users, nodes=nodes, checklist=checklist)
    large = _count_queries(clients["lant51"], url)
    assert small == large
    assert Assessment.objects.count() == 50


# --- opening a case --------------------------------------------------------------------------


def test_ipslo_opens_a_case_for_a_country_of_the_portfolio(clients, users, portfolio, checklist):
    response = _post(clients["ipslo"], reverse("assessments:create"), {
        "country": "XAX", "proposed_start": "2027-06-01", "proposed_end": "2027-06-05", "objective": "Assess.",
    })
    case = Assessment.objects.get(country=portfolio["country"])
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert case.ipslo == users["ipslo"]
    assert case.state == AssessmentState.PLANNED


def test_the_country_is_preselected_from_the_query_string(clients, portfolio, checklist):
    page = clients["ipslo"].get(reverse("assessments:create"), {"country": "xax"})
    assert b'<option value="XAX" selected>' in page.content


def test_a_second_open_case_for_the_country_is_refused_beside_the_field(case, clients):
    response = _post(clients["ipslo"], reverse("assessments:create"), {"country": "XAX"})
    assert response.status_code == 200
    assert Assessment.objects.filter(country=case.country).count() == 1
    form = response.context["form"]
    assert "already has an open assessment" in form.errors["country"][0]
    assert b'id="id_country_error"' in response.content


def test_an_ipslo_cannot_open_a_case_for_a_country_outside_the_portfolio(clients, portfolio, checklist):
    response = _post(clients["ipslo"], reverse("assessments:create"), {"country": "XBX"})
    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_proposed_last_day_before_the_first_is_refused(clients, portfolio, checklist):
    response = _post(clients["ipslo"], reverse("assessments:create"), {
        "country": "XAX", "proposed_start": "2027-06-05", "proposed_end": "2027-06-01",
    })
    assert response.context["form"].errors["proposed_end"] == ["The last day is before the first day."]
    assert not Assessment.objects.exists()


# --- the plan --------------------------------------------------------------------------------


def test_the_ipslo_saves_the_plan_and_sees_the_due_dates(case, clients):
    response = _post(clients["ipslo"], reverse("assessments:detail", args=[case.pk]), _plan_data(
        case, visit_start="2027-03-02", visit_end="2027-03-06", questionnaire_received_on="2026-11-30"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.visit_start == dt.date(2027, 3, 2)
    page = clients["ipslo"].get(reverse("assessments:detail", args=[case.pk]))
    assert "16 Jan 2027" in page.content.decode()  # questionnaire due: 45 days before 2 March
    assert "10 Feb 2027" in page.content.decode()  # facility self-assessments due: 20 days before


def test_a_visit_request_letter_outside_the_window_shows_a_warning(case, clients):
    url = reverse("assessments:detail", args=[case.pk])
    # A visit on 10 January 2027: the letter goes between 12 October and 11 November 2026.
    visit = {"proposed_start": "2027-01-10", "proposed_end": "2027-01-14"}
    _post(clients["ipslo"], url, _plan_data(case, **visit, visit_request_sent_on="2026-09-01"))  # 131 days before
    case.refresh_from_db()
    assert case.visit_request_sent_on == dt.date(2026, 9, 1)
    assert b'id="visit-request-warning"' in clients["ipslo"].get(url).content
    _post(clients["ipslo"], url, _plan_data(case, visit_request_sent_on="2026-11-01"))  # 70 days before
    case.refresh_from_db()
    assert case.visit_request_sent_on == dt.date(2026, 11, 1)
    assert b'id="visit-request-warning"' not in clients["ipslo"].get(url).content


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"proposed_start": "", "proposed_end": "2027-03-05"}, "proposed_start", "Enter both"),
        ({"visit_start": "2027-03-02"}, "visit_end", "Enter both"),
        ({"visit_start": "2027-03-06", "visit_end": "2027-03-02"}, "visit_end", "before the first day"),
        ({"informal_notice_on": "not a date"}, "informal_notice_on", "valid date"),
    ],
)
def test_bad_plan_input_is_shown_beside_the_field_and_nothing_changes(case, clients, changes, field, message):
    before = Assessment.objects.get(pk=case.pk)
    response = _post(clients["ipslo"], reverse("assessments:detail", args=[case.pk]), _plan_data(
        case, objective="Typed objective", **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert b"Typed objective" in response.content
    after = Assessment.objects.get(pk=case.pk)
    assert (after.objective, after.proposed_start, after.visit_start, after.updated_at) == (
        before.objective, before.proposed_start, before.visit_start, before.updated_at)


def test_a_stale_plan_save_is_refused_and_keeps_what_was_typed(case, clients, users):
    stale = _plan_data(case, objective="My new objective")
    services.assessment_update_plan(assessment=case, by=users["lant51"], data={"objective": "Saved meanwhile"})
    response = _post(clients["ipslo"], reverse("assessments:detail", args=[case.pk]), stale)
    assert response.status_code == 409
    assert b"Someone else saved this case" in response.content
    assert b"My new objective" in response.content
    assert b"Saved meanwhile" in response.content
    case.refresh_from_db()
    assert case.objective == "Saved meanwhile"
    # Submitting the refreshed form again replaces the value deliberately.
    again = response.context["form"].data.copy()
    assert _post(clients["ipslo"], reverse("assessments:detail", args=[case.pk]), again).status_code == 302
    case.refresh_from_db()
    assert case.objective == "My new objective"


def test_the_plan_is_read_only_without_change_plan(case, clients):
    url = reverse("assessments:detail", args=[case.pk])
    page = clients["psa1"].get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert b"Save the plan" not in page.content
    assert _post(clients["psa1"], url, _plan_data(case, objective="PSA-1 edit")).status_code == 403
    case.refresh_from_db()
    assert case.objective != "PSA-1 edit"


# --- team and itinerary ----------------------------------------------------------------------


def test_adding_an_interagency_member_without_javascript_redirects(case, clients):
    response = _post(clients["ipslo"], reverse("assessments:team_add", args=[case.pk]), {
        "member-name": "Pat Customs", "member-agency": "CBP", "member-position": "Attaché"})
    assert response.status_code == 302
    member = case.team.get()
    assert (member.name, member.agency, member.user) == ("Pat Customs", "CBP", None)


def test_adding_a_member_with_htmx_returns_only_the_team_section(case, clients, leader):
    response = _post(clients["ipslo"], reverse("assessments:team_add", args=[case.pk]), {
        "member-user": leader.pk, "member-agency": "USCG", "member-is_leader": "on"}, htmx=True)
    assert response.status_code == 200
    assert b'<section id="team-members"' in response.content
    assert b"<html" not in response.content
    assert b"Tess Leader" in response.content
    assert case.team.get(is_leader=True).user == leader


def test_a_second_team_leader_is_refused_beside_the_field(case, clients, users, leader):
    services.team_member_add(assessment=case, by=users["ipslo"], user=leader, is_leader=True)
    response = _post(clients["ipslo"], reverse("assessments:team_add", args=[case.pk]), {
        "member-name": "Sam Second", "member-agency": "USCG", "member-is_leader": "on"}, htmx=True)
    assert response.status_code == 200
    assert b"is already the team leader" in response.content
    assert b"usa-form-group--error" in response.content
    assert b'value="Sam Second"' in response.content  # nothing typed is lost
    assert list(case.team.values_list("name", "is_leader")) == [("Tess Leader", True)]


def test_replacing_the_leader_needs_the_explicit_tick(case, clients, users, leader):
    services.team_member_add(assessment=case, by=users["ipslo"], user=leader, is_leader=True)
    _post(clients["ipslo"], reverse("assessments:team_add", args=[case.pk]), {
        "member-name": "Sam Second", "member-agency": "USCG", "member-is_leader": "on",
        "member-replace_leader": "on"})
    assert case.team.get(is_leader=True).name == "Sam Second"


def test_a_member_needs_an_account_or_a_name(case, clients):
    response = _post(clients["ipslo"], reverse("assessments:team_add", args=[case.pk]), {"member-agency": "USCG"})
    assert "Choose a staff account" in response.context["member_form"].errors["name"][0]
    assert not case.team.exists()


def test_removing_a_member(case, clients, users):
    member = services.team_member_add(assessment=case, by=users["ipslo"], name="Pat Customs", agency="CBP")
    response = _post(clients["ipslo"], reverse("assessments:team_remove", args=[case.pk, member.pk]), htmx=True)
    assert response.status_code == 200
    assert not TeamMember.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role, expected", [("psa1", 403), ("other_ipslo", 404), ("viewer", 403), ("anonymous", 302)])
def test_team_changes_are_refused_to_roles_that_may_not_plan(case, clients, role, expected):
    response = _post(clients[role], reverse("assessments:team_add", args=[case.pk]), {"member-name": "X"})
    assert response.status_code == expected
    assert not case.team.exists()


def test_itinerary_items_are_added_edited_and_deleted(case, clients, facilities):
    ipslo = clients["ipslo"]
    response = _post(ipslo, reverse("assessments:itinerary_add", args=[case.pk]), {
        "item-kind": "facility_visit", "item-day": "2027-03-02", "item-start_time": "09:30",
        "item-facility": facilities[0].pk}, htmx=True)
    assert response.status_code == 200 and b'<section id="itinerary"' in response.content
    item = case.itinerary.get()
    assert (item.facility, item.start_time) == (facilities[0], dt.time(9, 30))
    edit_url = reverse("assessments:itinerary_edit", args=[case.pk, item.pk])
    assert b"Save the item" in ipslo.get(edit_url, headers={"HX-Request": "true"}).content
    assert _post(ipslo, edit_url, {"item-kind": "out_brief", "item-day": "2027-03-05", "item-location": "Embassy",
                                   "item-version": item.version}).status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.location, item.facility) == ("out_brief", "Embassy", None)
    assert _post(ipslo, reverse("assessments:itinerary_delete", args=[case.pk, item.pk])).status_code == 302
    assert not ItineraryItem.objects.exists()


def test_an_itinerary_facility_of_another_country_is_refused(case, clients, other_country):
    foreign = PortFacilityFactory(port=PortFactory(country=other_country))
    response = _post(clients["ipslo"], reverse("assessments:itinerary_add", args=[case.pk]), {
        "item-kind": "facility_visit", "item-day": "2027-03-02", "item-facility": foreign.pk})
    assert "facility" in response.context["itinerary_form"].errors
    assert not ItineraryItem.objects.exists()


def test_an_itinerary_item_without_a_day_is_refused(case, clients):
    response = _post(clients["ipslo"], reverse("assessments:itinerary_add", args=[case.pk]), {
        "item-kind": "embassy_meeting", "item-notes": "Typed note"}, htmx=True)
    assert b"This field is required" in response.content
    assert b"Typed note" in response.content
    assert not ItineraryItem.objects.exists()


# --- facilities ------------------------------------------------------------------------------


def test_facilities_are_proposed_approved_and_visited(case, clients, facilities):
    ipslo = clients["ipslo"]
    response = _post(ipslo, reverse("assessments:facility_add", args=[case.pk]), {"add-facility": facilities[0].pk},
                     htmx=True)
    assert response.status_code == 200 and b'<section id="visit-facilities"' in response.content
    item = case.visit_facilities.get()
    assert item.status == VisitFacilityStatus.PROPOSED
    url = reverse("assessments:facility_update", args=[case.pk, item.pk])
    prefix = f"vf{item.pk}"
    _post(ipslo, url, {f"{prefix}-status": "approved", f"{prefix}-self_assessment_received_on": "2026-11-02",
                       f"{prefix}-version": item.version})
    item.refresh_from_db()
    assert (item.status, item.self_assessment_received_on) == ("approved", dt.date(2026, 11, 2))
    _post(ipslo, url, {f"{prefix}-status": "visited", f"{prefix}-visited_on": "2026-11-24",
                       f"{prefix}-version": item.version})
    item.refresh_from_db()
    assert (item.status, item.visited_on) == ("visited", dt.date(2026, 11, 24))


def test_a_facility_of_another_country_cannot_be_added(case, clients, other_country):
    foreign = PortFacilityFactory(port=PortFactory(country=other_country))
    url = reverse("assessments:facility_add", args=[case.pk])
    response = _post(clients["ipslo"], url, {"add-facility": foreign.pk})
    assert response.status_code == 200
    assert "not yet on the list" in response.context["add_form"].errors["facility"][0]
    assert not VisitFacility.objects.exists()


def test_a_visit_date_for_a_facility_not_visited_is_refused(case, clients, users, facilities):
    item = services.visit_facility_add(assessment=case, facility=facilities[0], by=users["ipslo"])
    prefix = f"vf{item.pk}"
    response = _post(clients["ipslo"], reverse("assessments:facility_update", args=[case.pk, item.pk]), {
        f"{prefix}-status": "proposed", f"{prefix}-visited_on": "2026-11-24", f"{prefix}-version": item.version},
        htmx=True)
    assert b"Only a visited facility has a visit date" in response.content
    item.refresh_from_db()
    assert item.visited_on is None


# --- history ---------------------------------------------------------------------------------


def test_history_shows_transitions_and_the_audit_of_the_case_and_its_records(case, clients, users):
    member = services.team_member_add(assessment=case, by=users["ipslo"], name="Pat Customs", agency="CBP")
    services.team_member_remove(member=member, by=users["ipslo"])
    case = drive_to(case, "notified", users)
    page = clients["lant51"].get(reverse("assessments:history", args=[case.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert [t.name for t in page.context["transitions"]] == ["notify"]
    records = [row.record for row in page.context["audit_rows"]]
    assert sum("Pat Customs" in record for record in records) == 2  # added, then removed
    assert any(record.startswith("Assessment") for record in records)
    assert "Notified" in content


def test_history_does_not_show_records_of_another_case(case, clients, users, other_country):
    other = services.assessment_create(country=other_country, by=users["lant51"])
    services.team_member_add(assessment=other, by=users["lant51"], name="Elsewhere Person", agency="DOS")
    page = clients["lant51"].get(reverse("assessments:history", args=[case.pk]))
    assert b"Elsewhere Person" not in page.content


# --- workflow steps through the pages ------------------------------------------------------

# Who may take each bare step (the case's own IPSLO is "ipslo"); everyone else is refused.
MAY_MOVE = {
    "notify": {"ipslo", "lant51"},
    "confirm": {"ipslo", "lant51"},
    "prepare": {"ipslo", "lant51"},
    "start_visit": {"ipslo", "lant51"},
    "finish_visit": {"ipslo", "lant51"},
    "submit_report": {"ipslo", "lant51"},
    "return_report": {"lant51"},
    "postpone": {"ipslo", "lant51"},
    "resume": {"ipslo", "lant51"},
    "cancel": {"lant51"},
    "deny_access": {"ipslo", "lant51"},
}
# A case outside the user's need to know is a 404; a role that never sees case material a 403.
EXPECTED_REFUSAL = {"psa1": 403, "lant51": 403, "ipslo": 403, "other_ipslo": 404, "viewer": 403, "anonymous": 302}


def test_the_table_of_who_may_move_covers_every_bare_step():
    assert set(MAY_MOVE) == {name for name, move in MOVES.items() if not move.via_determination}


@pytest.mark.parametrize("name", sorted(MAY_MOVE))
def test_every_step_is_refused_to_every_role_that_may_not_take_it(case, clients, name):
    source = sorted(MOVES[name].sources)[0]
    Assessment.objects.filter(pk=case.pk).update(state=source)
    refused = [role for role in ROLES if role not in MAY_MOVE[name]]
    for role in refused:
        response = _post(clients[role], reverse("assessments:transition", args=[case.pk, name]),
                         {"comment": "Trying."})
        assert response.status_code == EXPECTED_REFUSAL[role], role
        assert Assessment.objects.get(pk=case.pk).state == source, role
    assert not Transition.objects.exists()


@pytest.mark.parametrize("name", ["recommend", "return_recommendation", "approve"])
def test_determination_steps_cannot_be_taken_as_bare_steps(case, clients, name):
    source = sorted(MOVES[name].sources)[0]
    Assessment.objects.filter(pk=case.pk).update(state=source)
    for role in ("psa1", "lant51"):
        response = _post(clients[role], reverse("assessments:transition", args=[case.pk, name]), {"comment": "x"})
        assert response.status_code in (403, 409), role
        assert Assessment.objects.get(pk=case.pk).state == source


def test_an_unmet_condition_is_explained_and_the_state_is_unchanged(case, clients):
    response = _post(clients["ipslo"], reverse("assessments:transition", args=[case.pk, "notify"]),
                     {"comment": "Letter sent"})
    assert response.status_code == 400  # as the API answers an unmet condition
    assert response.context["transition_error"]["code"] == "precondition_failed"
    content = response.content.decode()
    assert 'id="transition-error"' in content
    assert "Record the date the informal notice was given." in content
    assert "Letter sent" in content  # the comment typed is kept
    case.refresh_from_db()
    assert case.state == AssessmentState.PLANNED


def test_the_panel_lists_what_is_missing_beside_each_step(case, clients):
    page = clients["ipslo"].get(reverse("assessments:detail", args=[case.pk]))
    moves = {item.move.name: item.problems for item in page.context["available_moves"]}
    assert set(moves) == {"notify", "postpone"}  # cancel is LANT-51's
    assert "Record the date the visit request letter was sent." in moves["notify"]
    assert b"Record the date the visit request letter was sent." in page.content


def test_a_step_whose_conditions_hold_moves_the_case(case, clients, users):
    services.assessment_update_plan(assessment=case, by=users["ipslo"], data={
        "informal_notice_on": dt.date(2026, 11, 20), "visit_request_sent_on": dt.date(2026, 12, 1)})
    response = _post(clients["ipslo"], reverse("assessments:transition", args=[case.pk, "notify"]), {
        "next": reverse("assessments:team", args=[case.pk])})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:team", args=[case.pk])
    case.refresh_from_db()
    assert case.state == AssessmentState.NOTIFIED
    assert case.transitions.get().by == users["ipslo"]


def test_lant51_returning_the_report_needs_a_comment(case, clients, users, leader):
    drive_to(case, "under_review", users, leader=leader)
    url = reverse("assessments:transition", args=[case.pk, "return_report"])
    response = _post(clients["lant51"], url, {"comment": "  "})
    assert response.status_code == 400
    assert b"A comment is required for this step." in response.content
    case.refresh_from_db()
    assert case.state == AssessmentState.UNDER_REVIEW
    assert _post(clients["lant51"], url, {"comment": "Describe facility 2."}).status_code == 302
    case.refresh_from_db()
    assert case.state == AssessmentState.REPORT_DRAFTING
    assert case.transitions.last().comment == "Describe facility 2."


def test_an_ipslo_taking_over_the_portfolio_may_move_the_case(case, clients, users, country, make_user):
    successor = make_user("ipslo.successor", "IPSLO", "ACTEUR")
    portfolio_assign(country=country, ipslo=successor, by=users["lant51"])
    services.assessment_reassign_open(country=country, to_ipslo=successor, by=users["lant51"])
    client = Client()
    client.force_login(successor)
    response = _post(client, reverse("assessments:transition", args=[case.pk, "postpone"]), {"comment": "Later."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == AssessmentState.POSTPONED
