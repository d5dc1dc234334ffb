"""The Content-Security-Policy in Chromium: the browser log catches what the policy refuses, and the pages
that bring their own scripts (the API documentation, the Django admin) still work under it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="site-admin", is_staff=True, is_superuser=True)


def test_the_browser_log_reports_an_inline_script_the_policy_refuses(page, live_server, browser_log):
    page.goto("/accounts/login/")

    page.evaluate("""() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true;";
      document.head.appendChild(script);
    }""")

    assert page.evaluate("() => window.injected") is None
    assert browser_log.csp_violations and "Content Security Policy" in browser_log.csp_violations[0]
    assert browser_log.problems == browser_log.csp_violations


def test_the_print_button_opens_the_print_dialog_without_an_inline_handler(page, live_server, browser_log):
    page.goto("/accounts/login/")
    page.evaluate("""() => {
      window.printed = 0;
      window.print = () => { window.printed += 1; };
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.print = "";
      button.textContent = "Print";
      document.querySelector("main").appendChild(button);
    }""")
    page.add_script_tag(url="/static/js/print-button.js")

    page.get_by_role("button", name="Print").click()

    assert page.evaluate("() => window.printed") == 1
    assert browser_log.problems == []


def test_swagger_ui_renders_the_operations(page, live_server, browser_log, users):
    login(page, live_server, users["lant51"].username)

    page.goto("/api/v1/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("IPS Case Manager API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert browser_log.problems == []


def test_redoc_renders_the_operations_and_fetches_nothing_from_a_cdn(page, live_server, browser_log, users):
    login(page, live_server, users["lant51"].username)

    page.goto("/api/v1/redoc/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("IPS Case Manager API")
    expect(page.locator("[data-section-id^='operation/']").first).to_be_attached()
    # The search runs in its blob: worker (allowed on this page only).
    page.get_by_placeholder("Search...").fill("advisories")
    expect(page.locator("[role=search] li").first).to_be_visible()
    # Refused on purpose (ips/api/docs.py): the logo from Redocly's CDN and the scroll-bar stylesheet that
    # the bundle injects without a nonce. Nothing else.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    unexpected = [
        problem for problem in browser_log.problems
        if logo not in problem and not ("style-src" in problem and "inline style" in problem)
    ]
    assert unexpected == []
    assert not [v for v in browser_log.csp_violations if "worker" in v.lower()]


def test_the_django_admin_works_under_the_policy(page, live_server, browser_log, superuser):
    login(page, live_server, superuser.username)

    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # The theme toggle is the admin's own script.
    page.get_by_role("button", name="Toggle theme").first.click()

    # A change form with the two-box permission picker (SelectFilter2.js) and its filter box.
    page.goto("/admin/auth/group/add/")
    page.get_by_label("Name:").fill("Auditors")
    expect(page.locator("#id_permissions_input")).to_be_visible()
    page.locator("#id_permissions_input").fill("view letter")
    page.locator("#id_permissions_from option").first.dblclick()
    expect(page.locator("#id_permissions_to option")).to_have_count(1)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Auditors")

    # A change list with its actions bar and filters.
    page.goto("/admin/auth/group/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_have_text(re.compile(r"^\s*(\d+) of \1 selected"))
    page.goto("/admin/correspondence/letter/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert browser_log.problems == []
