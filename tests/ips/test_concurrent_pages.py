"""Two people edit the same record through the pages: the second save, based on the version both loaded,
is refused; what its author typed stays in the form, the alert names who saved first and when, the saved
values are shown beside the fields that differ, and the first person's values stay in the database.
Submitting the shown form again is a deliberate overwrite."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from advisories import services as advisory_services
from assessments import services
from assessments.choices import EngagementKind, FindingMethod, FindingStatus, Rating, Severity
from assessments.models import ChecklistResponse, Engagement, Finding
from countries.models import Port, PortFacility
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401
from tests.factories import PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def form_data(form) -> dict:
    """What the browser would send for ``form`` as rendered (hidden version included)."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "on" if value is True else value
    return data


def saved_beside(html: str, value: str) -> bool:
    return f"Saved meanwhile by someone else: <strong>{value}</strong>" in html


def named(html: str, user) -> bool:
    """The alert names who saved first, and when."""
    when = r"\d\d \w\w\w \d{4} at \d\d:\d\d"
    return re.search(f"changed by {re.escape(user.get_full_name())} on {when}", html) is not None


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two(users):
    """Two signed-in browsers: LANT-51 saves first, then the country's IPSLO."""
    return client_of(users["lant51"]), client_of(users["ipslo"])


# --- ports and port facilities -------------------------------------------------------------------


def test_two_saves_of_a_port_the_second_refused_with_its_typing_kept(two, users, portfolio):
    first, second = two
    port = PortFactory(country=portfolio["country"], locode="XAPRT", name="Port Atlantis")
    url = reverse("countries:port_edit", kwargs={"iso3": "XAX", "locode": "XAPRT"})
    theirs, mine = form_data(first.get(url).context["form"]), form_data(second.get(url).context["form"])

    assert first.post(url, {**theirs, "name": "Their name", "subdivision": "N"}).status_code == 302
    refused = second.post(url, {**mine, "name": "My name", "name_ascii": "My name"})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'value="My name"' in html and named(html, users["lant51"]) and 'role="alert"' in html
    assert saved_beside(html, "Their name") and saved_beside(html, "N")  # beside each field that differs
    port.refresh_from_db()
    assert (port.name, port.subdivision, port.name_ascii) == ("Their name", "N", "")
    again = second.post(url, refused.context["form"].data)  # the shown form, knowingly submitted again
    assert again.status_code == 302
    assert Port.objects.get(pk=port.pk).name == "My name"


def test_two_saves_of_a_port_facility_the_second_refused_with_its_typing_kept(two, users, portfolio):
    first, second = two
    facility = PortFacilityFactory(port=PortFactory(country=portfolio["country"]), name="Terminal 1")
    url = reverse("countries:facility_edit", kwargs={"iso3": "XAX", "imo_number": facility.imo_number})
    theirs, mine = form_data(first.get(url).context["form"]), form_data(second.get(url).context["form"])

    assert first.post(url, {**theirs, "notes": "Their notes", "greater_risk": "on"}).status_code == 302
    refused = second.post(url, {**mine, "notes": "My notes"})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "My notes</textarea>" in html and named(html, users["lant51"])
    assert saved_beside(html, "Their notes") and saved_beside(html, "Yes")
    facility.refresh_from_db()
    assert (facility.notes, facility.greater_risk) == ("Their notes", True)
    assert PortFacility.objects.get(pk=facility.pk).version == 2


def test_a_form_without_its_version_is_out_of_date_and_saves_nothing(two, portfolio):
    first, _ = two
    PortFactory(country=portfolio["country"], locode="XAPRT", name="Port Atlantis")
    url = reverse("countries:port_edit", kwargs={"iso3": "XAX", "locode": "XAPRT"})
    data = {k: v for k, v in form_data(first.get(url).context["form"]).items() if k != "version"}

    response = first.post(url, {**data, "name": "Changed"})

    assert response.status_code == 200 and "This form is out of date" in response.content.decode()
    assert Port.objects.get(locode="XAPRT").name == "Port Atlantis"


# --- findings ---------------------------------------------------------------------------------------


@pytest.fixture
def visit(case, users):  # noqa: F811
    return drive_to(case, "on_site", users)


def test_two_saves_of_a_finding_the_second_refused_with_its_typing_kept(two, users, visit):
    first, second = two
    finding = services.finding_create(assessment=visit, by=users["ipslo"], data={
        "title": "Gate left open", "description": "Unguarded.", "method": FindingMethod.OBSERVATION,
        "severity": Severity.DEFICIENCY})
    url = reverse("assessments:finding_edit", args=[visit.pk, finding.pk])
    p = f"f{finding.pk}-"
    theirs = form_data(first.get(url, **HX).context["row"].edit_form)
    mine = form_data(second.get(url, **HX).context["row"].edit_form)

    assert first.post(url, {**theirs, p + "severity": Severity.SIGNIFICANT}, **HX).status_code == 200
    refused = second.post(url, {**mine, p + "title": "Gate open at night", p + "recommendation": "Lock it."}, **HX)

    assert refused.status_code == 409  # swapped in by htmx like a 200 (see the htmx-config of base.html)
    html = refused.content.decode()
    assert 'value="Gate open at night"' in html and "Lock it.</textarea>" in html
    assert named(html, users["lant51"]) and saved_beside(html, "Significant deficiency")
    finding.refresh_from_db()
    assert (finding.title, finding.severity, finding.recommendation) == ("Gate left open", Severity.SIGNIFICANT, "")
    # Without htmx the whole findings page comes back, the refused form open in its row.
    full = second.post(url, {**mine, p + "title": "Gate open at night"})
    assert full.status_code == 409 and "<html" in full.content.decode() and named(full.content.decode(),
                                                                                    users["lant51"])
    assert Finding.objects.get(pk=finding.pk).title == "Gate left open"


def test_a_stale_status_change_is_refused_and_the_row_shows_the_saved_status(two, users, visit):
    first, second = two
    finding = services.finding_create(assessment=visit, by=users["ipslo"], data={
        "title": "Gate left open", "description": "Unguarded.", "method": FindingMethod.OBSERVATION,
        "severity": Severity.DEFICIENCY})
    url = reverse("assessments:finding_status", args=[visit.pk, finding.pk])
    data = {f"s{finding.pk}-version": finding.version, f"s{finding.pk}-comment": "Fixed."}

    assert first.post(url, {**data, f"s{finding.pk}-status": FindingStatus.IN_MITIGATION}, **HX).status_code == 200
    refused = second.post(url, {**data, f"s{finding.pk}-status": FindingStatus.CLOSED}, **HX)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert named(html, users["lant51"]) and "Fixed.</textarea>" in html
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.IN_MITIGATION


# --- checklist answers -----------------------------------------------------------------------------


def test_an_inline_checklist_save_over_an_answer_given_meanwhile_is_refused_and_the_row_says_so(two, users, visit):
    first, second = two
    item = visit.checklist_template.sections.get(code="1").items.order_by("position").first()
    url = reverse("assessments:checklist_answer", args=[visit.pk, item.pk])
    p = f"q{item.pk}-"

    first.post(url, {p + "rating": Rating.MEETS, p + "notes": "Seen.", p + "version": 0}, **HX)
    refused = second.post(url, {p + "rating": Rating.DOES_NOT_MEET, p + "notes": "Mine", p + "version": 0}, **HX)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'data-row-status="conflict"' in html and named(html, users["lant51"])
    assert "“Meets”" in html and "“Seen.”" in html and "Save mine over theirs" in html
    assert f'name="{p}version" value="1"' in html  # saving again is now a deliberate overwrite
    assert "<textarea" not in html  # the notes being typed are not replaced
    answer = ChecklistResponse.objects.get(assessment=visit, item=item)
    assert (answer.rating, answer.notes) == (Rating.MEETS, "Seen.")
    kept = second.post(url, {p + "rating": Rating.DOES_NOT_MEET, p + "notes": "Mine", p + "version": 1}, **HX)
    assert kept.status_code == 200 and 'data-row-status="saved"' in kept.content.decode()
    answer.refresh_from_db()
    assert (answer.rating, answer.notes, answer.answered_by) == (Rating.DOES_NOT_MEET, "Mine", users["ipslo"])


def test_a_checklist_save_over_an_answer_given_meanwhile_without_scripts_keeps_the_row_as_typed(two, users, visit):
    first, second = two
    item = visit.checklist_template.sections.get(code="1").items.order_by("position").first()
    url = reverse("assessments:checklist_answer", args=[visit.pk, item.pk])
    p = f"q{item.pk}-"
    first.post(url, {p + "rating": Rating.MEETS, p + "notes": "Seen.", p + "version": 0})

    refused = second.post(url, {p + "rating": Rating.DOES_NOT_MEET, p + "notes": "Typed here", p + "version": 0})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Typed here</textarea>" in html and saved_beside(html, "Meets") and saved_beside(html, "Seen.")
    assert "was not saved" in html and 'role="alert"' in html


# --- engagements, letters and the advisory draft ------------------------------------------------------


def test_two_saves_of_an_engagement_the_second_refused(two, users, portfolio):
    first, second = two
    engagement = services.engagement_save(by=users["ipslo"], country=portfolio["country"], data={
        "kind": EngagementKind.LIAISON, "title": "Liaison visit", "start_date": dt.date(2026, 5, 1),
        "summary": "Met the designated authority."})
    url = reverse("assessments:engagement_edit", args=[engagement.pk])
    theirs, mine = form_data(first.get(url).context["form"]), form_data(second.get(url).context["form"])

    assert first.post(url, {**theirs, "title": "Their title"}).status_code == 302
    refused = second.post(url, {**mine, "summary": "My summary"})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "My summary</textarea>" in html and saved_beside(html, "Their title") and named(html, users["lant51"])
    assert Engagement.objects.get(pk=engagement.pk).summary == "Met the designated authority."


def test_two_saves_of_the_advisory_draft_the_second_refused(users):
    first, second = client_of(users["psa1"]), client_of(users["psa1"])
    draft = advisory_services.advisory_draft_start(by=users["psa1"])
    url = reverse("advisories:edit", args=[draft.pk])
    theirs, mine = form_data(first.get(url).context["form"]), form_data(second.get(url).context["form"])

    assert first.post(url, {**theirs, "section_a": "Their background."}).status_code == 302
    refused = second.post(url, {**mine, "section_c": "My vessel actions."})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "My vessel actions.</textarea>" in html and saved_beside(html, "Their background.")
    draft.refresh_from_db()
    assert (draft.section_a, draft.section_c) == ("Their background.", "")
