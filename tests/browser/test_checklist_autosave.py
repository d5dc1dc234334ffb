"""Typing on the checklist is never thrown away: a rating saved while notes are being typed leaves the
notes box alone, the notes save by themselves once typing pauses, and an answer saved meanwhile by
someone else is not overwritten: the row says so."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments import services
from assessments.choices import Rating
from assessments.models import ChecklistResponse
from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import login, screenshot

NOTES = "Guard post at gate 3 unmanned between 02:00 and 04:00; no patrol log kept."


@pytest.fixture
def visit(case, users):  # noqa: F811
    return drive_to(case, "on_site", users)


def first_question(visit):
    return visit.checklist_template.sections.get(code="1").items.order_by("position").first()


def saved_answer(page, visit, item, *, notes: str, timeout: float = 10.0) -> ChecklistResponse | None:
    """The stored answer once its notes are ``notes`` (the page saves on its own schedule). The wait goes
    through the page, so that Playwright keeps serving the routes meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = ChecklistResponse.objects.filter(assessment=visit, item=item, visit_facility=None).first()
        if answer is not None and answer.notes == notes:
            return answer
        page.wait_for_timeout(100)
    return ChecklistResponse.objects.filter(assessment=visit, item=item, visit_facility=None).first()


def test_notes_typed_while_a_rating_saves_survive_and_save_themselves(page, live_server, browser_log, users, visit):
    item = first_question(visit)
    login(page, live_server, users["ipslo"].username)
    page.goto(live_server.url + reverse("assessments:checklist", args=[visit.pk]))
    row = page.locator(f"#q{item.pk}")
    notes = row.get_by_label(f"Notes on {item.code}")
    status = row.locator("[data-row-status]")

    held, seen = [], []

    def slow_first_save(route):
        seen.append(route.request.post_data)
        if not held:
            held.append(route)  # the rating's save waits until the notes are typed
        else:
            route.continue_()

    page.route(f"**/assessments/{visit.pk}/checklist/q{item.pk}/", slow_first_save)

    row.get_by_text("Meets", exact=True).click()
    expect(status).to_have_text("Saving…")
    notes.click()
    notes.press_sequentially(NOTES, delay=5)
    page.wait_for_timeout(1200)  # past the 800 ms pause: the notes' save is queued behind the rating's
    assert len(seen) == 1 and notes.input_value() == NOTES

    held[0].continue_()  # the rating's answer arrives while the notes are in the box

    answer = saved_answer(page, visit, item, notes=NOTES)
    assert answer is not None and (answer.rating, answer.notes) == (Rating.MEETS, NOTES)
    assert answer.version == 2  # the rating, then the notes on top of it: nothing overwritten
    expect(status).to_contain_text("Saved at")
    assert notes.input_value() == NOTES
    assert row.get_by_label("Meets", exact=True).is_checked()
    expect(page.locator("#checklist-announcer")).to_contain_text(f"{item.code}: Saved at")
    screenshot(page, "checklist-autosave")
    assert browser_log.problems == []


def test_notes_save_when_the_box_loses_focus(page, live_server, browser_log, users, visit):
    item = first_question(visit)
    services.checklist_answer(assessment=visit, item=item, by=users["ipslo"], rating=Rating.PARTIALLY)
    login(page, live_server, users["ipslo"].username)
    page.goto(live_server.url + reverse("assessments:checklist", args=[visit.pk]))
    row = page.locator(f"#q{item.pk}")

    row.get_by_label(f"Notes on {item.code}").fill("Seen at the gate.")
    row.get_by_label(f"Notes on {item.code}").blur()

    answer = saved_answer(page, visit, item, notes="Seen at the gate.", timeout=3.0)
    assert answer.notes == "Seen at the gate." and answer.rating == Rating.PARTIALLY
    assert browser_log.problems == []


def test_an_answer_saved_meanwhile_by_someone_else_is_named_in_the_row_and_not_overwritten(
        page, live_server, browser_log, users, visit):
    item = first_question(visit)
    login(page, live_server, users["ipslo"].username)
    page.goto(live_server.url + reverse("assessments:checklist", args=[visit.pk]))
    row = page.locator(f"#q{item.pk}")
    services.checklist_answer(assessment=visit, item=item, by=users["lant51"], rating=Rating.DOES_NOT_MEET,
                              notes="No access control.", expected_version=0)

    row.get_by_text("Meets", exact=True).click()
    row.get_by_label(f"Notes on {item.code}").fill("My notes")

    status = row.locator("[data-row-status]")
    expect(status).to_contain_text(f"this answer was changed by {users['lant51'].get_full_name()}")
    expect(status).to_contain_text("“Does not meet”")
    page.wait_for_timeout(1200)  # typing in a row in conflict saves nothing
    answer = ChecklistResponse.objects.get(assessment=visit, item=item, visit_facility=None)
    assert (answer.rating, answer.notes, answer.version) == (Rating.DOES_NOT_MEET, "No access control.", 1)
    assert row.get_by_label(f"Notes on {item.code}").input_value() == "My notes"
    screenshot(page, "checklist-conflict")
    assert_no_serious_violations(page)

    row.get_by_role("button", name=f"Save mine over theirs for {item.code}").click()

    expect(status).to_contain_text("Saved at")
    answer.refresh_from_db()
    assert (answer.rating, answer.notes, answer.answered_by) == (Rating.MEETS, "My notes", users["ipslo"])
    assert [p for p in browser_log.problems if "HTTP 409" not in p] == []


def test_using_their_answer_puts_it_in_the_row_and_later_typing_saves_on_top_of_it(
        page, live_server, browser_log, users, visit):
    item = first_question(visit)
    login(page, live_server, users["ipslo"].username)
    page.goto(live_server.url + reverse("assessments:checklist", args=[visit.pk]))
    row = page.locator(f"#q{item.pk}")
    notes = row.get_by_label(f"Notes on {item.code}")
    services.checklist_answer(assessment=visit, item=item, by=users["lant51"], rating=Rating.DOES_NOT_MEET,
                              notes="No access control.", expected_version=0)
    row.get_by_text("Meets", exact=True).click()
    expect(row.locator("[data-row-status]")).to_contain_text("this answer was changed by")

    row.get_by_role("button", name=f"Use theirs for {item.code}").click()

    expect(row.locator("[data-row-status]")).to_have_text("Their answer is kept: nothing of yours was saved.")
    assert row.get_by_label("Does not meet", exact=True).is_checked() and notes.input_value() == "No access control."
    notes.press_sequentially(" Gate 3 only.", delay=5)
    answer = saved_answer(page, visit, item, notes="No access control. Gate 3 only.")
    assert (answer.rating, answer.version) == (Rating.DOES_NOT_MEET, 2)
    assert [p for p in browser_log.problems if "HTTP 409" not in p] == []
