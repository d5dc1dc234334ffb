"""One journey across the roles, in a real browser, from the visit to the public advisory.

The IPSLO (team leader) records the visit and submits the report; LANT-51 reviews it and recommends
"not substantially implementing"; PSA-1 approves; the letter the outcome calls for appears, rendered to
PDF by its Celery job (run in-process here); PSA-1 accepts the listing proposal the approval raised,
starts a revision of the Port Security Advisory, sets the conditions of entry and publishes it; the
public page, which did not list the country before, now does.

Set-up goes through the services (not the UI): the users and portfolio, the reference checklist, a
case carried to "On site" with both facilities approved (as in test_visit_journey), the country's
contacts, and an advisory already in force listing another country.
"""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from PIL import Image
from playwright.sync_api import expect

from advisories import services as advisory_services
from advisories.choices import AdvisoryStatus, ProposalState
from advisories.models import ListingProposal, PortSecurityAdvisory
from assessments.choices import AssessmentState, Basis, DeterminationState, FindingMethod, Outcome, Rating, Severity
from assessments.models import Determination, Evidence, Finding, ReportVersion
from correspondence.choices import JobState, LetterKind
from correspondence.models import Letter
from ips.celery import app as celery_app
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, VIEWPORT, login, screenshot
from tests.browser.test_visit_journey import (  # noqa: F401 - on_site_case is a fixture
    add_finding,
    answer,
    on_site_case,
    open_tab,
    take_step,
)

ADVISORY_SECTIONS = {
    "section_a": "The Coast Guard evaluates the anti-terrorism measures of foreign ports (46 U.S.C. 70108).",
    "section_b": "The ports of the following countries do not maintain effective anti-terrorism measures.",
    "section_c": "While in those ports, vessels must carry out their Security Level 2 measures.",
    "section_d": "On arrival in the United States, such vessels will be boarded or examined.",
    "section_e": "Questions go to the International Port Security Evaluation Division.",
}
RECOMMENDATION = "Access to the quay-side restricted area is not controlled and the designated authority was " \
                 "never formally empowered: the Code is not substantially implemented."
LISTING_NOTE = "Vessels are advised to take extra care at the quay side."
REPORT_TEXT = {
    "introduction": "The team visited Atlantis from 2 to 6 November 2026.",
    "implementation_procedures": "The designated authority has no formal designation order.",
    "facilities_description": "Two container terminals at Port Atlantis were surveyed.",
    "future_plans": "Lock and monitor the restricted areas; issue the designation order.",
    "conclusions": "Atlantis is not substantially implementing the ISPS Code.",
}


@pytest.fixture
def jobs_in_process(settings, tmp_path):
    """Celery jobs run in the process that queues them (even when REDIS_URL names a broker, as in CI),
    and uploaded or rendered files go to a throw-away folder."""
    eager = {"task_always_eager": True, "task_eager_propagates": True}
    saved = {name: celery_app.conf.get(name) for name in eager}
    celery_app.conf.update(eager)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    celery_app.conf.update(saved)


@pytest.fixture
def advisory_in_force(users, portfolio):
    """PSA 1-YY in force, listing the other country (Borduria) only."""
    psa1 = users["psa1"]
    draft = advisory_services.advisory_draft_start(by=psa1)
    advisory_services.advisory_draft_update(advisory=draft, by=psa1, data={
        "title": "Conditions of entry for vessels arriving from certain countries",
        "effective_date": timezone.localdate() - dt.timedelta(days=30), **ADVISORY_SECTIONS,
    })
    advisory_services.advisory_listing_add(advisory=draft, by=psa1, country=portfolio["other_country"])
    return advisory_services.advisory_publish(
        advisory=draft, by=psa1, published_at=timezone.now() - dt.timedelta(days=30)
    )


@pytest.fixture
def visit_case(on_site_case):  # noqa: F811 - the fixture imported from test_visit_journey
    """The on-site case of test_visit_journey, its country given the contacts a letter is addressed to."""
    country = on_site_case.country
    country.designated_authority = "Maritime Authority of Atlantis"
    country.designated_authority_contact = "Director General A. Mariner"
    country.designated_authority_address = "1 Harbour Road\nPoseidonia"
    country.embassy_post = "U.S. Embassy Poseidonia"
    country.embassy_contact = "J. Smith"
    country.embassy_contact_title = "Economic Officer"
    country.save()
    return on_site_case


@pytest.fixture
def evidence_png(tmp_path):
    """A small, real PNG photo of the open gate."""
    path = tmp_path / "open-gate.png"
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def check_page(page, name: str) -> None:
    """Screenshot the page as ``journey-<role>-<page>`` and check its accessibility."""
    screenshot(page, f"journey-{name}")
    assert_no_serious_violations(page)


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def nav(page):
    return page.get_by_role("navigation", name="Primary navigation")


def sign_out(page, live_server, username: str) -> None:
    click_and_wait(page, nav(page).get_by_role("button", name=f"Sign out {username}"))
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def listed_countries(page):
    """The country names in section B of the public advisory."""
    return page.locator("table", has=page.locator("caption", has_text="Countries whose ports")).locator("tbody th")


def open_public_advisory(browser, live_server, problems: list[str]):
    """The public notice seen by an anonymous visitor, in a fresh context (so nothing comes from a cache)."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    public = context.new_page()
    public.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} {r.url}"))
    public.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    response = public.goto(reverse("advisories_public:index"))
    assert response is not None and response.status == 200
    expect(public.get_by_role("heading", level=1)).to_contain_text("Port Security Advisory")
    expect(public.get_by_role("navigation", name="Primary navigation")).to_have_count(0)
    return context, public


def test_visit_to_public_advisory_across_roles(page, browser, live_server, browser_log, users, jobs_in_process,
                                               visit_case, advisory_in_force, evidence_png):
    case = visit_case
    country = case.country
    ipslo, lant51, psa1 = users["ipslo"], users["lant51"], users["psa1"]
    visits = list(case.visit_facilities.select_related("facility__port").order_by("facility__name"))
    template = case.checklist_template
    facility_items = list(template.sections.get(code="A14.2").items.order_by("position"))
    government = {item.code: item for item in template.sections.get(code="1").items.all()}
    public_problems: list[str] = []

    # --- Before: the public advisory in force lists Borduria, not Atlantis. ---------------------------------
    context, public = open_public_advisory(browser, live_server, public_problems)
    expect(listed_countries(public)).to_have_text(["Borduria"])
    check_page(public, "public-advisory-before")
    context.close()

    # --- IPSLO: the visit, the finding with its evidence, the report. ---------------------------------------
    login(page, live_server, ipslo.username)
    page.goto(reverse("assessments:detail", args=[case.pk]))
    expect(page.locator(".ips-state")).to_have_text("On site")
    check_page(page, "ipslo-case-plan")

    open_tab(page, "Facilities")
    for vf in visits:
        row = page.locator(f"#vf-{vf.pk}")
        row.get_by_label("Status").select_option(label="Visited")
        row.get_by_label("Visited on").fill("2026-11-03")
        row.get_by_role("button", name=f"Save {vf.facility.name}").click()
        expect(page.locator(f"#vf-{vf.pk} .usa-tag").first).to_have_text("Visited")
    check_page(page, "ipslo-case-facilities")

    open_tab(page, "Checklist")
    answer(page, f"q{government['1.a'].pk}", Rating.MEETS)
    answer(page, f"q{government['1.c'].pk}", Rating.DOES_NOT_MEET, "No designated authority order was produced.")
    restricted_areas = facility_items[3]  # 14.2.4 monitoring restricted areas
    answer(page, f"q{facility_items[0].pk}-f{visits[1].pk}", Rating.MEETS)
    answer(page, f"q{restricted_areas.pk}-f{visits[1].pk}", Rating.DOES_NOT_MEET, "Gate found open at night.")
    check_page(page, "ipslo-case-checklist")

    open_tab(page, "Findings")
    add_finding(
        page, title="Restricted area left open", facility=visits[1].facility, item=restricted_areas,
        reference="ISPS Code A/14.2.4", method=FindingMethod.OBSERVATION, severity=Severity.SIGNIFICANT,
        description="The quay-side restricted area was open and unguarded at 02:00.",
        recommendation="Lock and monitor the restricted area at all hours.",
    )
    finding = Finding.objects.get(assessment=case)
    row = page.locator(f"#finding-{finding.pk}")
    expect(row.locator(".ips-severity")).to_have_text("Significant deficiency")
    row.locator("summary", has_text="Attach a photo or PDF").click()
    row.get_by_label("Photo or PDF").set_input_files(str(evidence_png))
    row.get_by_label("Caption").fill("The open gate at 02:00.")
    row.get_by_role("button", name=re.compile("^Upload")).click()
    expect(page.locator("#findings-announcer")).to_contain_text("open-gate.png attached to finding 1")
    expect(page.locator(f"#finding-{finding.pk}").get_by_role("link", name="open-gate.png")).to_be_visible()
    check_page(page, "ipslo-case-findings")

    take_step(page, "Finish the visit")
    expect(page.locator(".ips-state")).to_have_text("Report drafting")
    open_tab(page, "Report")
    editor = page.get_by_role("region", name="Edit the draft")
    for name, text in REPORT_TEXT.items():
        editor.get_by_label(capfirst(ReportVersion._meta.get_field(name).verbose_name), exact=True).fill(text)
    editor.get_by_role("button", name="Save draft").click()
    expect(page.locator("#report-body .usa-alert--success")).to_be_visible()
    check_page(page, "ipslo-case-report")
    take_step(page, "Submit the report for review")
    expect(page.locator(".ips-state")).to_have_text("Under review (LANT-51)")
    check_page(page, "ipslo-case-submitted")
    sign_out(page, live_server, ipslo.username)

    # --- LANT-51: the review queue, the report, the recommendation. ---------------------------------------
    login(page, live_server, lant51.username)
    click_and_wait(page, nav(page).get_by_role("link", name="Review queue"))
    queue_row = page.get_by_role("row", name=re.compile(r"^Atlantis"))
    expect(queue_row).to_contain_text("Under review (LANT-51)")
    check_page(page, "lant51-review-queue")
    click_and_wait(page, queue_row.get_by_role("link", name="Atlantis", exact=True))
    expect(page.locator(".ips-state")).to_have_text("Under review (LANT-51)")
    open_tab(page, "Report")
    expect(page.locator("#report-body")).to_contain_text(REPORT_TEXT["conclusions"])
    check_page(page, "lant51-case-report")
    open_tab(page, "Findings")
    expect(page.locator(f"#finding-{finding.pk}")).to_contain_text("Significant deficiency")
    expect(page.locator(f"#finding-{finding.pk}").get_by_role("link", name="open-gate.png")).to_be_visible()
    click_and_wait(page, page.get_by_role("region", name="Steps you can take").get_by_role(
        "link", name="Recommend a determination"))
    expect(page.get_by_role("heading", name="Recommend a determination")).to_be_visible()
    page.get_by_label("Outcome").select_option(label=Outcome.NOT_SUBSTANTIALLY.label)
    page.get_by_label("Basis").select_option(label=Basis.B.label)
    page.get_by_label("Rationale").fill(RECOMMENDATION)
    page.get_by_label("Effective date").fill(timezone.localdate().isoformat())
    check_page(page, "lant51-recommend")
    click_and_wait(page, page.get_by_role("button", name="Send the recommendation to PSA-1"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Determination: Atlantis")
    expect(page.get_by_role("status").filter(has_text="sent to PSA-1")).to_be_visible()
    expect(page.locator("main .usa-tag").first).to_have_text(re.compile(r"^Recommended"))
    expect(page.get_by_text("Only PSA-1 decides determinations.")).to_be_visible()
    check_page(page, "lant51-determination")
    sign_out(page, live_server, lant51.username)

    # --- PSA-1: the decision queue and the approval. ------------------------------------------------------
    login(page, live_server, psa1.username)
    click_and_wait(page, nav(page).get_by_role("link", name="Decisions"))
    decision_row = page.get_by_role("row", name=re.compile(r"^Atlantis"))
    expect(decision_row).to_contain_text(Outcome.NOT_SUBSTANTIALLY.label)
    check_page(page, "psa1-decision-queue")
    click_and_wait(page, decision_row.get_by_role("link", name="Atlantis", exact=True))
    expect(page.get_by_role("heading", level=2, name="Decision")).to_be_visible()
    check_page(page, "psa1-determination")
    approve = page.locator("form", has=page.get_by_role("group", name="Approve"))
    approve.get_by_label("Comment (optional)").fill("Approved: list Atlantis on the next advisory.")
    click_and_wait(page, approve.get_by_role("button", name="Approve the determination"))
    expect(page.get_by_role("status").filter(has_text="The determination was approved")).to_be_visible()
    expect(page.locator("main .usa-tag").first).to_have_text("Approved")
    check_page(page, "psa1-determination-approved")

    # --- The letter: written and rendered by its job on the approval, listed, downloadable. -------------------
    click_and_wait(page, nav(page).get_by_role("link", name="Letters"))
    letter_row = page.get_by_role("row").filter(has_text=LetterKind.NON_COMPLIANCE.label)
    expect(letter_row).to_have_count(1)
    expect(letter_row).to_contain_text("Atlantis")
    expect(letter_row).to_contain_text("Ready")
    check_page(page, "psa1-letters")
    letter = Letter.objects.get(country=country, kind=LetterKind.NON_COMPLIANCE)
    click_and_wait(page, letter_row.get_by_role("link", name=letter.reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{letter.reference}: {LetterKind.NON_COMPLIANCE.label}")
    expect(page.locator("#job-state")).to_contain_text("PDF ready")
    download = page.locator("#job-state").get_by_role("link", name=re.compile(f"^Download {letter.reference}"))
    check_page(page, "psa1-letter")
    pdf = page.request.get(download.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    # --- The advisory: accept the proposal, draft the revision, set the conditions of entry, publish. ---------
    click_and_wait(page, nav(page).get_by_role("link", name="Advisories"))
    subnav = page.get_by_role("navigation", name="Advisories pages")
    check_page(page, "psa1-advisories")
    click_and_wait(page, subnav.get_by_role("link", name="Listing proposals"))
    proposal_row = page.get_by_role("row", name=re.compile(r"^Atlantis"))
    expect(proposal_row).to_contain_text("List the country")
    check_page(page, "psa1-proposals")
    proposal_row.get_by_label("Note on Atlantis").fill("Listed on the determination just approved.")
    click_and_wait(page, proposal_row.get_by_role("button", name="Accept"))
    expect(page.get_by_role("status").filter(has_text="The proposal for Atlantis was accepted")).to_be_visible()
    click_and_wait(page, page.get_by_role("button", name="Start a new revision with them"))

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Draft revision of {advisory_in_force.label}")
    listing = page.get_by_role("region", name="Atlantis (XAX)")
    expect(listing.get_by_label("Conditions of entry apply")).to_be_checked()
    listing.get_by_label("Public note").fill(LISTING_NOTE)
    click_and_wait(page, listing.get_by_role("button", name="Save Atlantis"))
    expect(page.get_by_role("status").filter(has_text="The listing of Atlantis was saved")).to_be_visible()
    text_form = page.locator("form", has=page.get_by_role("button", name="Save the draft"))
    text_form.get_by_label("Effective date", exact=True).fill(timezone.localdate().isoformat())
    click_and_wait(page, text_form.get_by_role("button", name="Save the draft"))
    expect(page.get_by_role("status").filter(has_text="The draft was saved")).to_be_visible()
    check_page(page, "psa1-advisory-draft")
    click_and_wait(page, page.get_by_role("button", name="Publish this revision"))
    published = PortSecurityAdvisory.objects.get(status=AdvisoryStatus.IN_FORCE)
    expect(page.get_by_role("status").filter(has_text=f"{published.label} is published")).to_be_visible()
    listings = page.locator("table", has=page.locator("caption", has_text="Conditions of entry apply"))
    listed = listings.locator("tbody tr")
    expect(listed).to_have_count(2)
    expect(listed.filter(has_text="Atlantis (XAX)")).to_contain_text("Yes")
    check_page(page, "psa1-advisory-published")

    # --- After: the anonymous public page lists Atlantis, with conditions of entry. ---------------------------
    context, public = open_public_advisory(browser, live_server, public_problems)
    expect(public.get_by_role("heading", level=1)).to_have_text(f"Port Security Advisory ({published.number})")
    expect(listed_countries(public)).to_have_text([re.compile(r"^Atlantis"), "Borduria"])
    expect(listed_countries(public).first).to_contain_text(LISTING_NOTE)
    atlantis = public.get_by_role("row", name=re.compile(r"^Atlantis"))
    expect(atlantis.get_by_role("cell")).to_have_text(["XAX", "Yes", re.compile(r"\d"), "None"])
    check_page(public, "public-advisory-after")
    context.close()

    assert browser_log.problems == []
    assert public_problems == []
    case.refresh_from_db()
    assert case.state == AssessmentState.CLOSED
    determination = Determination.objects.get(assessment=case)
    assert (determination.state, determination.outcome, determination.basis) == (
        DeterminationState.APPROVED, Outcome.NOT_SUBSTANTIALLY, Basis.B)
    assert (determination.recommended_by, determination.decided_by) == (lant51, psa1)
    assert finding.severity == Severity.SIGNIFICANT
    assert Evidence.objects.get(finding=finding).content_type == "image/png"
    letter.refresh_from_db()
    assert letter.job_state == JobState.READY and letter.is_fouo
    assert ListingProposal.objects.get(country=country).state == ProposalState.ACCEPTED
    assert set(published.listings.values_list("country__name", flat=True)) == {"Atlantis", "Borduria"}
    assert published.supersedes == advisory_in_force
