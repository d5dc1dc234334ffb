"""The findings list and both exports run the same number of SQL queries whatever the number of rows
(measured at two sizes; a streamed CSV is read to its end inside the count)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.choices import NodeCode
from tests.exports.conftest import grow

pytestmark = pytest.mark.django_db

FINDINGS = "/assessments/findings/"
FINDINGS_EXPORT = "/assessments/findings/export.{}"
COUNTRIES = "/countries/"
COUNTRIES_EXPORT = "/countries/export.{}"
# Upper bounds, so that a constant but wasteful page is noticed too.
MOST_QUERIES = {"page": 12, "export": 8}


def _get(client, url, params):
    """The response, read to its end (a streamed answer runs its queries while it is read)."""
    response = client.get(url, params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url, params)
    return len(captured.captured_queries)


def _assert_constant(client, url, params, grow_more, django_assert_num_queries, kind):
    _get(client, url, params)  # warm per-process caches (content types, permissions)
    small = _count(client, url, params)
    assert small <= MOST_QUERIES[kind], f"{url}: {small} queries"
    grow_more()
    with django_assert_num_queries(small):
        _get(client, url, params)


@pytest.fixture
def grower(users, nodes, checklist):
    """Adds countries (in the "ipslo" portfolio) with a case and findings each, 5 then 40 more."""
    state = {"start": 0}

    def more(count: int) -> None:
        grow(count, start=state["start"], node=nodes[NodeCode.ACTEUR], ipslo=users["ipslo"], creator=users["lant51"],
             template=checklist, findings_per_case=4)
        state["start"] += count

    more(5)
    return more


FINDING_PARAMS = [{}, {"status": "unresolved", "sort": "severity"}, {"section": "none", "node": NodeCode.ACTEUR},
                  {"country": "bulk", "year": "2025", "severity": "deficiency"}]


@pytest.mark.parametrize("role", ["lant51", "ipslo"])
@pytest.mark.parametrize("params", FINDING_PARAMS)
def test_findings_list_queries_do_not_grow(client, users, findings, grower, role, params, django_assert_num_queries):
    client.force_login(users[role])
    _assert_constant(client, FINDINGS, params, lambda: grower(40), django_assert_num_queries, "page")
    page = client.get(FINDINGS, params).context["page"]
    assert page.paginator.count > 50 or params  # the larger size fills more than a page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["lant51", "ipslo"])
@pytest.mark.parametrize("params", FINDING_PARAMS[:2])
def test_findings_export_queries_do_not_grow(client, users, findings, grower, fmt, role, params,
                                             django_assert_num_queries):
    client.force_login(users[role])
    _assert_constant(client, FINDINGS_EXPORT.format(fmt), params, lambda: grower(40), django_assert_num_queries,
                     "export")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["viewer", "ipslo", "lant51"])
@pytest.mark.parametrize("params", [{}, {"status": "minimally_implementing", "sort": "-ipslo"}, {"due": "overdue"}])
def test_country_export_queries_do_not_grow(client, users, findings, grower, fmt, role, params,
                                            django_assert_num_queries):
    client.force_login(users[role])
    _assert_constant(client, COUNTRIES_EXPORT.format(fmt), params, lambda: grower(60), django_assert_num_queries,
                     "export")


@pytest.mark.parametrize("params", [{"status": "minimally_implementing"}, {"status": "bogus", "node": "ACTEUR"}])
def test_country_list_with_the_status_filter_queries_do_not_grow(client, users, findings, grower, params,
                                                                 django_assert_num_queries):
    client.force_login(users["viewer"])
    _assert_constant(client, COUNTRIES, params, lambda: grower(60), django_assert_num_queries, "page")
