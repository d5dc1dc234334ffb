"""The recording pages of a case: checklist, findings, report and evidence, for every role."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.choices import FindingMethod, FindingStatus, Rating, Severity, VisitFacilityStatus
from assessments.models import ChecklistResponse, Finding, FindingStatusChange
from ips.roles import Role
from tests.assessments.conftest import drive_to
from tests.factories import PortFacilityFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
ROLES = ("psa1", "lant51", "ipslo", "member", "other_ipslo", "viewer", "anonymous")


@pytest.fixture
def member(make_user):
    return make_user("member", Role.IPSLO, "ACTEUR", first_name="Mia", last_name="Member")


@pytest.fixture
def visit(case, users, leader, member):
    """A case on site: two approved facilities, a team leader and a plain team member."""
    case = drive_to(case, "on_site", users, leader=leader)
    services.team_member_add(assessment=case, by=users["ipslo"], user=member)
    return case


@pytest.fixture
def people(users, leader, member):
    return {**users, "leader": leader, "member": member, "anonymous": None}


def client_for(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return client


def a_finding(case, by, **extra):
    data = {"title": "Gate left open", "description": "The gate was open and unguarded.",
            "method": FindingMethod.OBSERVATION, "severity": Severity.DEFICIENCY, **extra}
    return services.finding_create(assessment=case, by=by, data=data)


def government_item(case):
    return case.checklist_template.sections.get(code="1").items.order_by("position").first()


def facility_item(case):
    return case.checklist_template.sections.get(code="A14.2").items.order_by("position").first()


# --- who may open what -------------------------------------------------------------------------

PAGE_STATUS = {"psa1": 200, "lant51": 200, "ipslo": 200, "member": 200, "other_ipslo": 404, "viewer": 403}


@pytest.mark.parametrize("page", ["checklist", "findings", "report"])
@pytest.mark.parametrize("role", ROLES)
def test_workspace_recording_pages_are_shown_only_to_the_case_people(client, visit, people, page, role):
    response = client_for(client, people, role).get(reverse(f"assessments:{page}", args=[visit.pk]))

    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    else:
        assert response.status_code == PAGE_STATUS[role]


ANSWER_STATUS = {"psa1": 403, "lant51": 302, "ipslo": 302, "member": 302, "other_ipslo": 404, "viewer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_checklist_answers_are_recorded_only_by_the_team_its_ipslo_and_lant51(client, visit, people, role):
    item = government_item(visit)
    url = reverse("assessments:checklist_answer", args=[visit.pk, item.pk])
    prefix = f"q{item.pk}"

    response = client_for(client, people, role).post(
        url, {f"{prefix}-rating": Rating.MEETS, f"{prefix}-notes": "ok", f"{prefix}-version": 0})

    saved = ChecklistResponse.objects.filter(assessment=visit, item=item).exists()
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert not saved
    else:
        assert response.status_code == ANSWER_STATUS[role]
        assert saved == (ANSWER_STATUS[role] == 302)


REPORT_SAVE_STATUS = {"psa1": 403, "lant51": 302, "ipslo": 302, "leader": 302, "member": 403, "other_ipslo": 404,
                      "viewer": 403}


@pytest.mark.parametrize("role", [*REPORT_SAVE_STATUS, "anonymous"])
def test_report_drafts_are_saved_only_by_the_leader_the_ipslo_and_lant51(client, visit, people, role):
    data = {"introduction": f"Written by {role}.", "base_version": ""}

    response = client_for(client, people, role).post(reverse("assessments:report", args=[visit.pk]), data)

    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert not visit.reports.exists()
    else:
        assert response.status_code == REPORT_SAVE_STATUS[role]
        assert visit.reports.filter(introduction=f"Written by {role}.").exists() == (response.status_code == 302)


# --- checklist -----------------------------------------------------------------------------------


def test_checklist_shows_government_sections_once_and_facility_questions_per_approved_facility(
        client, visit, users, country):
    dropped = services.visit_facility_add(
        assessment=visit, by=users["ipslo"], facility=PortFacilityFactory(port=country.ports.first(), name="Dropped T"))
    services.visit_facility_update(visit_facility=dropped, by=users["ipslo"],
                                   data={"status": VisitFacilityStatus.DROPPED})
    client.force_login(users["ipslo"])

    page = client.get(reverse("assessments:checklist", args=[visit.pk])).content.decode()

    item = facility_item(visit)
    for vf in visit.visit_facilities.exclude(pk=dropped.pk):
        assert f'id="q{item.pk}-f{vf.pk}"' in page
    assert f"q{item.pk}-f{dropped.pk}" not in page
    gov = government_item(visit)
    assert page.count(f'id="q{gov.pk}"') == 1
    assert "0 of 7 answered" in page  # ISPS Code A 14.2.1-14.2.7, per facility


def test_htmx_checklist_answer_returns_only_the_row_status_with_the_new_version_and_progress(client, visit, users):
    vf = visit.visit_facilities.first()
    item = facility_item(visit)
    prefix = f"q{item.pk}-f{vf.pk}"
    client.force_login(users["ipslo"])

    response = client.post(
        reverse("assessments:checklist_answer_facility", args=[visit.pk, item.pk, vf.pk]),
        {f"{prefix}-rating": Rating.PARTIALLY, f"{prefix}-notes": "Guard post unmanned at night.",
         f"{prefix}-version": 0}, **HX,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    # Nothing the person may be editing comes back: no rating, no notes box, only the status area.
    assert "<textarea" not in body and 'type="radio"' not in body and f'id="{prefix}"' not in body
    assert 'data-row-status="saved"' in body and "Saved at " in body
    assert f'name="{prefix}-version" value="1"' in body
    section = item.section
    assert f'id="progress-s{section.pk}-f{vf.pk}" hx-swap-oob="true">1 of 7 answered' in body
    answer = ChecklistResponse.objects.get(assessment=visit, item=item, visit_facility=vf)
    assert (answer.rating, answer.notes, answer.answered_by) == (Rating.PARTIALLY, "Guard post unmanned at night.",
                                                                users["ipslo"])


def test_checklist_answer_without_a_rating_keeps_the_notes_and_saves_nothing(client, visit, users):
    item = government_item(visit)
    prefix = f"q{item.pk}"
    client.force_login(users["ipslo"])
    url = reverse("assessments:checklist_answer", args=[visit.pk, item.pk])

    partial = client.post(url, {f"{prefix}-notes": "Typed in the field", f"{prefix}-version": 0}, **HX)
    full = client.post(url, {f"{prefix}-notes": "Typed in the field", f"{prefix}-version": 0})

    assert partial.status_code == full.status_code == 200
    # Inline: the status says so; the notes box, which the person still has, is not sent back.
    assert 'data-row-status="invalid"' in partial.content.decode()
    assert "choose a rating" in partial.content.decode() and "Typed in the field" not in partial.content.decode()
    body = full.content.decode()
    assert "<html" in body and "Choose a rating." in body and "usa-error-message" in body
    assert "Typed in the field" in body
    assert not ChecklistResponse.objects.filter(assessment=visit).exists()


def test_checklist_answer_for_a_facility_not_on_the_case_is_not_found(client, visit, users):
    item = facility_item(visit)
    client.force_login(users["ipslo"])
    missing = 987654

    response = client.post(reverse("assessments:checklist_answer_facility", args=[visit.pk, item.pk, missing]),
                           {f"q{item.pk}-f{missing}-rating": Rating.MEETS})

    assert response.status_code == 404
    assert not ChecklistResponse.objects.exists()


def test_checklist_page_partial_for_htmx_and_full_page_otherwise(client, visit, users):
    client.force_login(users["ipslo"])
    url = reverse("assessments:checklist", args=[visit.pk])

    full, partial = client.get(url).content.decode(), client.get(url, **HX).content.decode()

    assert "<html" in full and "What happens next" in full and 'id="checklist-body"' in full
    assert "<html" not in partial and "What happens next" not in partial and 'id="checklist-body"' in partial


def test_checklist_is_read_only_for_psa1(client, visit, users):
    item = government_item(visit)
    services.checklist_answer(assessment=visit, item=item, by=users["ipslo"], rating=Rating.MEETS, notes="Seen.")
    client.force_login(users["psa1"])

    page = client.get(reverse("assessments:checklist", args=[visit.pk])).content.decode()

    assert "<form method=\"post\" action=\"/assessments/" not in page.split('id="checklist-body"')[1]
    assert "Meets" in page and "Seen." in page


def test_checklist_page_runs_the_same_number_of_queries_with_more_facilities_and_answers(client, visit, users,
                                                                                          country):
    client.force_login(users["ipslo"])
    url = reverse("assessments:checklist", args=[visit.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    port = country.ports.first()
    for n in range(4):
        vf = services.visit_facility_add(assessment=visit, by=users["ipslo"],
                                         facility=PortFacilityFactory(port=port, name=f"Extra {n}"))
        services.visit_facility_update(visit_facility=vf, by=users["ipslo"],
                                       data={"status": VisitFacilityStatus.VISITED})
        services.checklist_answer(assessment=visit, item=facility_item(visit), by=users["ipslo"],
                                  rating=Rating.MEETS, visit_facility=vf)
    services.checklist_answer(assessment=visit, item=government_item(visit), by=users["ipslo"], rating=Rating.MEETS)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count('<section id="part-facility-') == 6

    assert len(many) == len(few)


# --- findings ------------------------------------------------------------------------------------


def test_adding_a_finding_inline_appends_it_and_gives_a_fresh_form(client, visit, users):
    facility = visit.visit_facilities.first().facility
    client.force_login(users["ipslo"])

    response = client.post(reverse("assessments:finding_new", args=[visit.pk]), {
        "new-title": "No access log", "new-facility": facility.pk, "new-checklist_item": facility_item(visit).pk,
        "new-reference": "", "new-description": "Visitors are not logged.", "new-method": FindingMethod.INTERVIEW,
        "new-rationale": "Required by the PFSP.", "new-severity": Severity.SIGNIFICANT,
        "new-recommendation": "Keep a log.", "new-shared_with_host_on": "2026-11-03",
    }, **HX)

    assert response.status_code == 200
    body = response.content.decode()
    finding = Finding.objects.get(assessment=visit)
    assert (finding.number, finding.facility, finding.severity) == (1, facility, Severity.SIGNIFICANT)
    assert finding.shared_with_host_on == dt.date(2026, 11, 3)
    assert 'hx-swap-oob="beforeend:#findings-list"' in body and f'id="finding-{finding.pk}"' in body
    assert "No access log" in body and "14.2.1" in body and "Significant deficiency" in body
    assert 'id="finding-new"' in body and 'value="No access log"' not in body  # the add form is empty again


def test_a_finding_with_errors_keeps_everything_typed_and_saves_nothing(client, visit, users, other_country):
    from tests.factories import PortFactory

    foreign = PortFacilityFactory(port=PortFactory(country=other_country))
    client.force_login(users["ipslo"])
    data = {"new-title": "", "new-facility": foreign.pk, "new-description": "Typed description kept",
            "new-method": FindingMethod.OBSERVATION, "new-severity": Severity.OBSERVATION,
            "new-recommendation": "Typed recommendation kept"}

    partial = client.post(reverse("assessments:finding_new", args=[visit.pk]), data, **HX)
    full = client.post(reverse("assessments:finding_new", args=[visit.pk]), data)

    for response in (partial, full):
        assert response.status_code == 200
        body = response.content.decode()
        assert "usa-form-group--error" in body and "This field is required." in body
        assert "Select a valid choice" in body  # a facility of another country is not offered
        assert "Typed description kept" in body and "Typed recommendation kept" in body
    assert not Finding.objects.exists()


def test_editing_a_finding_inline_swaps_the_form_in_and_the_saved_row_back(client, visit, users, member):
    finding = a_finding(visit, users["ipslo"])
    client.force_login(member)
    url = reverse("assessments:finding_edit", args=[visit.pk, finding.pk])
    prefix = f"f{finding.pk}"

    form = client.get(url, **HX).content.decode()
    bad = client.post(url, {f"{prefix}-title": "Gate open at night", f"{prefix}-description": "",
                            f"{prefix}-method": FindingMethod.OBSERVATION, f"{prefix}-version": finding.version,
                            f"{prefix}-severity": Severity.DEFICIENCY}, **HX).content.decode()
    good = client.post(url, {f"{prefix}-title": "Gate open at night", f"{prefix}-description": "Seen at 02:00.",
                             f"{prefix}-method": FindingMethod.OBSERVATION, f"{prefix}-version": finding.version,
                             f"{prefix}-severity": Severity.SIGNIFICANT}, **HX).content.decode()

    assert 'value="Gate left open"' in form and "Edit finding 1" in form
    assert "This field is required." in bad and 'value="Gate open at night"' in bad
    finding.refresh_from_db()
    assert (finding.title, finding.description, finding.severity) == ("Gate open at night", "Seen at 02:00.",
                                                                      Severity.SIGNIFICANT)
    assert "Edit finding" not in good and "Gate open at night" in good and "Finding 1 saved." in good


def test_changing_a_finding_status_keeps_its_history_with_the_comment(client, visit, users):
    finding = a_finding(visit, users["ipslo"])
    client.force_login(users["lant51"])

    response = client.post(reverse("assessments:finding_status", args=[visit.pk, finding.pk]), {
        f"s{finding.pk}-status": FindingStatus.RESOLVED_DURING_VISIT, f"s{finding.pk}-comment": "Fixed on the spot.",
        f"s{finding.pk}-version": finding.version,
    }, **HX)

    body = response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED_DURING_VISIT
    change = FindingStatusChange.objects.filter(finding=finding).last()
    assert (change.from_status, change.to_status, change.by, change.comment) == (
        FindingStatus.OPEN, FindingStatus.RESOLVED_DURING_VISIT, users["lant51"], "Fixed on the spot.")
    assert "Open → Resolved during the visit" in body and "Fixed on the spot." in body


def test_an_invalid_status_is_refused_beside_the_field(client, visit, users):
    finding = a_finding(visit, users["ipslo"])
    client.force_login(users["ipslo"])

    response = client.post(reverse("assessments:finding_status", args=[visit.pk, finding.pk]),
                           {f"s{finding.pk}-status": "vanished", f"s{finding.pk}-comment": "kept text"}, **HX)

    body = response.content.decode()
    assert "Select a valid choice" in body and "kept text" in body and "<details class=\"ips-details\" open" in body
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


@pytest.mark.parametrize("role", ["psa1", "viewer", "other_ipslo"])
def test_people_outside_the_recording_team_cannot_add_findings(client, visit, people, role):
    response = client_for(client, people, role).post(reverse("assessments:finding_new", args=[visit.pk]), {
        "new-title": "x", "new-description": "y", "new-method": FindingMethod.INTERVIEW,
        "new-severity": Severity.OBSERVATION})

    assert response.status_code == {"other_ipslo": 404}.get(role, 403)
    assert not Finding.objects.exists()


def test_findings_carried_from_the_previous_case_are_marked(client, case, users, leader, portfolio):
    closed = drive_to(case, "closed", users, leader=leader)
    Finding.objects.filter(assessment=closed).delete()
    a_finding_data = {"title": "Old open finding", "description": "Still open.", "method": FindingMethod.INTERVIEW,
                      "severity": Severity.DEFICIENCY, "number": 1, "created_by": users["ipslo"]}
    Finding.objects.create(assessment=closed, **a_finding_data)
    new_case = services.assessment_create(country=portfolio["country"], by=users["ipslo"])
    client.force_login(users["ipslo"])

    page = client.get(reverse("assessments:findings", args=[new_case.pk])).content.decode()

    assert "Old open finding" in page
    assert f"Carried from {closed}" in page


def test_findings_page_is_partial_for_htmx(client, visit, users):
    a_finding(visit, users["ipslo"])
    client.force_login(users["ipslo"])
    url = reverse("assessments:findings", args=[visit.pk])

    full, partial = client.get(url).content.decode(), client.get(url, **HX).content.decode()

    assert "<html" in full and "Gate left open" in full
    assert "<html" not in partial and "Gate left open" in partial and 'id="findings-body"' in partial


def test_findings_page_runs_the_same_number_of_queries_for_1_and_30_findings(client, visit, users, member,
                                                                            png_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["ipslo"])
    url = reverse("assessments:findings", args=[visit.pk])
    facility = visit.visit_facilities.first().facility
    first = a_finding(visit, users["ipslo"], facility=facility, checklist_item=facility_item(visit))
    services.evidence_add(finding=first, by=users["ipslo"], upload=SimpleUploadedFile("a.png", png_bytes))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    for n in range(29):
        f = a_finding(visit, member, title=f"Finding {n}", facility=facility if n % 2 else None,
                      checklist_item=facility_item(visit) if n % 3 else None)
        services.finding_set_status(finding=f, by=users["ipslo"], status=FindingStatus.IN_MITIGATION, comment="c")
        if n % 5 == 0:
            services.evidence_add(finding=f, by=users["ipslo"],
                                  upload=SimpleUploadedFile(f"e{n}.png", png_bytes))
    with CaptureQueriesContext(connection) as thirty:
        page = client.get(url)

    assert page.content.decode().count('<li id="finding-') == 30
    assert len(thirty) == len(one)


@pytest.fixture
def png_bytes():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
