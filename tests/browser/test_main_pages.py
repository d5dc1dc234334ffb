"""Every main page, as each role sees it: it answers, a screenshot is kept, and axe-core finds no serious
or critical accessibility violation.

One test per role (and one for an anonymous visitor) builds the same small world through the services,
signs in through the login form and walks the role's pages. Every page is visited even when an earlier
one fails; the test then lists every wrong status and every violation at once. Screenshots are
``artifacts/screenshots/<role>-<page>.png``.

Pages still being built elsewhere (the program dashboard, the cross-case findings list) are walked once
their URL names resolve.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from advisories import services as advisory_services
from advisories.choices import CostBorneBy, Recommendation
from assessments import services
from assessments.choices import (
    AssessmentState,
    Basis,
    EngagementKind,
    FindingMethod,
    Outcome,
    Severity,
)
from assessments.services.checklists import checklist_load_reference
from correspondence.models import Letter
from ips.api import services as api_services
from ips.celery import app as celery_app
from ips.notifications import Notice, notify
from tests.assessments.conftest import drive_to
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import login, screenshot
from tests.factories import PortFacilityFactory, PortFactory

PSA1, LANT51, IPSLO, VIEWER = "psa1", "lant51", "ipslo", "viewer"
STAFF = frozenset({PSA1, LANT51, IPSLO})
MANAGERS = frozenset({PSA1, LANT51})
EVERYONE = STAFF | {VIEWER}

ADVISORY_TEXT = {
    "title": "Conditions of entry for vessels arriving from certain countries",
    "section_a": "The Coast Guard evaluates the anti-terrorism measures of foreign ports (46 U.S.C. 70108).",
    "section_b": "The ports of the following countries do not maintain effective anti-terrorism measures.",
    "section_c": "While in those ports, vessels must carry out their Security Level 2 measures.",
    "section_d": "On arrival in the United States, such vessels will be boarded or examined.",
    "section_e": "Questions go to the International Port Security Evaluation Division.",
}


@dataclass(frozen=True)
class World:
    """The records the pages show, by id."""

    iso3: str
    case: int
    determination: int
    credible_report: int
    engagement: int
    letter: int
    advisory: int
    draft: int
    request: int


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str | None]
    """The page's address, or None when its URL name does not resolve yet."""
    roles: frozenset[str]
    status: int = 200
    settle: bool = False
    """Wait until the network is idle (a page that draws itself with data it fetches)."""


def optional_url(*names: str) -> Callable[[World], str | None]:
    """The first of ``names`` that resolves without arguments, or None (a page not built yet)."""

    def resolve(world: World) -> str | None:
        for name in names:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None

    return resolve


def case_tab(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"assessments:{name}", args=[w.case])


PAGES: tuple[Page, ...] = (
    Page("home", lambda w: reverse("home"), EVERYONE, settle=True),
    Page("dashboard", optional_url("dashboard"), MANAGERS, settle=True),
    Page("countries", lambda w: reverse("countries:list"), EVERYONE),
    Page("country", lambda w: reverse("countries:detail", args=[w.iso3]), EVERYONE),
    Page("country-edit", lambda w: reverse("countries:edit", args=[w.iso3]), frozenset({LANT51, IPSLO})),
    Page("portfolios", lambda w: reverse("countries:portfolios"), MANAGERS),
    Page("cases", lambda w: reverse("assessments:list"), STAFF),
    Page("case-plan", case_tab("detail"), STAFF),
    Page("case-team", case_tab("team"), STAFF),
    Page("case-facilities", case_tab("facilities"), STAFF),
    Page("case-checklist", case_tab("checklist"), STAFF),
    Page("case-findings", case_tab("findings"), STAFF),
    Page("case-report", case_tab("report"), STAFF),
    Page("case-history", case_tab("history"), STAFF),
    Page("case-create", lambda w: reverse("assessments:create"), frozenset({LANT51, IPSLO})),
    Page("findings", optional_url("assessments:finding_list", "assessments:findings"), STAFF),
    Page("review-queue", lambda w: reverse("assessments:queue_review"), frozenset({LANT51})),
    Page("decision-queue", lambda w: reverse("assessments:queue_decisions"), frozenset({PSA1})),
    Page("annual-plan", lambda w: reverse("assessments:plan"), MANAGERS),
    Page("determinations", lambda w: reverse("assessments:determinations"), STAFF),
    Page("determination", lambda w: reverse("assessments:determination", args=[w.determination]), STAFF),
    Page("credible-reports", lambda w: reverse("assessments:credible_reports"), STAFF),
    Page("credible-report", lambda w: reverse("assessments:credible_report", args=[w.credible_report]), STAFF),
    Page("engagements", lambda w: reverse("assessments:engagements"), STAFF),
    Page("engagement", lambda w: reverse("assessments:engagement", args=[w.engagement]), STAFF),
    Page("checklists", lambda w: reverse("assessments:checklists"), frozenset({LANT51})),
    Page("letters", lambda w: reverse("correspondence:index"), EVERYONE),
    Page("letter", lambda w: reverse("correspondence:letter", args=[w.letter]), STAFF),
    Page("advisories", lambda w: reverse("advisories:list"), EVERYONE),
    Page("advisory", lambda w: reverse("advisories:detail", args=[w.advisory]), EVERYONE),
    Page("advisory-draft", lambda w: reverse("advisories:edit", args=[w.draft]), frozenset({PSA1})),
    Page("proposals", lambda w: reverse("advisories:proposals"), MANAGERS),
    Page("escalations", lambda w: reverse("advisories:escalations"), MANAGERS),
    Page("separate-consideration", lambda w: reverse("advisories:requests"), STAFF),
    Page("separate-consideration-request", lambda w: reverse("advisories:request", args=[w.request]), STAFF),
    Page("notifications", lambda w: reverse("notifications"), EVERYONE),
    Page("calendar", lambda w: reverse("calendar"), STAFF),
    Page("api-clients", lambda w: reverse("api_clients:list"), frozenset({LANT51})),
    Page("not-found", lambda w: "/no-such-page/", EVERYONE, status=404),
)

# Each role's 403 page: a page of the application the role may not open.
FORBIDDEN = {
    PSA1: lambda w: reverse("countries:edit", args=[w.iso3]),
    LANT51: lambda w: reverse("assessments:queue_decisions"),
    IPSLO: lambda w: reverse("countries:portfolios"),
    VIEWER: lambda w: reverse("assessments:list"),
}

# An anonymous visitor's pages; their addresses are made from the advisory in force.
ANONYMOUS_PAGES: tuple[Page, ...] = (
    Page("login", lambda a: reverse("login"), frozenset()),
    Page("public-advisory", lambda a: reverse("advisories_public:index"), frozenset()),
    Page("public-advisory-number", lambda a: reverse("advisories_public:advisory", args=[a.number]), frozenset()),
    Page("public-not-found", lambda a: reverse("advisories_public:advisory", args=["99-99"]), frozenset(),
         status=404),
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def _pdf(title: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(buffer, format="PDF", title=title)
    return buffer.getvalue()


@pytest.fixture
def jobs_in_process(settings, tmp_path):
    """Celery jobs run where they are queued (even with a broker configured, as in CI); files go to tmp."""
    eager = {"task_always_eager": True, "task_eager_propagates": True}
    saved = {name: celery_app.conf.get(name) for name in eager}
    celery_app.conf.update(eager)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    celery_app.conf.update(saved)


_RENDERED: dict[str, object] = {}


@pytest.fixture
def letter_rendered_once(monkeypatch):
    """WeasyPrint renders the determination letter in the first world built; later worlds reuse that PDF.

    Rendering takes seconds and every role's test builds the same world; rendering and downloading a
    letter for real is the journey's business (test_role_journeys.py) and the correspondence tests'.
    """
    from correspondence import rendering

    real = rendering.render_letter

    def render_letter(letter):
        if "pdf" not in _RENDERED:
            _RENDERED["pdf"] = real(letter)
        return _RENDERED["pdf"]

    monkeypatch.setattr(rendering, "render_letter", render_letter)


@pytest.fixture
def advisory_in_force(users, portfolio):
    """PSA N-YY in force for a month, listing Borduria."""
    psa1 = users[PSA1]
    draft = advisory_services.advisory_draft_start(by=psa1)
    advisory_services.advisory_draft_update(advisory=draft, by=psa1, data={
        **ADVISORY_TEXT, "effective_date": timezone.localdate() - dt.timedelta(days=30),
    })
    advisory_services.advisory_listing_add(advisory=draft, by=psa1, country=portfolio["other_country"],
                                           note="Extra caution advised.")
    return advisory_services.advisory_publish(
        advisory=draft, by=psa1, published_at=timezone.now() - dt.timedelta(days=30)
    )


@pytest.fixture
def world(users, portfolio, jobs_in_process, letter_rendered_once, advisory_in_force) -> World:
    """A closed case of Atlantis with findings, evidence, an approved determination (not substantially
    implementing) and its rendered letter; the open listing proposal and the escalation that follow; the
    advisory in force (Borduria) and a draft revision; a credible report, an engagement, a
    separate-consideration request under review, an API client, notifications and a planned case."""
    psa1, lant51, ipslo = users[PSA1], users[LANT51], users[IPSLO]
    atlantis, borduria = portfolio["country"], portfolio["other_country"]
    atlantis.designated_authority = "Maritime Authority of Atlantis"
    atlantis.embassy_post = "U.S. Embassy Poseidonia"
    atlantis.save()
    checklist_load_reference()
    port = PortFactory(country=atlantis, name="Port Atlantis")
    terminals = [PortFacilityFactory(port=port, name=f"Terminal {n}") for n in (1, 2)]
    PortFacilityFactory(port=PortFactory(country=borduria, name="Port Borduria"), name="Borduria Oil Jetty")

    case = services.assessment_create(
        country=atlantis, by=ipslo, proposed_start=dt.date(2027, 3, 1), proposed_end=dt.date(2027, 3, 5),
        objective="Assess ISPS Code implementation.",
    )
    drive_to(case, AssessmentState.UNDER_REVIEW, users)
    gate = services.finding_create(assessment=case, by=ipslo, data={
        "title": "Restricted area left open", "facility": terminals[0], "reference": "ISPS Code A/14.2.4",
        "method": FindingMethod.OBSERVATION, "severity": Severity.SIGNIFICANT,
        "description": "The quay-side restricted area was open and unguarded at night.",
        "recommendation": "Lock and monitor the restricted area at all hours.",
    })
    services.evidence_add(finding=gate, by=ipslo, upload=SimpleUploadedFile("open-gate.png", _png()),
                          caption="The open gate at 02:00.")
    services.finding_create(assessment=case, by=ipslo, data={
        "title": "Designated authority not formally empowered", "reference": "SOLAS XI-2/1.11",
        "method": FindingMethod.DOCUMENT_REVIEW, "severity": Severity.DEFICIENCY,
        "description": "No instrument designating the authority was produced.",
        "recommendation": "Issue the designation order.",
    })
    determination = services.determination_recommend(
        assessment=case, by=lant51, outcome=Outcome.NOT_SUBSTANTIALLY, basis=Basis.B,
        rationale="The Code is not substantially implemented at the port.",
        effective_date=timezone.localdate() - dt.timedelta(days=100),
    )
    # The approval queues the letter's job, which runs here; it also proposes listing Atlantis.
    services.determination_approve(determination=determination, by=psa1, comment="Approved.")
    letter = Letter.objects.get(determination=determination)
    services.assessment_create(
        country=atlantis, by=ipslo, proposed_start=timezone.localdate() + dt.timedelta(days=200),
        proposed_end=timezone.localdate() + dt.timedelta(days=204), objective="Follow-up assessment.",
    )

    report = services.credible_report_record(  # on the IPSLO's country: credible reports are need to know
        country=atlantis, by=lant51, source_agency="U.S. Department of State",
        report_date=timezone.localdate() - dt.timedelta(days=10),
        summary="Port security officers at the oil jetty were not on duty during the inspection.",
    )
    engagement = services.engagement_save(by=ipslo, country=atlantis, findings=[gate], data={
        "kind": EngagementKind.CAPACITY_BUILDING, "title": "Access control workshop",
        "start_date": timezone.localdate() - dt.timedelta(days=20),
        "end_date": timezone.localdate() - dt.timedelta(days=19),
        "participants": "Maritime Authority of Atlantis\nPort Atlantis security officers",
        "summary": "Two days on access control to restricted areas.",
    })

    advisory = advisory_in_force
    next_draft = advisory_services.advisory_draft_start(by=psa1)
    request = advisory_services.separate_consideration_receive(
        facility=terminals[1], by=ipslo, received_on=timezone.localdate() - dt.timedelta(days=5),
        plan=SimpleUploadedFile("plan.pdf", _pdf("Augmented security plan")),
        report=SimpleUploadedFile("report.pdf", _pdf("RSO verification report")),
        rso_name="Harbour Assurance Ltd", rso_qualifications="Two certified lead auditors.",
        rso_independence="No commercial tie with the facility.", cost_borne_by=CostBorneBy.FACILITY,
    )
    advisory_services.separate_consideration_review(
        request=request, by=lant51, recommendation=Recommendation.ACCEPT, notes="The plan is sound.",
    )

    api_services.api_client_create(username="port-status-feed", name="Port status feed", by=lant51)
    notify([
        Notice(users[key], "mitigation_ended", f"mitigation_ended:determination:{determination.pk}",
               "Atlantis: the 90-day mitigation period ended", "Escalation is due.",
               reverse("assessments:determination", args=[determination.pk]))
        for key in (PSA1, LANT51, IPSLO)
    ] + [Notice(users[VIEWER], "advisory_published", f"advisory_published:{advisory.pk}",
                f"{advisory.label} is published", "", reverse("advisories:detail", args=[advisory.pk]))])

    return World(
        iso3=atlantis.iso3, case=case.pk, determination=determination.pk, credible_report=report.pk,
        engagement=engagement.pk, letter=letter.pk, advisory=advisory.pk, draft=next_draft.pk,
        request=request.pk,
    )


@dataclass
class Walk:
    """What went wrong on the pages walked, collected so that one run reports every page."""

    failures: list[str]
    expected_errors: set[str]

    def visit(self, page, url: str, name: str, *, status: int = 200, settle: bool = False) -> None:
        response = page.goto(url)
        answered = response.status if response is not None else None
        if status >= 400:
            self.expected_errors.add(page.url)
        if answered != status:
            self.failures.append(f"{name}: {url} answered HTTP {answered}, expected {status}")
            return
        if settle:
            page.wait_for_load_state("networkidle")
        screenshot(page, name)
        try:
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            assert_no_serious_violations(page)
        except (AssertionError, pytest.fail.Exception) as problem:
            self.failures.append(f"{name}: {problem}")


def walk_role(page, live_server, browser_log, users, world: World, role: str) -> list[str]:
    walk = Walk(failures=[], expected_errors=set())
    login(page, live_server, users[role].username)
    for spec in PAGES:
        if role not in spec.roles:
            continue
        url = spec.url(world)
        if url is None:
            continue  # the page is not built yet
        walk.visit(page, url, f"{role}-{spec.name}", status=spec.status, settle=spec.settle)
    walk.visit(page, FORBIDDEN[role](world), f"{role}-forbidden", status=403)
    unexpected = [p for p in browser_log.problems if not any(p.endswith(f" {u}") for u in walk.expected_errors)]
    return walk.failures + [f"browser: {problem}" for problem in unexpected]


@pytest.mark.parametrize("role", [PSA1, LANT51, IPSLO, VIEWER])
def test_main_pages_of_each_role(page, live_server, browser_log, users, world, role):
    failures = walk_role(page, live_server, browser_log, users, world, role)

    assert not failures, "\n".join(failures)


def test_public_and_sign_in_pages_for_an_anonymous_visitor(page, live_server, browser_log, advisory_in_force):
    walk = Walk(failures=[], expected_errors=set())
    for spec in ANONYMOUS_PAGES:
        walk.visit(page, spec.url(advisory_in_force), f"anonymous-{spec.name}", status=spec.status)
    # A page of the application sends an anonymous visitor to the sign-in page.
    page.goto(reverse("assessments:list"))
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}?next={reverse('assessments:list')}")
    unexpected = [p for p in browser_log.problems if not any(p.endswith(f" {u}") for u in walk.expected_errors)]

    assert not walk.failures + unexpected, "\n".join(walk.failures + unexpected)
