"""The FOUO visit report: drafts as versions, the marking, what is filled in from the case, need to know."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.choices import Rating, VisitFacilityStatus
from ips.roles import Role
from tests.assessments.conftest import drive_to
from tests.assessments.test_recording_views import HX, a_finding, facility_item
from tests.factories import PortFacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(case, users, leader, make_user):
    """A case on site with two approved facilities and a team leader."""
    case = drive_to(case, "on_site", users, leader=leader)
    services.team_member_add(assessment=case, by=users["ipslo"], user=make_user("member", Role.IPSLO, "ACTEUR"))
    return case


def test_report_page_is_marked_fouo_and_fills_in_facilities_and_findings(client, visit, users):
    vf = visit.visit_facilities.first()
    services.visit_facility_update(visit_facility=vf, by=users["ipslo"], data={"status": VisitFacilityStatus.VISITED})
    services.checklist_answer(assessment=visit, item=facility_item(visit), by=users["ipslo"],
                              rating=Rating.DOES_NOT_MEET, visit_facility=vf)
    a_finding(visit, users["ipslo"], recommendation="Post a guard.", reference="ISPS Code A/14.2.2")
    client.force_login(users["psa1"])

    page = client.get(reverse("assessments:report", args=[visit.pk])).content.decode()

    body = page.split('id="report-body"')[1]
    assert body.count("FOR OFFICIAL USE ONLY") >= 2
    assert "ips-report__marking" in body
    assert vf.facility.name in body and "Does not meet" in body
    assert "Finding 1: Gate left open" in body and "ISPS Code A/14.2.2" in body and "Post a guard." in body
    assert 'name="introduction"' not in body  # PSA-1 reads, never edits


def test_each_report_save_is_a_new_version_and_earlier_ones_stay_readable(client, visit, users, leader):
    client.force_login(leader)
    url = reverse("assessments:report", args=[visit.pk])
    client.post(url, {"introduction": "First words.", "base_version": ""})
    response = client.post(url, {"introduction": "Second words.", "conclusions": "Done.", "base_version": "1"}, **HX)

    assert response.status_code == 200 and "Draft saved as version 2." in response.content.decode()
    assert list(visit.reports.order_by("number").values_list("number", "introduction")) == [
        (1, "First words."), (2, "Second words.")]
    old = client.get(reverse("assessments:report_version", args=[visit.pk, 1])).content.decode()
    assert "First words." in old and "Second words." not in old and "read-only" in old
    assert "FOR OFFICIAL USE ONLY" in old.split('id="report-body"')[1]
    current = client.get(url).content.decode()
    assert ">\nSecond words.</textarea>" in current  # the edit form starts from version 2
    assert str(leader) in current


def test_a_report_saved_meanwhile_by_someone_else_is_not_overwritten(client, visit, users, leader):
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "v1"})
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "v2 by the IPSLO"})
    client.force_login(leader)

    response = client.post(reverse("assessments:report", args=[visit.pk]),
                           {"introduction": "My field notes", "base_version": "1"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Version 2 was saved by" in body and "My field notes" in body and 'value="2"' in body
    assert visit.reports.count() == 2


def test_a_missing_report_version_is_not_found(client, visit, users):
    client.force_login(users["ipslo"])

    assert client.get(reverse("assessments:report_version", args=[visit.pk, 7])).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "other_ipslo"])
def test_viewer_and_other_node_ipslo_reach_no_report_version(client, visit, users, role):
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "Secret."})
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "More secret."})
    client.force_login(users[role])

    for url in (reverse("assessments:report", args=[visit.pk]),
                reverse("assessments:report_version", args=[visit.pk, 1]),
                reverse("assessments:report_version", args=[visit.pk, 2])):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert b"secret" not in response.content.lower()


def test_report_page_runs_the_same_number_of_queries_for_1_and_30_findings(client, visit, users):
    for vf in visit.visit_facilities.all():
        services.visit_facility_update(visit_facility=vf, by=users["ipslo"],
                                       data={"status": VisitFacilityStatus.VISITED})
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "v1"})
    a_finding(visit, users["ipslo"])
    client.force_login(users["ipslo"])
    url = reverse("assessments:report", args=[visit.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    facility = visit.visit_facilities.first().facility
    for n in range(29):
        a_finding(visit, users["ipslo"], title=f"F{n}", facility=facility, checklist_item=facility_item(visit))
    for n in range(3):
        vf = services.visit_facility_add(assessment=visit, by=users["ipslo"],
                                         facility=PortFacilityFactory(port=facility.port, name=f"More {n}"))
        services.visit_facility_update(visit_facility=vf, by=users["ipslo"],
                                       data={"status": VisitFacilityStatus.VISITED})
        services.checklist_answer(assessment=visit, item=facility_item(visit), by=users["ipslo"],
                                  rating=Rating.NOT_OBSERVED, visit_facility=vf)
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "v2"})
    with CaptureQueriesContext(connection) as thirty:
        page = client.get(url)

    body = page.content.decode()
    assert body.count('class="ips-report-finding"') == 30
    assert body.count("More ") == 3
    assert len(thirty) == len(one)


@pytest.mark.parametrize("role", ["psa1", "lant51", "ipslo", "leader"])
def test_every_report_view_carries_the_fouo_marking_for_everyone_who_may_see_it(client, visit, users, leader, role):
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "Draft."})
    client.force_login({**users, "leader": leader}[role])

    for url in (reverse("assessments:report", args=[visit.pk]),
                reverse("assessments:report_version", args=[visit.pk, 1])):
        for extra in ({}, HX):
            body = client.get(url, **extra).content.decode()
            assert body.count("FOR OFFICIAL USE ONLY") >= 2, (url, extra)
            assert 'class="ips-report__marking">FOR OFFICIAL USE ONLY</p>' in body


def test_report_page_is_partial_for_htmx_and_links_the_print_stylesheet(client, visit, users):
    client.force_login(users["ipslo"])
    url = reverse("assessments:report", args=[visit.pk])

    full, partial = client.get(url).content.decode(), client.get(url, **HX).content.decode()

    assert "<html" in full and 'class="ips-fouo"' in full and "css/recording.css" in full
    assert "<html" not in partial and 'id="report-body"' in partial
    stylesheet = Path(finders.find("css/recording.css")).read_text()
    assert "@media print" in stylesheet and 'content: "FOR OFFICIAL USE ONLY"' in stylesheet


def test_report_cannot_be_edited_once_under_review(client, case, users, leader):
    case = drive_to(case, "under_review", users, leader=leader)
    client.force_login(leader)
    url = reverse("assessments:report", args=[case.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {"introduction": "Late change.", "base_version": "1"})

    assert 'name="introduction"' not in page and "Intro." in page
    assert refused.status_code == 403
    assert case.reports.count() == 1


def test_a_first_draft_saved_meanwhile_is_not_overwritten(client, visit, users, leader):
    client.force_login(leader)
    services.report_save_draft(assessment=visit, by=users["ipslo"], sections={"introduction": "The IPSLO's start."})

    response = client.post(reverse("assessments:report", args=[visit.pk]),
                           {"introduction": "Leader's start.", "base_version": ""}, **HX)

    body = response.content.decode()
    assert "Version 1 was saved by" in body and "Leader&#x27;s start." in body
    assert visit.reports.count() == 1
