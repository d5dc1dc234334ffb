"""The USWDS shell in a real browser: signing in and out, navigation by role, keyboard use, accessibility."""

import re

import pytest
from playwright.sync_api import expect

from countries.choices import NodeCode
from ips.roles import Role
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import PASSWORD, login, screenshot
from tests.factories import CountryFactory, NodeFactory, UserFactory

USWDS_PRIMARY_BLUE = "rgb(0, 94, 162)"  # USWDS "primary" (#005ea2), the default button colour
USWDS_BANNER_GRAY = "rgb(240, 240, 240)"  # USWDS "base-lightest" (#f0f0f0), the banner background

# The foundation's navigation (issue 2: navigation by role; DOMAIN section 2): the links each role sees,
# and those it must not see. Later features add links of their own after these.
NAVIGATION_BY_ROLE = {
    Role.PSA1: (["Home", "Countries", "Portfolios"], []),
    Role.LANT51: (["Home", "Countries", "Portfolios"], []),
    Role.IPSLO: (["Home", "Countries"], ["Portfolios"]),
    Role.VIEWER: (["Home", "Countries"], ["Portfolios"]),
}

# Each role's home page is its dashboard; a Viewer gets the shortcuts page.
HOME_HEADING = {
    Role.PSA1: "Waiting for PSA-1",
    Role.LANT51: "Program dashboard",
    Role.IPSLO: "My portfolio and cases",
    Role.VIEWER: "Welcome, Alex Mercer",
}


def primary_nav(page):
    return page.get_by_role("navigation", name="Primary navigation")


def make_user(username: str, role: str | None = None):
    node = NodeFactory(code=NodeCode.ACTEUR) if role == Role.IPSLO else None
    return UserFactory(username=username, role=role, node=node, first_name="Alex", last_name="Mercer")


def test_login_page_is_styled_by_uswds_and_loads_cleanly(page, live_server, browser_log):
    page.goto("/accounts/login/")

    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # The USWDS stylesheet served from node_modules is applied, and its script has run.
    expect(page.get_by_role("button", name="Sign in")).to_have_css("background-color", USWDS_PRIMARY_BLUE)
    expect(page.locator(".usa-banner")).to_have_css("background-color", USWDS_BANNER_GRAY)
    assert page.evaluate("() => window.uswdsPresent === true"), "uswds.min.js did not run"
    assert browser_log.problems == []
    screenshot(page, "login")
    assert_no_serious_violations(page)


@pytest.mark.parametrize("role", list(NAVIGATION_BY_ROLE), ids=lambda r: str(r).lower())
def test_each_role_signs_in_and_sees_its_navigation(page, live_server, browser_log, role):
    user = make_user(f"user-{str(role).lower()}", role)

    login(page, live_server, user.username)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING[role])
    if role == Role.VIEWER:
        expect(page.locator(".usa-intro")).to_contain_text(f"Signed in as {role}")
    nav = primary_nav(page)
    shown, hidden = NAVIGATION_BY_ROLE[role]
    labels = nav.get_by_role("link").all_inner_texts()
    assert [label for label in labels if label in shown] == shown
    assert not set(hidden) & set(labels)
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("button", name=f"Sign out {user.username}")).to_be_visible()
    assert browser_log.problems == []
    screenshot(page, f"home-{str(role).lower()}")
    assert_no_serious_violations(page)


@pytest.mark.parametrize("role", list(NAVIGATION_BY_ROLE), ids=lambda r: str(r).lower())
def test_every_navigation_link_opens_for_the_role_that_sees_it(page, live_server, role):
    login(page, live_server, make_user(f"walker-{str(role).lower()}", role).username)

    links = primary_nav(page).get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]

    assert hrefs
    answers = {href: page.request.get(href, max_redirects=0).status for href in hrefs}
    assert answers == dict.fromkeys(hrefs, 200)


def test_user_without_a_role_sees_only_home_and_is_told_why(page, live_server):
    user = make_user("no-role-yet")

    login(page, live_server, user.username)

    expect(primary_nav(page).get_by_role("link")).to_have_text(["Home"])
    expect(page.locator(".usa-intro")).to_contain_text("no program role yet")
    screenshot(page, "home-no-role")
    assert_no_serious_violations(page)


@pytest.mark.parametrize("signed_in", [False, True], ids=["login-page", "home-page"])
def test_skip_link_takes_keyboard_focus_to_main_content(page, live_server, signed_in):
    if signed_in:
        login(page, live_server, make_user("keyboard-user", Role.VIEWER).username)
    else:
        page.goto("/accounts/login/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    # Hidden above the page until focused, then it slides into view (a short CSS transition).
    page.wait_for_function("() => document.activeElement.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")

    expect(page.locator("main#main-content")).to_be_focused()
    # The next Tab continues inside the main content, past the header and navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_sign_out_ends_the_session(page, live_server):
    user = make_user("leaving", Role.LANT51)
    login(page, live_server, user.username)

    with page.expect_navigation():
        primary_nav(page).get_by_role("button", name=f"Sign out {user.username}").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(primary_nav(page)).to_have_count(0)
    screenshot(page, "signed-out")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_wrong_password_shows_the_error_and_does_not_sign_in(page, live_server):
    user = make_user("careful", Role.IPSLO)

    login(page, live_server, user.username, PASSWORD + "-wrong")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value(user.username)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(primary_nav(page)).to_have_count(0)
    screenshot(page, "login-wrong-password")
    assert_no_serious_violations(page)
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_viewer_reaches_the_country_list_from_the_navigation(page, live_server):
    CountryFactory(name="Atlantis", node=NodeFactory(code=NodeCode.ACTEUR))
    user = make_user("reader", Role.VIEWER)
    login(page, live_server, user.username)

    with page.expect_navigation():
        primary_nav(page).get_by_role("link", name="Countries").click()

    expect(page).to_have_url(f"{live_server.url}/countries/")
    expect(page.get_by_role("heading", level=1, name="Countries")).to_be_visible()
    screenshot(page, "country-list-viewer")
    assert_no_serious_violations(page)
