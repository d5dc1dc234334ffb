"""Impossible dates are refused, not stored: on the pages, in the API, in the services and by the
management commands; and a date already stored near the calendar's ends breaks no page."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import scheduling, services
from assessments.choices import DeterminationState, Outcome
from assessments.models import Assessment, CredibleReport, Determination
from correspondence import services as correspondence_services
from ips import dates
from ips.calendar import calendar_build, calendar_entries
from ips.dates import DateKind, date_problem
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def clients(users):
    made = {}
    for role in ("psa1", "lant51", "ipslo"):
        made[role] = Client()
        made[role].force_login(users[role])
    return made


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "kind", "problem"), [
    (dt.date(2002, 12, 11), DateKind.PLANNED, "on or after 12 December 2002, when the ISPS Code was adopted"),
    (dt.date(1, 1, 1), DateKind.HAPPENED, "on or after 12 December 2002"),
    (dt.date(2002, 12, 12), DateKind.HAPPENED, None),
    (TODAY, DateKind.HAPPENED, None),
    (TODAY + dt.timedelta(days=1), DateKind.HAPPENED, "This date is in the future (today is 4 December 2026)"),
    (dt.date(9999, 12, 31), DateKind.HAPPENED, "in the future"),
    (dt.date(2031, 12, 4), DateKind.PLANNED, None),
    (dt.date(2031, 12, 5), DateKind.PLANNED, "no later than 4 December 2031, 5 years ahead"),
    (None, DateKind.HAPPENED, None),
])
def test_the_range_of_each_kind_of_date(day, kind, problem):
    found = date_problem(day, kind, today=TODAY)
    assert (found is None) if problem is None else (problem in found)


def test_today_is_the_programs_day_not_utcs():
    # 21:30 in New York on 4 December is already 5 December in UTC: the 5th is still in the future.
    with time_machine.travel(dt.datetime(2026, 12, 4, 21, 30, tzinfo=EASTERN), tick=False):
        assert date_problem(dt.date(2026, 12, 4), DateKind.HAPPENED) is None
        assert "in the future" in date_problem(dt.date(2026, 12, 5), DateKind.HAPPENED)


def test_shift_never_overflows():
    assert dates.shift(dt.date(1, 1, 1), -dt.timedelta(days=45)) is None
    assert dates.shift(dt.date(9999, 12, 31), dt.timedelta(days=90)) is None
    assert dates.shift(dt.date(2027, 3, 1), -dt.timedelta(days=45)) == dt.date(2027, 1, 15)


# --- pages ---------------------------------------------------------------------------------------


def test_a_credible_report_dated_9999_is_refused_on_the_page(clients, country):
    response = clients["lant51"].post(reverse("assessments:credible_report_create"), {
        "country": country.iso3, "source_agency": "DHS", "report_date": "9999-12-31", "summary": "Concerns."})
    assert response.status_code == 200
    assert "This date is in the future" in response.context["form"].errors["report_date"][0]
    assert "This date is in the future" in response.content.decode()
    assert not CredibleReport.objects.exists()


def test_proposed_dates_in_year_1_are_refused_on_the_plan_page(clients, case):  # noqa: F811
    url = reverse("assessments:detail", args=[case.pk])
    response = clients["ipslo"].post(url, {
        "objective": case.objective, "proposed_start": "0001-01-01", "proposed_end": "0001-01-05",
        "version": case.updated_at.isoformat()})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "when the ISPS Code was adopted" in errors["proposed_start"][0]
    case.refresh_from_db()
    assert case.proposed_start == dt.date(2027, 3, 1)
    assert clients["ipslo"].get(url).status_code == 200


def test_opening_a_case_with_a_visit_beyond_the_horizon_is_refused(clients, portfolio, checklist):  # noqa: F811
    response = clients["ipslo"].post(reverse("assessments:create"), {
        "country": portfolio["country"].iso3, "proposed_start": "2099-01-01", "proposed_end": "2099-01-05"})
    assert "the planning horizon" in response.context["form"].errors["proposed_start"][0]
    assert not Assessment.objects.exists()


def test_a_visited_on_date_in_the_future_is_refused_beside_the_field(clients, case, users, facilities):  # noqa: F811
    item = services.visit_facility_add(assessment=case, facility=facilities[0], by=users["ipslo"])
    prefix = f"vf{item.pk}"
    in_three_days = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = clients["ipslo"].post(reverse("assessments:facility_update", args=[case.pk, item.pk]), {
        f"{prefix}-status": "visited", f"{prefix}-visited_on": in_three_days})
    assert "This date is in the future" in response.content.decode()
    item.refresh_from_db()
    assert item.visited_on is None


# --- services and the API --------------------------------------------------------------------------


def test_the_services_refuse_what_the_forms_refuse(users, country, portfolio):
    with pytest.raises(ValidationError) as refused:
        services.credible_report_record(country=country, by=users["lant51"], source_agency="DHS",
                                        report_date=dt.date(9999, 12, 31), summary="Concerns.")
    assert "in the future" in refused.value.message_dict["report_date"][0]
    with pytest.raises(ValidationError) as refused:
        correspondence_services.incoming_record(
            country=country, by=users["ipslo"], kind="host_confirmation", received_on=dt.date(1, 1, 1),
            sender="Ministry of Transport", summary="Agreed.")
    assert "when the ISPS Code was adopted" in refused.value.message_dict["received_on"][0]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_api_refuses_an_impossible_effective_date_in_the_one_error_shape(case, users, leader, day):  # noqa: F811
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    drive_to(case, "under_review", users, leader=leader)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=users['lant51'])[0].key}")
    response = api.post("/api/v1/determinations/", {
        "assessment": case.pk, "outcome": "substantially_implementing", "rationale": "Effective measures.",
        "effective_date": day}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "date_out_of_range"
    assert "effective_date" in body["errors"]
    assert not Determination.objects.exists()


# --- commands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("arguments", "message"), [
    (["--date", "2026-13-45"], "--date '2026-13-45' is not a real date of the form YYYY-MM-DD."),
    (["--date", "tomorrow"], "--date 'tomorrow' is not a real date of the form YYYY-MM-DD."),
    (["--date", "1999-06-01"], "--date 1999-06-01: Enter a date on or after 12 December 2002"),
    (["--date", "9999-12-31"], "the planning horizon"),
    (["--horizon-days", "many"], "--horizon-days 'many' is not a whole number of days."),
    (["--horizon-days", "99999999"], "--horizon-days must be between 0 and 3660 days"),
])
def test_run_scheduled_jobs_refuses_bad_arguments_clearly(arguments, message):
    with pytest.raises(CommandError) as refused:
        call_command("run_scheduled_jobs", *arguments, stdout=io.StringIO())
    assert message in str(refused.value)


# --- dates already stored ------------------------------------------------------------------------


def test_a_case_stored_with_year_1_dates_still_shows_everywhere(clients, case, users):  # noqa: F811
    Assessment.objects.filter(pk=case.pk).update(proposed_start=dt.date(1, 1, 1), proposed_end=dt.date(1, 1, 5))
    case.refresh_from_db()
    assert (case.questionnaire_due, case.facility_self_assessment_due, case.visit_request_window) == (None, None, None)
    for name in ("detail", "team", "facilities", "history"):
        assert clients["ipslo"].get(reverse(f"assessments:{name}", args=[case.pk])).status_code == 200
    assert clients["ipslo"].get(reverse("home")).status_code == 200
    assert clients["lant51"].get(reverse("dashboard")).status_code == 200
    assert calendar_build(user=users["ipslo"], entries=calendar_entries(user=users["ipslo"]))
    assert scheduling.send_deadline_reminders().emails.ok


def test_a_determination_stored_effective_9999_breaks_no_page(clients, users, country, portfolio):
    report = CredibleReport.objects.create(country=country, source_agency="DHS", report_date=dt.date(2026, 1, 2),
                                           summary="Concerns.", recorded_by=users["lant51"])
    determination = Determination.objects.create(
        country=country, source="credible_report", credible_report=report, outcome=Outcome.NOT_SUBSTANTIALLY,
        basis="c", rationale="r", effective_date=dt.date(9999, 12, 31), state=DeterminationState.APPROVED,
        recommended_by=users["lant51"], recommended_at=dt.datetime(2026, 1, 3, tzinfo=EASTERN),
        decided_by=users["psa1"], decided_at=dt.datetime(2026, 1, 4, tzinfo=EASTERN))
    services.country_status_refresh(country=country)
    assert scheduling.mitigation_end(determination) == dt.date.max  # it never ends within the calendar
    assert clients["lant51"].get(reverse("dashboard")).status_code == 200
    assert clients["psa1"].get(reverse("advisories:escalations")).status_code == 200
    assert clients["ipslo"].get(reverse("home")).status_code == 200
    assert clients["lant51"].get(reverse("assessments:determination", args=[determination.pk])).status_code == 200
    assert calendar_build(user=users["lant51"], entries=calendar_entries(user=users["lant51"]))
    assert scheduling.send_deadline_reminders().emails.ok
