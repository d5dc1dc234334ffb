"""Signing in, in a real browser: the code page, setting up an authenticator app, the lockout page. Each page
is checked by axe-core, loads without errors or Content-Security-Policy violations, and is kept as a
screenshot."""

import re

from django_otp.oath import TOTP
from playwright.sync_api import expect

from ips.accounts import services
from ips.roles import Role
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import PASSWORD, screenshot
from tests.factories import UserFactory
from tests.two_factor import authenticator_for, code_for


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_psa1_signs_in_with_password_then_code(page, live_server, browser_log):
    psa1 = UserFactory(username="chief", role=Role.PSA1, first_name="Kate", last_name="Mercer")
    app = authenticator_for(psa1)
    page.goto("/accounts/login/?next=/countries/")
    page.get_by_label("Username").fill(psa1.username)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Sign in")

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(page.get_by_text("Enter the 6-digit code from your authenticator app, or a recovery code")).to_be_visible()
    expect(page.get_by_role("navigation", name="Primary navigation")).to_have_count(0)
    screenshot(page, "sign-in-code")
    assert_no_serious_violations(page)
    page.get_by_label("Code").fill(code_for(app))
    submit(page, "Verify")

    expect(page).to_have_url(f"{live_server.url}/countries/")
    assert browser_log.problems == []


def test_an_ipslo_sets_up_an_authenticator_app(page, live_server, browser_log):
    UserFactory(username="liaison", role=Role.IPSLO, first_name="Sam", last_name="Lind")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("liaison")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Sign in")
    with page.expect_navigation():
        page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    screenshot(page, "my-account-off")
    assert_no_serious_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    screenshot(page, "two-factor-set-up")
    assert_no_serious_violations(page)
    secret = page.locator("#totp-secret").inner_text()
    code = f"{TOTP(bytes.fromhex(services.totp_key_from_base32(secret))).token():06d}"
    page.get_by_label("Code from your app").fill(code)
    submit(page, "Turn on two-factor sign-in")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".ips-recovery-codes li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    assert_no_serious_violations(page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("continue")).click()
    expect(page.get_by_text("You sign in with your password and a code from your authenticator app.")).to_be_visible()
    assert browser_log.problems == []


def test_the_lockout_page(page, live_server):
    UserFactory(username="target", role=Role.VIEWER)
    page.goto("/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("target")
        page.get_by_label("Password").fill("not-the-password")
        submit(page, "Sign in")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page.get_by_role("alert")).to_contain_text("signing in is locked for 15 minutes")
    screenshot(page, "sign-in-locked")
    assert_no_serious_violations(page)
