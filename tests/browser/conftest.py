"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every test in this folder is marked ``browser``. The browser is the system Chromium (installed by
``scripts/setup.sh --test``); the test tool never downloads one. Screenshots go to
``artifacts/screenshots/`` at the repository root so a reviewer can look at them after a run.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from ips.accounts.services import second_factor_required
from ips.models import User
from ips.roles import Role
from tests.two_factor import authenticator_for, code_for

# Playwright's sync API keeps an asyncio loop in this thread; the ORM calls the tests make for their
# set-up are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
PASSWORD = "correct-horse-battery"
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_TIMEOUT_MS = 15_000

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_driver():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; run `scripts/setup.sh --test` as root to install it.")
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver):
    # launch() gives every run a fresh, throw-away user-data directory.
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """The role groups a data migration creates; a transactional test's flush removes them, so put them back."""
    for name in Role.values:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    browser_page = context.new_page()
    yield browser_page
    context.close()


@dataclass
class BrowserLog:
    """What went wrong in the page while a test ran: HTTP errors, failed requests, script errors and
    anything the Content-Security-Policy refused."""

    failed_responses: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.failed_responses + self.failed_requests + self.page_errors + self.csp_violations


@pytest.fixture
def browser_log(page) -> BrowserLog:
    log = BrowserLog()

    def on_response(response):
        if response.status >= 400:
            log.failed_responses.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def on_request_failed(request):
        log.failed_requests.append(f"{request.failure} {request.method} {request.url}")

    def on_page_error(error):
        log.page_errors.append(f"script error: {error}")

    def on_console(message):
        # Chromium reports what the policy refused as a console error ("Refused to ... because it
        # violates the following Content Security Policy directive ...").
        if message.type == "error" and "Content Security Policy" in message.text:
            log.csp_violations.append(f"CSP violation on {page.url}: {message.text}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", on_page_error)
    page.on("console", on_console)
    return log


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the answer to load.

    A user whose role requires two-factor sign-in is given an authenticator app first (as if set up
    earlier); when the second page asks for the code, the app's current code is entered.
    """
    user = User.objects.filter(username=username).first()
    if user is not None and second_factor_required(user):
        authenticator_for(user)
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response is not None and response.ok, f"the login page answered HTTP {response and response.status}"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    answer = navigation.value
    assert answer is not None and answer.status < 500, f"signing in answered HTTP {answer and answer.status}"
    if page.url.startswith(f"{live_server.url}/accounts/login/verify/"):
        page.get_by_label("Code").fill(code_for(authenticator_for(user)))
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Verify").click()
        answer = navigation.value
        assert answer is not None and answer.status < 500, f"the code answered HTTP {answer and answer.status}"


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under artifacts/screenshots/ and return its path."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
