"""The due status of each country's next assessment, on the country list (column and filter) and the
country page; read from the row, so the list's query count does not grow."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
LIST = reverse("countries:list")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York")), tick=False):
        yield


@pytest.fixture
def cycle(nodes):
    node = nodes["ACTEUR"]

    def due_in(name, days, **extra):
        due = TODAY + dt.timedelta(days=days)
        return CountryFactory(name=name, node=node, next_assessment_due=due,
                              last_assessment_date=due.replace(year=due.year - 3), **extra)

    return {
        "never": CountryFactory(name="Neverland", node=node),
        "overdue": due_in("Lateland", -10),
        "d90": due_in("Soonland", 90),
        "d180": due_in("Midland", 150),
        "d365": due_in("Yearland", 300),
        "current": due_in("Fineland", 800),
        "outside": CountryFactory(name="Inland", node=node, in_scope=False),
    }


def _badges(html: str) -> dict[str, str]:
    """Country name -> the due code of its row's badge."""
    rows = re.findall(r'<th scope="row"><a class="usa-link" href="[^"]+">([^<]+)</a></th>(.*?)</tr>', html, re.S)
    return {name: re.search(r'data-due="([a-z_0-9]+)"', cells).group(1) for name, cells in rows}


def test_country_list_shows_each_countrys_due_status(client, users, cycle):
    client.force_login(users["viewer"])
    html = client.get(LIST).content.decode()
    assert _badges(html) == {
        "Neverland": "overdue", "Lateland": "overdue", "Soonland": "due_90", "Midland": "due_180",
        "Yearland": "due_365", "Fineland": "current", "Inland": "out_of_scope",
    }
    assert "Never assessed: due now" in html
    assert "Overdue by 10 days" in html
    assert '<th scope="col">Next assessment</th>' in html
    assert 'due <time datetime="2027-02-21">21 Feb 2027</time>' in html  # Soonland's due date


@pytest.mark.parametrize("value, expected", [
    ("overdue", {"Neverland", "Lateland"}),
    ("due_90", {"Soonland"}),
    ("due_180", {"Soonland", "Midland"}),
    ("due_365", {"Soonland", "Midland", "Yearland"}),
    ("", {"Neverland", "Lateland", "Soonland", "Midland", "Yearland", "Fineland", "Inland"}),
])
def test_country_list_filters_by_due_status(client, users, cycle, value, expected):
    client.force_login(users["viewer"])
    response = client.get(LIST, {"due": value})
    assert {c.name for c in response.context["page"].object_list} == expected


def test_an_unknown_due_filter_is_reported_beside_the_field(client, users, cycle):
    client.force_login(users["viewer"])
    response = client.get(LIST, {"due": "tomorrow"})
    assert response.status_code == 200
    assert "usa-form-group--error" in response.content.decode()


def test_country_page_shows_the_due_status_and_both_dates(client, users, cycle):
    client.force_login(users["viewer"])
    html = client.get(cycle["overdue"].get_absolute_url()).content.decode()
    assert 'data-due="overdue"' in html and "Overdue by 10 days" in html
    assert "Next assessment due" in html and "13 November 2026" in html
    assert "Last assessment" in html and "13 November 2023" in html
    never = client.get(cycle["never"].get_absolute_url()).content.decode()
    assert "Never assessed: due now" in never and "Now (never assessed)" in never


def test_due_column_keeps_the_country_list_query_count_constant(client, users, nodes):
    client.force_login(users["lant51"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured.captured_queries)

    for n in range(5):
        CountryFactory(node=nodes["FEACT"], next_assessment_due=TODAY + dt.timedelta(days=30 * n))
    few = count()
    for n in range(40):
        CountryFactory(node=nodes["FEACT"], next_assessment_due=TODAY + dt.timedelta(days=20 * n))
    assert count() == few
