"""The Content-Security-Policy: on every page of every role, with a fresh nonce that every script and style
element carries; and no template holds what the policy would refuse (inline handlers, style attributes,
javascript: URLs, script or style elements without the nonce)."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from advisories import services as advisory_services
from assessments import services as case_services
from assessments.choices import AssessmentState
from assessments.services.checklists import checklist_load_reference
from tests.assessments.conftest import drive_to
from tests.factories import PortFacilityFactory, PortFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Letters are HTML only on their way to WeasyPrint (correspondence/rendering.py); no browser loads them.
PDF_ONLY_TEMPLATES = TEMPLATES / "correspondence" / "letters"
ROLES = ("psa1", "lant51", "ipslo", "viewer")
# Addresses a crawl does not follow: signing out is a form post; the admin has its own test below.
NOT_CRAWLED = ("/accounts/logout/", "/admin/", "/static/")
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


# --- reading a page ----------------------------------------------------------------------------------------


class _Elements(HTMLParser):
    """The script and style elements of a page (their attributes), the addresses of its links, and any
    attribute the policy refuses (an inline event handler, a style attribute, a javascript: URL)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.styles: list[dict] = []
        self.links: list[str] = []
        self.refused: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style" or (value or "").strip().lower().startswith("javascript:"):
                self.refused.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "style":
            self.styles.append(attributes)
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def parse(html: str) -> _Elements:
    elements = _Elements()
    elements.feed(html)
    return elements


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def policy_problems(response, label: str) -> list[str]:
    """What is wrong with an HTML page's policy and its elements; empty when all is well."""
    if "Content-Security-Policy" not in response:
        return [f"{label}: no Content-Security-Policy header"]
    found = NONCE.search(" ".join(directives(response).get("script-src", [])))
    if not found:
        return [f"{label}: no nonce in script-src"]
    nonce = found.group(1)
    page = parse(response.content.decode())
    problems = [f"{label}: a <script> without the nonce: {attrs}" for attrs in page.scripts
                if attrs.get("nonce") != nonce and attrs.get("type") != "application/json"]
    problems += [f"{label}: a <style> without the nonce" for attrs in page.styles if attrs.get("nonce") != nonce]
    problems += [f"{label}: {refused}" for refused in page.refused]
    return problems


def is_html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def crawl(client, start: str, *, limit: int = 120) -> dict[str, object]:
    """Follow the links from ``start``, one page per URL pattern: {path: response}."""
    seen_patterns: set[str] = set()
    pages: dict[str, object] = {}
    queue = deque([start])
    while queue and len(pages) < limit:
        path = queue.popleft()
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        if match.route in seen_patterns:
            continue
        seen_patterns.add(match.route)
        response = client.get(path)
        pages[path] = response
        if is_html(response):
            for href in parse(response.content.decode()).links:
                target = urlsplit(href)
                if not target.scheme and target.path.startswith("/") and not target.path.startswith(NOT_CRAWLED):
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


# --- the data the pages show ---------------------------------------------------------------------------------


@pytest.fixture
def world(users, portfolio, settings, tmp_path):
    """A case of Atlantis under review with its facilities and report, and a published advisory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    checklist_load_reference()
    port = PortFactory(country=portfolio["country"], name="Port Atlantis")
    for n in (1, 2):
        PortFacilityFactory(port=port, name=f"Terminal {n}")
    case = case_services.assessment_create(
        country=portfolio["country"], by=users["ipslo"], proposed_start=dt.date(2027, 3, 1),
        proposed_end=dt.date(2027, 3, 5), objective="Assess ISPS Code implementation.",
    )
    drive_to(case, AssessmentState.UNDER_REVIEW, users)
    draft = advisory_services.advisory_draft_start(by=users["psa1"])
    advisory_services.advisory_draft_update(advisory=draft, by=users["psa1"], data={
        "title": "Conditions of entry", "section_a": "Background.", "section_b": "Listed countries.",
        "section_c": "Measures.", "section_d": "Arrival.", "section_e": "Contact.",
        "effective_date": timezone.localdate() - dt.timedelta(days=30),
    })
    advisory_services.advisory_listing_add(advisory=draft, by=users["psa1"], country=portfolio["other_country"])
    advisory = advisory_services.advisory_publish(advisory=draft, by=users["psa1"])
    return {"case": case, "advisory": advisory}


# --- the policy ----------------------------------------------------------------------------------------------


def test_the_policy_allows_only_this_site_and_the_nonce(client):
    response = client.get(reverse("login"))
    policy = directives(response)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and NONCE.fullmatch(policy["script-src"][1])
    assert policy["style-src"][0] == "'self'" and NONCE.fullmatch(policy["style-src"][1])
    assert policy["style-src"][1] == policy["script-src"][1]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_page_check_finds_scripts_and_styles_without_the_nonce():
    response = HttpResponse('<script src="/static/x.js"></script><script nonce="abc">go()</script>'
                            '<script type="application/json">{}</script><style>.x {}</style>'
                            '<select onchange="this.form.submit()"></select><p style="color: red">'
                            '<a href=" JavaScript:go()">Go</a>')
    response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'nonce-abc'"

    assert policy_problems(response, "/p/") == [
        "/p/: a <script> without the nonce: {'src': '/static/x.js'}", "/p/: a <style> without the nonce",
        "/p/: <select onchange='this.form.submit()'>", "/p/: <p style='color: red'>",
        "/p/: <a href=' JavaScript:go()'>"]
    del response["Content-Security-Policy"]
    assert policy_problems(response, "/p/") == ["/p/: no Content-Security-Policy header"]


def test_the_nonce_changes_with_every_response_and_the_scripts_carry_it(client, users):
    client.force_login(users["ipslo"])

    first, second = client.get(reverse("home")), client.get(reverse("home"))

    nonces = [NONCE.search(r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        scripts = parse(response.content.decode()).scripts
        assert len(scripts) >= 3  # uswds-init, htmx, uswds
        assert {attrs["nonce"] for attrs in scripts} == {nonce}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_from_home_has_the_policy_and_the_nonce(client, users, world, role):
    client.force_login(users[role])

    pages = crawl(client, reverse("home"))

    html = {path: response for path, response in pages.items() if is_html(response)}
    assert len(html) >= 8, sorted(pages)  # the crawl did reach the role's pages
    problems = [problem for path, response in html.items() for problem in policy_problems(response, path)]
    problems += [f"{path}: HTTP {r.status_code} without the policy" for path, r in pages.items()
                 if "Content-Security-Policy" not in r]
    assert not problems, "\n".join(problems)


def test_the_crawl_reaches_the_pages_that_bring_their_own_scripts(client, users, world):
    """The report (its print button) and the program dashboard (its world map) are among the pages checked."""
    client.force_login(users["lant51"])

    pages = crawl(client, reverse("home"))

    scripts = {path: [attrs.get("src", "") for attrs in parse(r.content.decode()).scripts]
               for path, r in pages.items() if is_html(r)}
    report = reverse("assessments:report", args=[world["case"].pk])
    assert any(src.endswith("js/print-button.js") for src in scripts[report])
    assert b"data-print>Print the saved draft</button>" in pages[report].content
    assert any(src.endswith("js/world-map.js") for sources in scripts.values() for src in sources)


def test_public_pages_error_pages_and_sign_in_have_the_policy_and_the_nonce(client, world):
    advisory = world["advisory"]
    paths = [reverse("login"), reverse("advisories_public:index"),
             reverse("advisories_public:advisory", args=[advisory.number]), "/no-such-page/"]

    problems = []
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        problems += policy_problems(response, path)

    assert not problems, "\n".join(problems)


def test_the_api_documentation_carries_the_nonce_and_only_redoc_may_start_a_blob_worker(client, users):
    client.force_login(users["lant51"])

    swagger, redoc = client.get(reverse("api-docs")), client.get(reverse("api-redoc"))

    for response in (swagger, redoc):
        assert response.status_code == 200
        assert not policy_problems(response, response.wsgi_request.path)
        assert "fonts.googleapis.com" not in response.content.decode()
    assert "worker-src" not in directives(swagger)
    assert directives(redoc)["worker-src"] == ["'self'", "blob:"]
    for response in (swagger, redoc):  # otherwise the site's policy, unchanged
        policy = directives(response)
        assert [policy["script-src"][0], policy["style-src"][0], policy["img-src"]] == ["'self'", "'self'",
                                                                                       ["'self'", "data:"]]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_admin_has_the_policy(client, db):
    admin = UserFactory(username="site-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)

    for path in ("/admin/", "/admin/auth/group/", "/admin/auth/group/add/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "unsafe-inline" not in response["Content-Security-Policy"]


# --- the templates -------------------------------------------------------------------------------------------

# Attributes and elements the policy refuses, as they would appear in a template.
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+)\s*=", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
ELEMENT = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
TEMPLATE_NONCE = re.compile(r"""\snonce=["']\{\{ CSP_NONCE \}\}["']""")
DATA_BLOCK = re.compile(r"""\stype=["']application/(ld\+)?json["']""")


def template_problems(text: str) -> list[str]:
    """What the policy would refuse in a template's text."""
    text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.DOTALL)
    problems = [f"inline event handler {m.group(1)}=" for m in EVENT_HANDLER.finditer(text)]
    problems += ["style= attribute" for _ in STYLE_ATTRIBUTE.finditer(text)]
    problems += ["javascript: URL" for _ in JAVASCRIPT_URL.finditer(text)]
    problems += [f"<{m.group(1)}> without the nonce" for m in ELEMENT.finditer(text)
                 if not TEMPLATE_NONCE.search(m.group(2)) and not DATA_BLOCK.search(m.group(2))]
    return problems


def page_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if PDF_ONLY_TEMPLATES not in p.parents)


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_holds_what_the_policy_refuses(template):
    assert template_problems(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("snippet", "problem"), [
    ('<button type="button" onclick="window.print()">Print</button>', "inline event handler onclick="),
    ('<img src="x.png" alt=""\n     onerror="steal()">', "inline event handler onerror="),
    ('<div class="x" style="width: 40%">', "style= attribute"),
    ('<a href="javascript:void(0)">Go</a>', "javascript: URL"),
    ("<script>alert(1)</script>", "<script> without the nonce"),
    ('<script src="{% static \'js/x.js\' %}"></script>', "<script> without the nonce"),
    ("<style>.x { color: red }</style>", "<style> without the nonce"),
])
def test_the_template_check_finds_each_kind_of_problem(snippet, problem):
    assert template_problems(snippet) == [problem]


def test_the_template_check_accepts_nonces_data_blocks_and_htmx_attributes():
    fine = """<script nonce="{{ CSP_NONCE }}" src="/static/js/x.js" defer></script>
    <style nonce="{{ CSP_NONCE }}">.x { color: red }</style>
    {{ data|json_script:"map-data" }}<script type="application/json" id="d">{}</script>
    <button hx-post="/x/" hx-confirm="Delete?" data-print>Print</button>
    {# an onclick= in a comment is not markup #}"""

    assert template_problems(fine) == []


def test_letter_templates_are_only_rendered_to_pdf():
    """The letters keep their <style> (a FOUO page marking): they are WeasyPrint input, never a page."""
    from correspondence import rendering

    apps = ("ips", "countries", "assessments", "correspondence", "advisories")
    users_of_letters = [
        p for app in apps for p in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if "correspondence/letters/" in p.read_text(encoding="utf-8")
    ]
    assert users_of_letters == [Path(rendering.__file__)]
