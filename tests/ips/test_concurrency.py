"""No lost updates, at the service level: every versioned record refuses a change based on an older version,
keeps what the other person saved, and names who saved it and when."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisories import services as advisory_services
from assessments import services
from assessments.choices import EngagementKind, FindingMethod, FindingStatus, Rating, Severity
from assessments.models import ChecklistResponse, Finding
from correspondence import services as letter_services
from correspondence.choices import LetterKind
from correspondence.models import Letter
from countries import services as country_services
from countries.importing import AuditRecord, audit_bulk_log, bulk_update_fields
from countries.models import Port
from ips import concurrency
from ips.audit import acting_as
from ips.concurrency import ConcurrentEditError
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401
from tests.factories import PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> ConcurrentEditError:
    with pytest.raises(ConcurrentEditError) as caught:
        call(**kwargs)
    return caught.value


def names(error: ConcurrentEditError, user) -> bool:
    return f"changed by {user.get_full_name()} on " in error.message and error.code == "concurrent_edit"


@pytest.fixture
def visit(case, users):  # noqa: F811
    return drive_to(case, "on_site", users)


@pytest.fixture
def finding(visit, users):
    return services.finding_create(assessment=visit, by=users["ipslo"], data={
        "title": "Gate left open", "description": "Unguarded.", "method": FindingMethod.OBSERVATION,
        "severity": Severity.DEFICIENCY})


# --- the mechanism -----------------------------------------------------------------------------


def test_a_new_record_starts_at_version_one_and_every_save_moves_it_on_by_one(users, country):
    port = country_services.port_create(country=country, data={"locode": "XAPRT", "name": "Port"}, by=users["lant51"])
    assert port.version == 1
    country_services.port_update(port=port, data={"name": "Renamed"}, by=users["lant51"], expected_version=1)
    country_services.port_update(port=port, data={"name": "Again"}, by=users["lant51"])  # no one's version: a job
    port.refresh_from_db()
    assert (port.name, port.version) == ("Again", 3)


def test_save_is_a_conditional_update_that_refuses_a_row_moved_on_under_it(users, country):
    """The guard holds without a row lock (SQLite has none): the UPDATE names the version it replaces."""
    port = PortFactory(country=country)
    stale = Port.objects.get(pk=port.pk)
    Port.objects.filter(pk=port.pk).update(name="Theirs", version=2)
    stale.name = "Mine"
    with CaptureQueriesContext(connection) as queries, pytest.raises(ConcurrentEditError) as caught:
        concurrency.save(stale, update_fields=["name"])
    guard = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"version" = 1' in guard.split("WHERE", 1)[1]
    assert caught.value.instance.name == "Theirs" and caught.value.version == 2
    port.refresh_from_db()
    assert (port.name, port.version) == ("Theirs", 2)


def test_the_imports_move_the_version_of_the_ports_they_change(country):
    port, untouched = PortFactory(country=country), PortFactory(country=country)
    port.latitude = Decimal("51.92250")
    bulk_update_fields([port], ["latitude"])
    port.refresh_from_db()
    untouched.refresh_from_db()
    assert (port.version, untouched.version) == (2, 1)


def test_a_change_without_an_actor_is_named_as_the_system(country):
    port = PortFactory(country=country)
    change = concurrency.last_change(port)
    assert change.by.startswith("the system") and change.at is not None


def test_a_port_changed_by_an_import_meanwhile_names_the_import(users, country):
    port = PortFactory(country=country)
    country_services.port_update(port=port, data={"name": "Edited"}, by=users["lant51"], expected_version=1)
    imported = Port.objects.only("id", "locode", "name", "latitude", "updated_at", "version").get(pk=port.pk)
    imported.latitude = Decimal("51.92250")
    bulk_update_fields([imported], ["latitude"])
    change = AuditRecord(obj=imported, action=LogEntry.Action.UPDATE, changes={"latitude": ["None", "51.92250"]})
    audit_bulk_log([change], model=Port)
    error = refused(country_services.port_update, port=port, data={"name": "Mine"}, by=users["ipslo"],
                    expected_version=2)
    assert "changed by the system (an import or a scheduled job) on " in error.message


def test_the_last_change_named_is_the_one_that_moved_the_version(users, country):
    port = PortFactory(country=country)
    country_services.port_update(port=port, data={"name": "Edited"}, by=users["lant51"], expected_version=1)
    with acting_as(users["psa1"]):  # a save that does not move the version (as a letter's PDF job)
        Port.objects.get(pk=port.pk).save(update_fields=["updated_at"])
    assert concurrency.last_change(port).by == users["lant51"].get_full_name()


def test_etag_is_weak_and_derived_from_the_version(country):
    port = PortFactory(country=country)
    assert concurrency.etag(port) == 'W/"1"'


# --- each versioned record ------------------------------------------------------------------------


def test_port_stale_update_is_refused_and_keeps_the_first_change(users, country):
    port = PortFactory(country=country, name="Old name")
    loaded = port.version
    country_services.port_update(port=port, data={"name": "First"}, by=users["lant51"], expected_version=loaded)
    error = refused(country_services.port_update, port=port, data={"name": "Second"}, by=users["ipslo"],
                    expected_version=loaded)
    assert names(error, users["lant51"]) and error.instance.name == "First"
    port.refresh_from_db()
    assert (port.name, port.version) == ("First", loaded + 1)


def test_port_facility_stale_update_is_refused(users, country):
    facility = PortFacilityFactory(port=PortFactory(country=country), name="Old")
    data = {"port": facility.port, "name": "First"}
    country_services.port_facility_update(facility=facility, data=data, by=users["lant51"], expected_version=1)
    error = refused(country_services.port_facility_update, facility=facility, data={**data, "name": "Second"},
                    by=users["ipslo"], expected_version=1)
    assert names(error, users["lant51"])
    facility.refresh_from_db()
    assert facility.name == "First"


def test_finding_stale_update_and_stale_status_change_are_refused(users, finding):
    services.finding_update(finding=finding, by=users["lant51"], data={"title": "First"}, expected_version=1)
    error = refused(services.finding_update, finding=finding, by=users["ipslo"], data={"title": "Second"},
                    expected_version=1)
    assert names(error, users["lant51"]) and error.instance.title == "First"
    refused(services.finding_set_status, finding=finding, by=users["ipslo"], status=FindingStatus.CLOSED,
            expected_version=1)
    finding.refresh_from_db()
    assert (finding.title, finding.status, finding.version) == ("First", FindingStatus.OPEN, 2)
    services.finding_set_status(finding=finding, by=users["ipslo"], status=FindingStatus.CLOSED, expected_version=2)
    assert Finding.objects.get(pk=finding.pk).version == 3


def test_checklist_answer_given_meanwhile_is_not_overwritten(users, visit):
    item = visit.checklist_template.sections.get(code="1").items.first()
    services.checklist_answer(assessment=visit, item=item, by=users["lant51"], rating=Rating.MEETS, notes="Seen",
                              expected_version=0)
    error = refused(services.checklist_answer, assessment=visit, item=item, by=users["ipslo"],
                    rating=Rating.DOES_NOT_MEET, notes="Mine", expected_version=0)
    assert names(error, users["lant51"]) and error.instance.notes == "Seen"
    answer = ChecklistResponse.objects.get(assessment=visit, item=item)
    assert (answer.rating, answer.notes, answer.version) == (Rating.MEETS, "Seen", 1)
    # Based on the current version, the change goes through; sending the stored values again changes nothing.
    services.checklist_answer(assessment=visit, item=item, by=users["ipslo"], rating=Rating.DOES_NOT_MEET,
                              notes="Mine", expected_version=1)
    services.checklist_answer(assessment=visit, item=item, by=users["lant51"], rating=Rating.DOES_NOT_MEET,
                              notes="Mine", expected_version=1)
    answer.refresh_from_db()
    assert (answer.rating, answer.answered_by, answer.version) == (Rating.DOES_NOT_MEET, users["ipslo"], 2)


def test_engagement_stale_update_is_refused(users, portfolio):
    data = {"kind": EngagementKind.LIAISON, "title": "Liaison visit", "start_date": dt.date(2026, 5, 1),
            "summary": "Met the designated authority."}
    engagement = services.engagement_save(by=users["ipslo"], data=data, country=portfolio["country"])
    services.engagement_save(by=users["lant51"], data={**data, "title": "First"}, engagement=engagement,
                             expected_version=1)
    error = refused(services.engagement_save, by=users["ipslo"], data={**data, "title": "Second"},
                    engagement=engagement, expected_version=1)
    assert names(error, users["lant51"])
    engagement.refresh_from_db()
    assert (engagement.title, engagement.version) == ("First", 2)


@pytest.fixture
def draft_letter(users, portfolio):
    return letter_services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                         by=users["lant51"])


def test_letter_wording_saved_meanwhile_is_not_overwritten_nor_approved_unseen(users, draft_letter):
    read = draft_letter.revision
    letter_services.letter_update(letter=draft_letter, by=users["lant51"], data={"subject": "First"},
                                  expected_revision=read)
    error = refused(letter_services.letter_update, letter=draft_letter, by=users["ipslo"],
                    data={"subject": "Second"}, expected_revision=read)
    assert names(error, users["lant51"]) and "The wording of" in error.message
    refused(letter_services.letter_approve, letter=draft_letter, by=users["psa1"], expected_revision=read)
    letter = Letter.objects.get(pk=draft_letter.pk)
    assert (letter.subject, letter.revision, letter.status) == ("First", read + 1, "draft")


def test_letter_rendering_does_not_move_the_revision_an_editor_holds(users, draft_letter):
    read = draft_letter.revision
    letter_services.letter_render(letter_id=draft_letter.pk)
    letter_services.letter_update(letter=draft_letter, by=users["ipslo"], data={"subject": "Mine"},
                                  expected_revision=read)
    assert Letter.objects.get(pk=draft_letter.pk).subject == "Mine"


def test_advisory_draft_and_listing_stale_updates_are_refused_and_publishing_needs_the_version_read(
        users, portfolio):
    psa1 = users["psa1"]
    draft = advisory_services.advisory_draft_start(by=psa1)
    advisory_services.advisory_draft_update(advisory=draft, by=psa1, data={"title": "First"}, expected_version=1)
    error = refused(advisory_services.advisory_draft_update, advisory=draft, by=psa1, data={"title": "Second"},
                    expected_version=1)
    assert "The draft revision was changed by" in error.message
    refused(advisory_services.advisory_publish, advisory=draft, by=psa1, expected_version=1)
    listing = advisory_services.advisory_listing_add(advisory=draft, by=psa1, country=portfolio["country"])
    advisory_services.advisory_listing_update(listing=listing, by=psa1, data={"note": "First"}, expected_version=1)
    refused(advisory_services.advisory_listing_update, listing=listing, by=psa1, data={"note": "Second"},
            expected_version=1)
    draft.refresh_from_db()
    listing.refresh_from_db()
    assert (draft.title, draft.status, listing.note) == ("First", "draft", "First")


def test_a_correction_of_the_advisory_in_force_released_meanwhile_is_not_overwritten(users):
    psa1 = users["psa1"]
    draft = advisory_services.advisory_draft_start(by=psa1)
    advisory_services.advisory_draft_update(advisory=draft, by=psa1, data={
        "title": "PSA", "effective_date": dt.date(2026, 1, 1), "section_a": "A.", "section_c": "C.",
        "section_d": "D."})
    advisory = advisory_services.advisory_publish(advisory=draft, by=psa1)
    read = advisory.version
    correction = {"section": "A", "effective_date": dt.date(2026, 12, 31), "note": "Typo."}
    advisory_services.advisory_correct(advisory=advisory, by=psa1, text="First.", expected_version=read,
                                       **correction)
    refused(advisory_services.advisory_correct, advisory=advisory, by=psa1, text="Second.", expected_version=read,
            **correction)
    advisory.refresh_from_db()
    assert advisory.section_a == "First." and advisory.releases.count() == 2


def test_visit_facility_stale_update_is_refused(users, visit):
    item = visit.visit_facilities.first()
    loaded = item.version
    services.visit_facility_update(visit_facility=item, by=users["lant51"], data={"notes": "First"},
                                   expected_version=loaded)
    error = refused(services.visit_facility_update, visit_facility=item, by=users["ipslo"],
                    data={"notes": "Second"}, expected_version=loaded)
    assert names(error, users["lant51"])
    item.refresh_from_db()
    assert (item.notes, item.version) == ("First", loaded + 1)


def test_itinerary_item_stale_update_is_refused_and_a_deleted_one_is_said_so(users, visit):
    data = {"kind": "embassy_meeting", "day": dt.date(2027, 3, 1), "location": "Embassy"}
    item = services.itinerary_item_save(assessment=visit, by=users["ipslo"], data=data)
    services.itinerary_item_save(assessment=visit, by=users["lant51"], data={**data, "location": "First"}, item=item,
                                 expected_version=1)
    refused(services.itinerary_item_save, assessment=visit, by=users["ipslo"], data={**data, "location": "Second"},
            item=item, expected_version=1)
    services.itinerary_item_delete(item=item, by=users["lant51"])
    with pytest.raises(ValidationError) as gone:
        services.itinerary_item_save(assessment=visit, by=users["ipslo"], data=data, item=item, expected_version=2)
    assert gone.value.code == "deleted" and "was deleted after you opened it" in gone.value.message
