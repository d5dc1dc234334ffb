"""One definition of "overdue": the due status of one country, the queryset method, the country list's
filter, the program dashboard, the status API and the reminders all count the same countries."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from assessments import scheduling
from countries.api.selectors import countries_for_status
from countries.filters import CountryFilter
from countries.models import Country
from countries.services import portfolio_assign
from ips.dashboards.program import reassessments_due
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 5, 10)
NOON = dt.datetime(2027, 5, 10, 12, tzinfo=zoneinfo.ZoneInfo("America/New_York"))


@pytest.fixture
def countries(users, nodes):
    """One country of each kind, all in the ACTEUR IPSLO's portfolio."""
    kinds = {
        "never assessed": {"next_assessment_due": None},
        "due yesterday": {"next_assessment_due": TODAY - dt.timedelta(days=1)},
        "due today": {"next_assessment_due": TODAY},
        "due tomorrow": {"next_assessment_due": TODAY + dt.timedelta(days=1)},
        "out of scope, never assessed": {"next_assessment_due": None, "in_scope": False},
        "out of scope, long overdue": {"next_assessment_due": dt.date(2020, 1, 1), "in_scope": False},
    }
    made = {}
    for name, fields in kinds.items():
        made[name] = CountryFactory(name=name.capitalize(), node=nodes["ACTEUR"], **fields)
        portfolio_assign(country=made[name], ipslo=users["ipslo"], by=users["lant51"], on=dt.date(2026, 1, 5))
    return made


def test_every_place_that_counts_overdue_countries_counts_the_same_ones(countries):
    expected = {"Never assessed", "Due yesterday"}
    with time_machine.travel(NOON, tick=False):
        one_by_one = {c.name for c in Country.objects.all() if scheduling.due_status(country=c, on=TODAY).code
                      == "overdue"}
        queryset = set(Country.objects.overdue(on=TODAY).values_list("name", flat=True))
        country_list = set(CountryFilter({"due": "overdue"}, queryset=Country.objects.all()).qs
                           .values_list("name", flat=True))
        api = {row.name for row in countries_for_status(on=TODAY) if row.overdue}
        dashboard = next(w for w in reassessments_due(today=TODAY) if w.code == "overdue").count
        reminded = {notice.title.split(":")[0] for notice in scheduling._overdue_reminders(TODAY)}

    assert one_by_one == queryset == country_list == api == reminded == expected
    assert dashboard == len(expected)


def test_a_country_with_an_open_case_is_overdue_but_not_reminded(countries, users, checklist):
    from assessments import services

    services.assessment_create(country=countries["never assessed"], by=users["ipslo"])
    with time_machine.travel(NOON, tick=False):
        reminded = {notice.title.split(":")[0] for notice in scheduling._overdue_reminders(TODAY)}
    assert reminded == {"Due yesterday"}  # the case under way is the reassessment
    assert countries["never assessed"] in Country.objects.overdue(on=TODAY)
