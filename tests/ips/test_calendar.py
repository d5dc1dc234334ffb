"""The private calendar feed: a valid iCalendar document with the user's visits and deadlines, reached by
a secret token that can be revoked and renewed; no FOUO text in it."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from assessments.choices import AssessmentState, DeterminationState, Outcome, VisitFacilityStatus
from assessments.models import Assessment, Determination, Finding, ReportVersion, TeamMember, VisitFacility
from assessments.services.checklists import checklist_load_reference
from countries.services import portfolio_assign
from ips.calendar import calendar_token_issue
from ips.models import CalendarToken
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
PAGE = reverse("calendar")


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def checklist(db):
    return checklist_load_reference()[0]


def _case(country, *, users, checklist, ipslo=None, state=AssessmentState.PLANNED, **dates):
    return Assessment.objects.create(
        country=country, ipslo=ipslo or users["ipslo"], checklist_template=checklist, created_by=users["lant51"],
        state=state, state_changed_at=timezone.now(), **dates,
    )


@pytest.fixture
def world(users, nodes, checklist, portfolio):
    """The ACTEUR IPSLO leads a planned visit to a country with a tricky name, is on the team of a
    confirmed visit led by the FEACT IPSLO, and covers a country in mitigation; PSA-1 has a
    determination waiting."""
    tricky = CountryFactory(iso2="XC", iso3="XCX", name="Côte; Test, Land", node=nodes["ACTEUR"])
    portfolio_assign(country=tricky, ipslo=users["ipslo"], by=users["lant51"])
    planned = _case(tricky, users=users, checklist=checklist, proposed_start=dt.date(2027, 3, 1),
                    proposed_end=dt.date(2027, 3, 5))
    port = PortFactory(country=tricky)
    VisitFacility.objects.create(assessment=planned, facility=PortFacilityFactory(port=port),
                                 status=VisitFacilityStatus.PROPOSED)
    Finding.objects.create(assessment=planned, number=1, title="SECRET-FINDING-TITLE", description="SECRET-TEXT",
                           method="interview", severity="deficiency", created_by=users["ipslo"])
    ReportVersion.objects.create(assessment=planned, number=1, introduction="SECRET-REPORT-TEXT",
                                 author=users["ipslo"])
    confirmed = _case(portfolio["other_country"], users=users, checklist=checklist, ipslo=users["other_ipslo"],
                      state=AssessmentState.CONFIRMED, visit_start=dt.date(2027, 1, 10), visit_end=dt.date(2027, 1, 14),
                      visit_request_sent_on=dt.date(2026, 10, 20))
    TeamMember.objects.create(assessment=confirmed, user=users["ipslo"], name="ACTEUR IPSLO")
    closed = _case(portfolio["country"], users=users, checklist=checklist, state=AssessmentState.CLOSED,
                   visit_start=dt.date(2026, 9, 1), visit_end=dt.date(2026, 9, 4))
    mitigation = Determination.objects.create(
        country=portfolio["country"], source="assessment", assessment=closed, outcome=Outcome.NOT_SUBSTANTIALLY,
        basis="b", rationale="SECRET-RATIONALE", effective_date=dt.date(2026, 10, 1),
        state=DeterminationState.APPROVED, recommended_by=users["lant51"], recommended_at=timezone.now(),
        decided_by=users["psa1"], decided_at=timezone.now(),
    )
    elsewhere = CountryFactory(iso2="XD", iso3="XDX", name="Elsewhere", node=nodes["FEACT"])
    stranger_case = _case(elsewhere, users=users, checklist=checklist, ipslo=users["other_ipslo"],
                          state=AssessmentState.UNDER_REVIEW, visit_start=dt.date(2026, 10, 5),
                          visit_end=dt.date(2026, 10, 8))
    waiting = Determination.objects.create(
        country=elsewhere, source="assessment", assessment=stranger_case, outcome=Outcome.SUBSTANTIALLY,
        rationale="SECRET-RATIONALE", effective_date=dt.date(2026, 11, 1), state=DeterminationState.RECOMMENDED,
        recommended_by=users["lant51"], recommended_at=timezone.now() - dt.timedelta(days=3),
    )
    return {"planned": planned, "confirmed": confirmed, "mitigation": mitigation, "waiting": waiting,
            "stranger_case": stranger_case}


def _feed(client, user):
    token = CalendarToken.objects.get(user=user, revoked_at__isnull=True)
    response = client.get(reverse("calendar_feed", kwargs={"token": token.token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def _events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feed_is_valid_icalendar_with_my_visits_and_deadlines(client, users, world):
    calendar_token_issue(user=users["ipslo"])
    response = _feed(client, users["ipslo"])
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "IPS Case Manager" in str(calendar["PRODID"])
    events = _events(response)
    planned, confirmed = world["planned"].pk, world["confirmed"].pk

    visit = events[f"visit-assessment-{planned}@ips-case-manager"]
    assert str(visit["SUMMARY"]) == "IPS visit: Côte; Test, Land (proposed dates)"  # escaped and read back
    assert visit.decoded("DTSTART") == dt.date(2027, 3, 1)
    assert visit.decoded("DTEND") == dt.date(2027, 3, 6)  # all-day: the end is exclusive
    assert b"DTSTART;VALUE=DATE:20270301" in response.content
    assert b"SUMMARY:IPS visit: C\xc3\xb4te\\; Test\\, Land (proposed dates)" in response.content

    team_visit = events[f"visit-assessment-{confirmed}@ips-case-manager"]
    assert team_visit.decoded("DTSTART") == dt.date(2027, 1, 10)
    assert "Dates confirmed" in str(team_visit["DESCRIPTION"])

    deadlines = {uid.split("-assessment-")[0]: e.decoded("DTSTART") for uid, e in events.items()
                 if uid.endswith(f"-assessment-{planned}@ips-case-manager")}
    assert deadlines == {
        "visit": dt.date(2027, 3, 1),
        "visit-request": dt.date(2026, 12, 31),  # 60 days before: the window's last day
        "questionnaire": dt.date(2027, 1, 15),  # 45 days before
        "facility-self-assessments": dt.date(2027, 2, 9),  # 20 days before
    }
    # The letter of the team visit was sent: no visit request deadline for it.
    assert f"visit-request-assessment-{confirmed}@ips-case-manager" not in events
    mitigation = events[f"mitigation-end-determination-{world['mitigation'].pk}@ips-case-manager"]
    assert mitigation.decoded("DTSTART") == dt.date(2026, 12, 30)  # 90 days from the effective date
    # Not mine: another IPSLO's case, and the determinations waiting (for LANT-51 and PSA-1 only).
    assert not any(str(world["stranger_case"].pk) in uid and "visit" in uid for uid in events)
    assert not any(uid.startswith("determination-waiting") for uid in events)


def test_feed_holds_the_next_assessment_of_my_countries_without_an_open_case(client, users, world, portfolio,
                                                                             checklist):
    atlantis, borduria = portfolio["country"], portfolio["other_country"]
    for country, due in ((atlantis, dt.date(2028, 4, 2)), (borduria, dt.date(2027, 6, 1))):
        country.in_scope, country.next_assessment_due = True, due
        country.save()
    calendar_token_issue(user=users["ipslo"])
    events = _events(_feed(client, users["ipslo"]))
    due = events[f"reassessment-due-country-{atlantis.pk}@ips-case-manager"]
    assert due.decoded("DTSTART") == dt.date(2028, 4, 2) and "next assessment due" in str(due["SUMMARY"])
    # Borduria is another IPSLO's.
    assert f"reassessment-due-country-{borduria.pk}@ips-case-manager" not in events
    # Once a case is open the next assessment is under way: no separate deadline.
    _case(atlantis, users=users, checklist=checklist)
    events = _events(_feed(client, users["ipslo"]))
    assert f"reassessment-due-country-{atlantis.pk}@ips-case-manager" not in events


def test_feed_holds_no_finding_or_report_text(client, users, world):
    calendar_token_issue(user=users["ipslo"])
    body = _feed(client, users["ipslo"]).content
    for secret in (b"SECRET-FINDING-TITLE", b"SECRET-TEXT", b"SECRET-REPORT-TEXT", b"SECRET-RATIONALE"):
        assert secret not in body


def test_managers_see_the_determinations_and_recommendations_waiting(client, users, world, settings):
    settings.IPS_WAITING_REMINDER_DAYS = 14
    for role in ("psa1", "lant51"):
        calendar_token_issue(user=users[role])
        events = _events(_feed(client, users[role]))
        waiting = events[f"determination-waiting-determination-{world['waiting'].pk}@ips-case-manager"]
        assert waiting.decoded("DTSTART") == dt.date(2026, 11, 20) + dt.timedelta(days=14)
        assert f"mitigation-end-determination-{world['mitigation'].pk}@ips-case-manager" in events
    lant51 = _events(_feed(client, users["lant51"]))
    assert f"recommendation-waiting-assessment-{world['stranger_case'].pk}@ips-case-manager" in lant51


def test_uids_are_stable_between_fetches(client, users, world):
    calendar_token_issue(user=users["ipslo"])
    first = _events(_feed(client, users["ipslo"]))
    second = _events(_feed(client, users["ipslo"]))
    assert first.keys() == second.keys() and len(first) >= 5


def test_feed_runs_a_fixed_number_of_queries(client, users, world, checklist, nodes):
    calendar_token_issue(user=users["ipslo"])
    token = CalendarToken.objects.get(user=users["ipslo"], revoked_at__isnull=True).token
    url = reverse("calendar_feed", kwargs={"token": token})

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(5):
        country = CountryFactory(node=nodes["ACTEUR"])
        _case(country, users=users, checklist=checklist, proposed_start=dt.date(2027, 4, 1 + n))
    assert count() == few


def test_page_makes_a_link_and_shows_it_with_outlook_instructions(client, users):
    client.force_login(users["ipslo"])
    response = client.get(PAGE)
    assert "Make my calendar link" in response.content.decode()
    response = client.post(reverse("calendar_issue"), follow=True)
    html = response.content.decode()
    token = CalendarToken.objects.get(user=users["ipslo"], revoked_at__isnull=True)
    assert len(token.token) >= 43  # secrets.token_urlsafe(32)
    assert f"http://testserver/calendar/{token.token}.ics" in html
    assert "Subscribe from web" in html and "From Internet" in html


def test_regenerating_gives_a_new_url_and_retires_the_old_one(client, users, world):
    client.force_login(users["ipslo"])
    client.post(reverse("calendar_issue"))
    old = CalendarToken.objects.get(user=users["ipslo"], revoked_at__isnull=True).token
    response = client.post(reverse("calendar_issue"), follow=True)
    new = CalendarToken.objects.get(user=users["ipslo"], revoked_at__isnull=True).token
    assert new != old
    assert f"/calendar/{new}.ics" in response.content.decode()
    client.logout()
    assert client.get(reverse("calendar_feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("calendar_feed", kwargs={"token": new})).status_code == 200


def test_a_revoked_token_is_a_404(client, users, world):
    client.force_login(users["ipslo"])
    client.post(reverse("calendar_issue"))
    token = CalendarToken.objects.get(user=users["ipslo"]).token
    response = client.post(reverse("calendar_revoke"), follow=True)
    assert "Make my calendar link" in response.content.decode()
    client.logout()
    assert client.get(reverse("calendar_feed", kwargs={"token": token})).status_code == 404


def test_unknown_token_and_inactive_owner_are_404(client, users, world):
    token = calendar_token_issue(user=users["ipslo"]).token
    assert client.get(reverse("calendar_feed", kwargs={"token": "x" * 43})).status_code == 404
    users["ipslo"].is_active = False
    users["ipslo"].save(update_fields=["is_active"])
    assert client.get(reverse("calendar_feed", kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize("role, status", [("psa1", 200), ("lant51", 200), ("ipslo", 200), ("viewer", 403),
                                          ("norole", 403)])
def test_calendar_page_is_for_program_staff(client, users, role, status):
    client.force_login(users[role])
    assert client.get(PAGE).status_code == status
    assert client.post(reverse("calendar_issue")).status_code == (302 if status == 200 else 403)


def test_calendar_page_needs_signing_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_markup_and_line_breaks_in_a_name_stay_text_in_the_feed(client, users, world):
    """Calendar text is plain (no HTML description); a line break cannot start a property of its own."""
    country = world["planned"].country
    country.name = "<b>Atlantis</b>\r\nX-INJECTED:1"
    country.save(update_fields=["name"])
    calendar_token_issue(user=users["ipslo"])

    response = _feed(client, users["ipslo"])

    assert b"\r\nX-INJECTED" not in response.content and b"X-ALT-DESC" not in response.content
    visit = _events(response)[f"visit-assessment-{world['planned'].pk}@ips-case-manager"]
    assert str(visit["SUMMARY"]) == "IPS visit: <b>Atlantis</b>\nX-INJECTED:1 (proposed dates)"
