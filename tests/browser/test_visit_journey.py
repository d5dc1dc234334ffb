"""An IPSLO who leads the team logs a visit in a real browser, from the on-site state to the report under review.

Set-up goes through the services (not the UI): a country in the IPSLO's portfolio with a port and two
port facilities, the reference checklist, and a case carried to "On site" with both facilities approved.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from playwright.sync_api import expect

from assessments import services
from assessments.choices import AssessmentState, FindingMethod, Rating, Severity
from assessments.models import ChecklistResponse, Finding, ReportVersion
from assessments.services.checklists import checklist_load_reference
from tests.assessments.conftest import drive_to
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import login, screenshot
from tests.factories import PortFacilityFactory, PortFactory

GOVERNMENT_ANSWERS = {"1.a": Rating.MEETS, "1.b": Rating.PARTIALLY, "1.c": Rating.DOES_NOT_MEET}
FACILITY_RATINGS = (Rating.MEETS, Rating.PARTIALLY, Rating.MEETS, Rating.DOES_NOT_MEET, Rating.MEETS,
                    Rating.NOT_OBSERVED, Rating.MEETS)
REPORT_TEXT = {
    "introduction": "The team visited Atlantis from 2 to 6 November 2026.",
    "implementation_procedures": "The designated authority enforces the ISPS Code through national law.",
    "facilities_description": "Two container terminals at Port Atlantis were surveyed.",
    "future_plans": "Follow-up on access control at Terminal 2 within six months.",
    "conclusions": "Atlantis is substantially implementing the ISPS Code, subject to the findings.",
}


@pytest.fixture
def on_site_case(users, portfolio):
    """A case of the IPSLO's country, on site, with both facilities approved; the IPSLO leads the team."""
    checklist_load_reference()
    port = PortFactory(country=portfolio["country"], name="Port Atlantis")
    for n in (1, 2):
        PortFacilityFactory(port=port, name=f"Terminal {n}")
    case = services.assessment_create(
        country=portfolio["country"], by=users["ipslo"], proposed_start=dt.date(2027, 3, 1),
        proposed_end=dt.date(2027, 3, 5), objective="Assess ISPS Code implementation.",
    )
    return drive_to(case, AssessmentState.ON_SITE, users)


def open_tab(page, label: str) -> None:
    link = page.get_by_role("navigation", name="Case sections").get_by_role("link", name=label, exact=True)
    with page.expect_navigation():
        link.click()
    expect(link).to_have_attribute("aria-current", "page")


def take_step(page, label: str) -> None:
    """Open the workflow step's disclosure and press its button (a plain form post, then a redirect)."""
    moves = page.get_by_role("region", name="Steps you can take")
    moves.locator("summary", has_text=label).click()
    with page.expect_navigation():
        moves.get_by_role("button", name=label, exact=True).click()


def check_tab(page, name: str) -> None:
    screenshot(page, f"visit-journey-{name}")
    assert_no_serious_violations(page)


def answer(page, row_id: str, rating: str, notes: str = "") -> None:
    """Rate one checklist question; the rating saves at once, notes by themselves or with the Save button."""
    row = page.locator(f"#{row_id}")
    label = Rating(rating).label
    # USWDS radios hide the native input; a user clicks the visible label.
    row.locator("label.usa-radio__label", has_text=re.compile(f"^{re.escape(label)}$")).click()
    expect(page.locator(f"#{row_id}").get_by_label(label, exact=True)).to_be_checked()
    expect(page.locator(f"#{row_id} .ips-row-status")).to_contain_text("Saved")
    if notes:
        page.locator(f"#{row_id}").get_by_label("Notes", exact=False).fill(notes)
        with page.expect_response(lambda r: r.request.method == "POST" and "/checklist/" in r.url) as posted:
            page.locator(f"#{row_id}").get_by_role("button", name="Save").click()
        assert posted.value.ok
        expect(page.locator(f"#{row_id} .ips-row-status")).to_contain_text("Saved")
        expect(page.locator(f"#{row_id}").get_by_label("Notes", exact=False)).to_have_value(notes)


def facility_option(facility) -> str:
    return f"{facility.port.name}: {facility.name} ({facility.imo_number})"


def item_option(item) -> str:
    text = item.text if len(item.text) <= 90 else item.text[:89] + "…"
    return f"{item.section.code} / {item.code}: {text}"


def add_finding(page, *, title, facility, item, reference, method, severity, description, recommendation):
    form = page.get_by_role("region", name="Add a finding")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Facility").select_option(label=facility_option(facility) if facility else
                                                "Country-level (no single facility)")
    form.get_by_label("Checklist question").select_option(label=item_option(item))
    form.get_by_label("ISPS Code or country-guidance reference").fill(reference)
    form.get_by_label("How it was found").select_option(label=FindingMethod(method).label)
    form.get_by_label("Description").fill(description)
    form.get_by_label("Why it is a finding").fill(f"{reference} is not met.")
    form.get_by_label("Severity").select_option(label=Severity(severity).label)
    form.get_by_label("Recommendation").fill(recommendation)
    before = page.locator("#findings-list > li").count()
    form.get_by_role("button", name="Add finding").click()
    expect(page.locator("#findings-list > li")).to_have_count(before + 1)
    expect(page.locator("#findings-announcer")).to_contain_text("saved")
    expect(page.locator("#findings-list > li").last).to_contain_text(title)


def test_ipslo_team_leader_records_the_visit_and_submits_the_report(page, live_server, browser_log, users,
                                                                    on_site_case):
    case = on_site_case
    ipslo = users["ipslo"]
    visits = list(case.visit_facilities.select_related("facility__port").order_by("facility__name"))
    template = case.checklist_template
    facility_items = list(template.sections.get(code="A14.2").items.order_by("position"))
    government = {item.code: item for item in template.sections.get(code="1").items.all()}

    login(page, live_server, ipslo.username)
    # The country page links to opening a case and to the country's correspondence.
    page.goto(case.country.get_absolute_url())
    expect(page.get_by_role("link", name="Open a case")).to_have_attribute(
        "href", f"{reverse('assessments:create')}?country={case.country.iso3}"
    )
    expect(page.get_by_role("link", name="Correspondence", exact=True)).to_have_attribute(
        "href", reverse("correspondence:country", kwargs={"iso3": case.country.iso3})
    )
    page.goto(reverse("assessments:detail", args=[case.pk]))
    expect(page.locator(".ips-state")).to_have_text("On site")
    expect(page.get_by_role("link", name="Visit request letter")).to_have_attribute(
        "href", reverse("correspondence:case_visit_request", args=[case.pk])
    )
    check_tab(page, "plan")

    # Facilities: both approved facilities were visited.
    open_tab(page, "Facilities")
    for vf in visits:
        row = page.locator(f"#vf-{vf.pk}")
        row.get_by_label("Status").select_option(label="Visited")
        row.get_by_label("Visited on").fill("2026-11-03")
        row.get_by_role("button", name=f"Save {vf.facility.name}").click()
        expect(page.locator(f"#vf-{vf.pk} .usa-tag").first).to_have_text("Visited")
    check_tab(page, "facilities")

    # Checklist: some government questions, and every facility question for both facilities.
    open_tab(page, "Checklist")
    for code, rating in GOVERNMENT_ANSWERS.items():
        notes = "No designated authority order was produced." if code == "1.c" else ""
        answer(page, f"q{government[code].pk}", rating, notes)
    for vf in visits:
        for item, rating in zip(facility_items, FACILITY_RATINGS, strict=True):
            answer(page, f"q{item.pk}-f{vf.pk}", rating)
        section = facility_items[0].section
        expect(page.locator(f"#progress-s{section.pk}-f{vf.pk}")).to_have_text(
            f"{len(facility_items)} of {len(facility_items)} answered"
        )
    check_tab(page, "checklist")

    # Findings: one about the government, one at each facility.
    open_tab(page, "Findings")
    expect(page.get_by_text("No findings recorded yet.")).to_be_visible()
    add_finding(
        page, title="Designated authority not formally empowered", facility=None, item=government["1.c"],
        reference="SOLAS XI-2/1.11", method=FindingMethod.DOCUMENT_REVIEW, severity=Severity.DEFICIENCY,
        description="No instrument designating the authority was produced.",
        recommendation="Issue the designation order and send a copy to the Coast Guard.",
    )
    add_finding(
        page, title="Gate pass not checked", facility=visits[0].facility, item=facility_items[1],
        reference="ISPS Code A/14.2.2", method=FindingMethod.OBSERVATION, severity=Severity.OBSERVATION,
        description="Vehicles entered without their passes being checked.",
        recommendation="Check every pass at the main gate.",
    )
    add_finding(
        page, title="Restricted area left open", facility=visits[1].facility, item=facility_items[3],
        reference="ISPS Code A/14.2.4", method=FindingMethod.INTERVIEW, severity=Severity.SIGNIFICANT,
        description="Staff said the quay-side restricted area is not locked at night.",
        recommendation="Lock and monitor the restricted area at all hours.",
    )
    expect(page.get_by_text("No findings recorded yet.")).to_be_hidden()
    check_tab(page, "findings")

    take_step(page, "Finish the visit")
    expect(page.locator(".ips-state")).to_have_text("Report drafting")

    # Report: the five sections, saved as a draft.
    open_tab(page, "Report")
    editor = page.get_by_role("region", name="Edit the draft")
    for name, text in REPORT_TEXT.items():
        label = capfirst(ReportVersion._meta.get_field(name).verbose_name)
        editor.get_by_label(label, exact=True).fill(text)
    editor.get_by_role("button", name="Save draft").click()
    expect(page.locator("#report-body .usa-alert--success")).to_be_visible()
    expect(page.locator("#report-body")).to_contain_text(REPORT_TEXT["conclusions"])
    check_tab(page, "report")

    take_step(page, "Submit the report for review")
    expect(page.locator(".ips-state")).to_have_text("Under review (LANT-51)")
    check_tab(page, "under-review")

    assert browser_log.problems == []
    case.refresh_from_db()
    assert case.state == AssessmentState.UNDER_REVIEW
    findings = list(Finding.objects.filter(assessment=case).order_by("number"))
    assert [(f.facility_id, f.severity, f.method) for f in findings] == [
        (None, Severity.DEFICIENCY, FindingMethod.DOCUMENT_REVIEW),
        (visits[0].facility_id, Severity.OBSERVATION, FindingMethod.OBSERVATION),
        (visits[1].facility_id, Severity.SIGNIFICANT, FindingMethod.INTERVIEW),
    ]
    assert [f.reference for f in findings] == ["SOLAS XI-2/1.11", "ISPS Code A/14.2.2", "ISPS Code A/14.2.4"]
    assert all(f.recommendation for f in findings)
    responses = ChecklistResponse.objects.filter(assessment=case)
    government_saved = {r.item.code: r.rating for r in responses.filter(visit_facility=None).select_related("item")}
    assert government_saved == GOVERNMENT_ANSWERS
    noted = responses.get(visit_facility=None, item=government["1.c"])
    assert noted.notes == "No designated authority order was produced."
    for vf in visits:
        saved = dict(responses.filter(visit_facility=vf).values_list("item__code", "rating"))
        assert saved == {item.code: rating for item, rating in zip(facility_items, FACILITY_RATINGS, strict=True)}
    report = ReportVersion.objects.filter(assessment=case).order_by("-number").first()
    assert report is not None and report.author == ipslo
    assert {name: getattr(report, name) for name in ReportVersion.SECTIONS} == REPORT_TEXT
    assert set(case.visit_facilities.values_list("status", flat=True)) == {"visited"}
