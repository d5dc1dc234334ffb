"""Every date shown or exported is the date in the program's time zone (America/New_York): something
done at 21:30 in New York (02:30 UTC the next day) is dated that evening's day, not the next."""

import datetime as dt
import zoneinfo

import pytest
from django.core.cache import cache
from django.test import Client

from advisories import services as advisory_services
from assessments.api.serializers import DeterminationSerializer
from assessments.choices import DeterminationState, Outcome
from assessments.models import CredibleReport, Determination
from ips.calendar import calendar_entries
from ips.exports import _csv_value

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
EVENING = dt.datetime(2026, 11, 2, 21, 30, tzinfo=EASTERN)  # 2026-11-03 02:30 UTC
LATER_EVENING = dt.datetime(2026, 11, 20, 21, 30, tzinfo=EASTERN)
TEXTS = {
    "title": "Conditions of entry", "section_a": "Background.", "section_b": "Countries affected.",
    "section_c": "Vessel actions.", "section_d": "Actions on arrival.", "section_e": "Other information.",
    "effective_date": dt.date(2026, 7, 1),
}


def publish(by, at):
    draft = advisory_services.advisory_draft_start(by=by)
    advisory_services.advisory_draft_update(advisory=draft, by=by, data=dict(TEXTS))
    return advisory_services.advisory_publish(advisory=draft, by=by, published_at=at)


def test_the_public_json_dates_a_revision_published_at_21_30_new_york_on_that_day(users):
    assert EVENING.astimezone(dt.UTC).date() == dt.date(2026, 11, 3)
    publish(users["psa1"], EVENING)
    publish(users["psa1"], LATER_EVENING)
    cache.clear()

    document = Client().get("/public/advisories.json").json()

    assert document["advisory_in_force"]["published_on"] == "2026-11-20"
    assert [row["superseded_on"] for row in document["earlier_advisories"]] == ["2026-11-20"]


@pytest.fixture
def waiting(users, country):
    report = CredibleReport.objects.create(country=country, source_agency="DHS", report_date=dt.date(2026, 11, 1),
                                           summary="Concerns.", recorded_by=users["lant51"])
    return Determination.objects.create(
        country=country, source="credible_report", credible_report=report, outcome=Outcome.SUBSTANTIALLY,
        rationale="r", effective_date=dt.date(2026, 12, 1), state=DeterminationState.RECOMMENDED,
        recommended_by=users["lant51"], recommended_at=EVENING,
    )


def test_the_calendar_counts_the_wait_from_the_new_york_day(users, waiting, settings):
    settings.IPS_WAITING_REMINDER_DAYS = 14
    entry = next(e for e in calendar_entries(user=users["psa1"]) if e.kind == "determination-waiting")
    assert entry.start == dt.date(2026, 11, 16)
    assert "Recommended on 02 Nov 2026" in entry.description


def test_csv_exports_give_new_york_time():
    assert _csv_value(EVENING.astimezone(dt.UTC)) == "2026-11-02 21:30"


def test_the_api_gives_moments_with_the_new_york_offset(waiting):
    data = DeterminationSerializer(waiting, context={}).data
    assert data["recommended_at"] == "2026-11-02T21:30:00-05:00"
