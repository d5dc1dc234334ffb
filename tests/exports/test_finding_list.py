"""The findings list across cases: who may open it, which findings each user sees, the filters and the
sort, bad query strings, and the way back to each case."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.exports.conftest import INJECTION
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/assessments/findings/"

ROLE_STATUS = {
    "psa1": 200, "lant51": 200, "ipslo": 200, "other_ipslo": 200, "superuser": 200,
    "viewer": 403, "norole": 403,
}


def _titles(response) -> list[str]:
    return [f.title for f in response.context["page"].object_list]


def test_the_url_name_is_finding_list_beside_the_case_findings_tab():
    assert reverse("assessments:finding_list") == URL
    assert reverse("assessments:findings", args=[7]) == "/assessments/7/findings/"


@pytest.mark.parametrize("role", sorted(ROLE_STATUS))
def test_role_matrix(client, users, findings, role):
    user = UserFactory(username="admin", is_superuser=True) if role == "superuser" else users[role]
    client.force_login(user)
    assert client.get(URL).status_code == ROLE_STATUS[role]


def test_anonymous_is_sent_to_login(client, findings):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role, expected", [
    ("lant51", {"Gate unattended", INJECTION, "No cargo supervision"}),
    ("psa1", {"Gate unattended", INJECTION, "No cargo supervision"}),
    ("ipslo", {"Gate unattended", INJECTION}),
    ("other_ipslo", {"No cargo supervision"}),
])
def test_each_user_sees_the_findings_of_the_cases_they_may_see(client, users, findings, role, expected):
    client.force_login(users[role])
    assert set(_titles(client.get(URL))) == expected


def test_a_team_member_sees_the_findings_of_their_visit_only(client, users, findings, make_user):
    from assessments import services
    from ips.roles import Role

    member = make_user("member", Role.IPSLO, "LANT-512")
    services.team_member_add(assessment=findings["case_b"], by=users["other_ipslo"], user=member)
    client.force_login(member)
    assert _titles(client.get(URL)) == ["No cargo supervision"]


def test_page_is_marked_fouo_and_links_each_finding_to_its_case_tab(client, users, findings):
    client.force_login(users["ipslo"])
    response = client.get(URL)
    assert response.context["fouo"] is True
    page = response.content.decode()
    assert "FOR OFFICIAL USE ONLY" in page
    case = findings["case_a"]
    assert f'href="/assessments/{case.pk}/findings/#finding-{findings["a1"].pk}"' in page
    assert "Container Terminal North" in page and "Country-level" in page
    # The title is text, escaped like any other.
    assert "=HYPERLINK(&quot;http://evil.example/" in page


def test_newest_case_first_then_by_number(client, users, findings):
    client.force_login(users["lant51"])
    assert _titles(client.get(URL)) == ["No cargo supervision", "Gate unattended", INJECTION]


@pytest.mark.parametrize("params, expected", [
    ({"section": "2"}, ["Gate unattended"]),
    ({"section": "A14.2"}, ["No cargo supervision"]),
    ({"section": "none"}, [INJECTION]),
    ({"severity": "significant_deficiency"}, ["No cargo supervision"]),
    ({"status": "unresolved"}, ["No cargo supervision", "Gate unattended"]),
    ({"status": "closed"}, [INJECTION]),
    ({"node": "FEACT"}, ["No cargo supervision"]),
    ({"country": "atlan"}, ["Gate unattended", INJECTION]),
    ({"country": "xbx"}, ["No cargo supervision"]),
    ({"country": "XA"}, ["Gate unattended", INJECTION]),
    ({"year": "2027"}, ["Gate unattended", INJECTION]),
    ({"year": "2026", "status": "unresolved", "node": "FEACT"}, ["No cargo supervision"]),
    ({"section": "2", "node": "FEACT"}, []),
])
def test_filters(client, users, findings, params, expected):
    client.force_login(users["lant51"])
    response = client.get(URL, params)
    assert response.status_code == 200
    assert _titles(response) == expected
    assert response.context["filtered"] is True


def test_section_filter_spans_checklist_versions(client, users, findings, checklist):
    """A finding on a question of a newer checklist version counts under the same section code."""
    from assessments.models import ChecklistItem, ChecklistSection, ChecklistTemplate
    from tests.exports.conftest import finding

    newer = ChecklistTemplate.objects.create(version=2, name="v2")
    section = ChecklistSection.objects.create(template=newer, code="2", title="Access control (2025)",
                                              scope="government", position=3)
    item = ChecklistItem.objects.create(section=section, code="2.g", text="Visitors are escorted.", position=7)
    finding(findings["case_b"], 2, by=users["other_ipslo"], item=item, title="Visitors unescorted")
    client.force_login(users["lant51"])
    response = client.get(URL, {"section": "2"})
    assert sorted(_titles(response)) == ["Gate unattended", "Visitors unescorted"]
    # One choice per code, labelled with the newest version's title.
    pairs = list(response.context["filter"].form.fields["section"].choices)
    choices = dict(pairs)
    assert choices["2"] == "2 Access control (2025)"
    assert [code for code, _ in pairs].count("2") == 1
    assert pairs[0] == ("", "Any section") and [code for code, _ in pairs].count("") == 1
    assert choices["none"] == "Not tied to a checklist item"


@pytest.mark.parametrize("params", [
    {"section": "99"}, {"severity": "catastrophic"}, {"status": "lost"}, {"node": "MARS"},
    {"year": "abc"}, {"year": "99999"}, {"year": "-5"}, {"sort": "title; drop table"}, {"page": "x"},
    {"page": "999"}, {"country": "x" * 500},
])
def test_bad_query_strings_never_fail(client, users, findings, params):
    client.force_login(users["lant51"])
    response = client.get(URL, params)
    assert response.status_code == 200
    if "page" not in params and "sort" not in params:
        assert "it was not applied" in response.content.decode()
        assert len(_titles(response)) == 3  # the bad filter is ignored
    else:
        assert len(_titles(response)) == 3


def test_a_bad_filter_is_ignored_but_the_good_ones_apply(client, users, findings):
    client.force_login(users["lant51"])
    response = client.get(URL, {"severity": "catastrophic", "node": "FEACT"})
    assert _titles(response) == ["No cargo supervision"]
    assert response.context["filter"].form.errors["severity"]


@pytest.mark.parametrize("sort, expected", [
    ("severity", ["No cargo supervision", "Gate unattended", INJECTION]),
    ("-severity", [INJECTION, "Gate unattended", "No cargo supervision"]),
    ("status", ["Gate unattended", "No cargo supervision", INJECTION]),
    ("case", ["Gate unattended", INJECTION, "No cargo supervision"]),
    ("bogus", ["No cargo supervision", "Gate unattended", INJECTION]),
])
def test_sorting(client, users, findings, sort, expected):
    client.force_login(users["lant51"])
    response = client.get(URL, {"sort": sort})
    assert _titles(response) == expected


def test_sort_headers_keep_the_filters_and_say_what_they_do(client, users, findings):
    client.force_login(users["lant51"])
    page = client.get(URL, {"status": "unresolved", "page": "1"}).content.decode()
    assert 'aria-sort="descending"' in page  # the case column, newest first
    assert "?status=unresolved&amp;sort=severity" in page
    assert "sort most severe first" in page


def test_paginated_by_fifty(client, users, findings, nodes, checklist):
    from tests.exports.conftest import grow

    grow(20, start=0, node=nodes["ACTEUR"], ipslo=users["ipslo"], creator=users["lant51"], template=checklist)
    client.force_login(users["ipslo"])
    first = client.get(URL)
    assert first.context["page"].paginator.count == 62
    assert len(first.context["page"].object_list) == 50
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 12


def test_export_links_carry_the_filters_but_not_the_page(client, users, findings):
    client.force_login(users["ipslo"])
    page = client.get(URL, {"status": "unresolved", "page": "1"}).content.decode()
    assert 'href="/assessments/findings/export.csv?status=unresolved"' in page
    assert 'href="/assessments/findings/export.xlsx?status=unresolved"' in page


def test_the_case_list_links_to_the_findings_list(client, users, findings):
    client.force_login(users["ipslo"])
    assert f'href="{URL}"' in client.get(reverse("assessments:list")).content.decode()
