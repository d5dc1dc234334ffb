"""The three-year cycle and the reminders, travelling in time."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from assessments import scheduling, services
from assessments.choices import AssessmentState, DeterminationState, Outcome
from assessments.models import Assessment, ChecklistTemplate, Determination
from countries.services import portfolio_assign
from ips.models import Notification
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=EASTERN)


def assessed(country, *, visit_end: dt.date, users, outcome=Outcome.SUBSTANTIALLY):
    """A closed case with an approved determination, as history (not through the workflow)."""
    case = Assessment.objects.create(
        country=country, ipslo=users["ipslo"], state=AssessmentState.CLOSED,
        checklist_template=ChecklistTemplate.objects.get(version=1),
        visit_start=visit_end - dt.timedelta(days=4), visit_end=visit_end, created_by=users["lant51"],
    )
    Determination.objects.create(
        country=country, source="assessment", assessment=case, outcome=outcome,
        basis="b" if outcome == Outcome.NOT_SUBSTANTIALLY else "", rationale="History.",
        effective_date=visit_end + dt.timedelta(days=30), state=DeterminationState.APPROVED,
        recommended_by=users["lant51"], recommended_at=timezone.now(), decided_by=users["psa1"],
        decided_at=timezone.now(),
    )
    services.country_status_refresh(country=country)
    return case


@pytest.fixture
def cycle(users, nodes, checklist):
    """Three ACTEUR countries: never assessed, assessed in March 2025, assessed in June 2026."""
    never = CountryFactory(name="Neverland", node=nodes["ACTEUR"])
    early = CountryFactory(name="Earlyland", node=nodes["ACTEUR"])
    late = CountryFactory(name="Lateland", node=nodes["ACTEUR"])
    for country in (never, early, late):
        portfolio_assign(country=country, ipslo=users["ipslo"], by=users["lant51"], on=dt.date(2024, 1, 1))
    assessed(early, visit_end=dt.date(2025, 3, 10), users=users)
    assessed(late, visit_end=dt.date(2026, 6, 20), users=users)
    return {"never": never, "early": early, "late": late}


def open_cases(country):
    return Assessment.objects.open().filter(country=country).count()


def test_cases_open_when_due_and_never_twice_over_four_years(cycle):
    opened_on = {}
    day = dt.date(2026, 1, 1)
    while day <= dt.date(2029, 12, 31):
        with time_machine.travel(at(day), tick=False):
            scheduling.plan_reassessments(horizon_days=365)
            scheduling.plan_reassessments(horizon_days=365)  # a second run the same day changes nothing
        for name, country in cycle.items():
            assert open_cases(country) <= 1
            if name not in opened_on and open_cases(country):
                opened_on[name] = day
        day += dt.timedelta(days=7)

    assert opened_on["never"] == dt.date(2026, 1, 1)  # never assessed: due now
    # Earlyland is due on 10 March 2028: its case opens within the 12-month horizon, i.e. from 10 March 2027.
    assert dt.date(2027, 3, 10) <= opened_on["early"] < dt.date(2027, 3, 17)
    assert dt.date(2028, 6, 20) <= opened_on["late"] < dt.date(2028, 6, 27)
    case = Assessment.objects.get(country=cycle["early"], state=AssessmentState.PLANNED)
    assert case.ipslo.username == "ipslo.acteur"
    assert case.previous is not None


def test_a_closed_cycle_opens_the_next_case_three_years_on(cycle, users):
    scheduling.plan_reassessments(on=dt.date(2026, 1, 1), horizon_days=365)
    case = Assessment.objects.get(country=cycle["never"])
    Assessment.objects.filter(pk=case.pk).update(
        state=AssessmentState.CLOSED, visit_start=dt.date(2026, 4, 1), visit_end=dt.date(2026, 4, 5))
    services.country_status_refresh(country=cycle["never"])
    cycle["never"].refresh_from_db()
    assert cycle["never"].next_assessment_due == dt.date(2029, 4, 5)
    scheduling.plan_reassessments(on=dt.date(2028, 4, 4), horizon_days=365)
    assert open_cases(cycle["never"]) == 0
    scheduling.plan_reassessments(on=dt.date(2028, 4, 5), horizon_days=365)
    assert open_cases(cycle["never"]) == 1


def test_a_country_without_an_ipslo_is_counted_not_opened(nodes, checklist, users):
    orphan = CountryFactory(name="Orphania", node=nodes["ACTEUR"])
    result = scheduling.plan_reassessments(on=dt.date(2026, 1, 1), horizon_days=365)
    assert result.without_ipslo >= 1
    assert open_cases(orphan) == 0


def test_out_of_scope_countries_are_never_planned(nodes, checklist, users):
    inland = CountryFactory(name="Inland", node=nodes["ACTEUR"], in_scope=False)
    portfolio_assign(country=inland, ipslo=users["ipslo"], by=users["lant51"])
    scheduling.plan_reassessments(on=dt.date(2026, 1, 1), horizon_days=365)
    assert open_cases(inland) == 0


@pytest.fixture
def visit(users, portfolio, checklist):
    """A case whose visit starts on 15 April 2027 (Thursday), with one facility on the list."""
    case = services.assessment_create(country=portfolio["country"], by=users["ipslo"],
                                      proposed_start=dt.date(2027, 4, 15), proposed_end=dt.date(2027, 4, 19))
    facility = PortFacilityFactory(port=PortFactory(country=portfolio["country"]))
    services.visit_facility_add(assessment=case, facility=facility, by=users["ipslo"])
    return case


def fired_on(kinds, start: dt.date, end: dt.date, hour: int = 6):
    seen = {}
    day = start
    while day <= end:
        with time_machine.travel(at(day, hour), tick=False):
            scheduling.send_deadline_reminders()
        for n in Notification.objects.filter(kind__in=kinds):
            seen.setdefault((n.kind, n.recipient.username), day)
        day += dt.timedelta(days=1)
    return seen


def test_each_visit_reminder_fires_once_on_its_day(visit, users):
    kinds = ["visit_request_window", "questionnaire_due", "facility_self_assessment_due"]
    seen = fired_on(kinds, dt.date(2027, 1, 1), dt.date(2027, 4, 14))
    assert seen == {
        ("visit_request_window", "ipslo.acteur"): dt.date(2027, 1, 15),  # 90 days before 15 April
        ("questionnaire_due", "ipslo.acteur"): dt.date(2027, 3, 1),  # 45 days before
        ("facility_self_assessment_due", "ipslo.acteur"): dt.date(2027, 3, 26),  # 20 days before
    }
    assert Notification.objects.filter(kind__in=kinds).count() == 3  # once each, although the job ran daily


def test_reminders_keep_their_day_across_daylight_saving_changes(visit, users):
    # 14 March 2027 is the spring-forward Sunday; run just after local midnight (05:30 UTC before, 04:30 after).
    services.assessment_update_plan(assessment=visit, by=users["ipslo"], data={
        "proposed_start": dt.date(2027, 4, 28), "proposed_end": dt.date(2027, 4, 30)})
    seen = fired_on(["questionnaire_due"], dt.date(2027, 3, 10), dt.date(2027, 3, 20), hour=0)
    assert seen == {("questionnaire_due", "ipslo.acteur"): dt.date(2027, 3, 14)}
    # autumn: 7 November 2027 falls back
    Notification.objects.all().delete()
    services.assessment_update_plan(assessment=visit, by=users["ipslo"], data={
        "proposed_start": dt.date(2027, 12, 22), "proposed_end": dt.date(2027, 12, 23)})
    seen = fired_on(["questionnaire_due"], dt.date(2027, 11, 3), dt.date(2027, 11, 10), hour=23)
    assert seen == {("questionnaire_due", "ipslo.acteur"): dt.date(2027, 11, 7)}


def test_no_visit_reminder_once_the_item_is_received(visit, users):
    with time_machine.travel(at(dt.date(2027, 2, 20)), tick=False):  # recorded once they happened
        services.assessment_update_plan(assessment=visit, by=users["ipslo"], data={
            "visit_request_sent_on": dt.date(2027, 1, 20), "questionnaire_received_on": dt.date(2027, 2, 20)})
    seen = fired_on(["visit_request_window", "questionnaire_due"], dt.date(2027, 1, 1), dt.date(2027, 4, 14))
    assert seen == {}


def test_mitigation_end_reminder_fires_once_to_managers_and_the_ipslo(cycle, users):
    country = cycle["late"]
    assessed(country, visit_end=dt.date(2027, 1, 10), users=users, outcome=Outcome.NOT_SUBSTANTIALLY)
    determination = Determination.objects.get(country=country, outcome=Outcome.NOT_SUBSTANTIALLY)
    end = scheduling.mitigation_end(determination)
    assert end == determination.effective_date + dt.timedelta(days=90)
    seen = fired_on(["mitigation_ended"], end - dt.timedelta(days=3), end + dt.timedelta(days=3))
    assert seen == {("mitigation_ended", who): end for who in ("psa1", "lant51", "ipslo.acteur")}


def test_waiting_determination_reminds_psa1_once(case, users, leader):
    from tests.assessments.conftest import drive_to

    drive_to(case, "awaiting_determination", users, leader=leader)
    recommended = timezone.localdate(case.determinations.get().recommended_at)
    kinds = ["determination_waiting"]
    seen = fired_on(kinds, recommended, recommended + dt.timedelta(days=20))
    assert seen == {("determination_waiting", "psa1"): recommended + dt.timedelta(days=14)}


def test_overdue_reassessment_reminds_the_ipslo_once(cycle, users):
    fired_on(["reassessment_overdue"], dt.date(2028, 3, 8), dt.date(2028, 3, 14))
    reminders = Notification.objects.filter(kind="reassessment_overdue").order_by("created_at")
    days = {n.title.split(":")[0]: timezone.localdate(n.created_at) for n in reminders}
    assert days == {
        "Neverland": dt.date(2028, 3, 8),  # never assessed: overdue from the first run
        "Earlyland": dt.date(2028, 3, 11),  # due 10 March 2028
    }
    assert reminders.count() == 2  # once each, although the job ran daily
    never = reminders.get(key=f"reassessment_overdue:country:{cycle['never'].pk}:never")
    assert never.title == "Neverland: never assessed, assessment due now"


def test_due_status_windows(cycle):
    early = cycle["early"]
    assert scheduling.due_status(country=early, on=dt.date(2027, 1, 1)).code == "current"
    assert scheduling.due_status(country=early, on=dt.date(2027, 3, 11)).code == "due_365"
    assert scheduling.due_status(country=early, on=dt.date(2027, 9, 12)).code == "due_180"
    assert scheduling.due_status(country=early, on=dt.date(2027, 12, 11)).code == "due_90"
    assert scheduling.due_status(country=early, on=dt.date(2028, 3, 11)).code == "overdue"
    assert scheduling.due_status(country=cycle["never"], on=dt.date(2026, 1, 1)).code == "overdue"


@pytest.mark.parametrize(("day", "year", "quarter"), [
    (dt.date(2026, 9, 30), 2026, 4),
    (dt.date(2026, 10, 1), 2027, 1),
    (dt.date(2026, 12, 31), 2027, 1),
    (dt.date(2027, 1, 1), 2027, 2),
    (dt.date(2027, 4, 1), 2027, 3),
    (dt.date(2027, 7, 1), 2027, 4),
])
def test_fiscal_year_and_quarter(day, year, quarter):
    assert scheduling.fiscal_year(day) == year
    assert scheduling.fiscal_quarter(day) == quarter


def test_beat_schedule_names_real_importable_tasks(settings):
    from ips.celery import app

    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
