"""Password guessing: lockout per account and per address, on the sign-in page and the admin's; the page a
locked-out person sees; the records it leaves; the end of a lockout."""

import datetime as dt
import io
import logging

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ips.accounts.network import client_ip_address
from tests.ips.accounts.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
ADMIN_LOGIN = "/admin/login/"


def fail(client, username: str, times: int, **extra):
    return [sign_in(client, username, WRONG, **extra).status_code for _ in range(times)]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked_page(response, minutes: int = 15):
    assert response.status_code == 429
    assert response["Retry-After"] == str(minutes * 60)
    html = response.content.decode()
    assert "<h1>Sign-in locked</h1>" in html and 'class="usa-alert usa-alert--error"' in html
    assert f"signing in is locked for {minutes} minutes" in html
    assert "try again after" in html
    assert "contact the IPS Case Manager administrator (via LANT-51)" in html


def test_the_fifth_wrong_password_locks_the_account(client, users, caplog):
    viewer = users["viewer"]
    caplog.set_level(logging.WARNING, logger="ips.accounts")

    assert fail(client, viewer.username, 4) == [200] * 4
    fifth = sign_in(client, viewer.username, WRONG)

    assert_locked_page(fifth)
    ends_at = AccessAttempt.objects.get(username=viewer.username).attempt_time + dt.timedelta(minutes=15)
    assert timezone.localtime(ends_at).strftime("%-I:%M %p") in fifth.content.decode()
    # Even the right password is refused now.
    assert_locked_page(sign_in(client, viewer.username))
    assert not signed_in(client)
    # The records: axes' attempt and failure log, and a log line.
    assert AccessAttempt.objects.get(username=viewer.username).failures_since_start == 5
    failures = AccessFailureLog.objects.filter(username=viewer.username).order_by("attempt_time")
    assert [f.locked_out for f in failures] == [False] * 4 + [True]
    assert any("Sign-in locked out" in r.getMessage() and "'viewer'" in r.getMessage() for r in caplog.records)
    # The password never reaches axes' records.
    assert PASSWORD not in AccessAttempt.objects.get().post_data and WRONG not in AccessAttempt.objects.get().post_data


def test_wrong_passwords_before_the_limit_say_only_that(client, users):
    response = sign_in(client, users["viewer"].username, WRONG)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_the_account_is_locked_whatever_the_address(client, users):
    lant51 = users["lant51"]
    for n in range(5):
        sign_in(client, lant51.username, WRONG, REMOTE_ADDR=f"198.51.100.{n + 1}")

    assert_locked_page(sign_in(client, lant51.username, REMOTE_ADDR="203.0.113.77"))
    assert not signed_in(client)


def test_one_address_is_locked_whatever_the_account(client, users):
    for role in ("psa1", "lant51", "ipslo", "other_ipslo", "norole"):
        sign_in(client, users[role].username, WRONG, REMOTE_ADDR="198.51.100.9")

    assert_locked_page(sign_in(client, users["viewer"].username, REMOTE_ADDR="198.51.100.9"))
    # The same account from another address signs in.
    assert sign_in(client, users["viewer"].username, REMOTE_ADDR="198.51.100.10").status_code == 302
    assert signed_in(client)


def test_the_admin_login_locks_out_too(client, users, superuser):
    for _ in range(4):
        assert client.post(ADMIN_LOGIN, {"username": superuser.username, "password": WRONG}).status_code == 200

    fifth = client.post(ADMIN_LOGIN, {"username": superuser.username, "password": WRONG})

    assert_locked_page(fifth)
    assert_locked_page(client.post(ADMIN_LOGIN, {"username": superuser.username, "password": PASSWORD}))
    # One count across both forms: the sign-in page is locked for that account as well.
    assert_locked_page(sign_in(client, superuser.username))


def test_failures_on_both_forms_add_up(client, users):
    viewer = users["viewer"]
    fail(client, viewer.username, 3)
    for _ in range(2):
        client.post(ADMIN_LOGIN, {"username": viewer.username, "password": WRONG})

    assert_locked_page(sign_in(client, viewer.username))


def test_the_lockout_ends_after_the_cool_off(client, users):
    viewer = users["viewer"]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, viewer.username, 5)
        clock.shift(dt.timedelta(minutes=14))
        assert_locked_page(sign_in(client, viewer.username))
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert sign_in(client, viewer.username).status_code == 302
    assert signed_in(client)


def test_the_cool_off_and_the_limit_are_settings(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=2)
    viewer = users["viewer"]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert fail(client, viewer.username, 2) == [200, 200]
        assert_locked_page(sign_in(client, viewer.username, WRONG), minutes=2)
        clock.shift(dt.timedelta(minutes=2, seconds=1))
        assert sign_in(client, viewer.username).status_code == 302


@pytest.mark.parametrize("command, argument", [
    ("axes_reset_username", "viewer"),
    ("axes_reset_ip", "127.0.0.1"),
    ("axes_reset", None),
])
def test_an_administrator_lifts_the_lock(client, users, command, argument):
    fail(client, users["viewer"].username, 5)
    assert_locked_page(sign_in(client, users["viewer"].username))

    call_command(command, *([argument] if argument else []), stdout=io.StringIO())

    assert sign_in(client, users["viewer"].username).status_code == 302
    assert signed_in(client)


def test_signing_in_forgets_only_the_users_own_failures(client, users):
    viewer = users["viewer"]
    fail(client, viewer.username, 4)
    assert sign_in(client, viewer.username).status_code == 302
    client.logout()
    # Viewer's own four are forgotten: four more are allowed.
    assert fail(client, viewer.username, 4) == [200] * 4

    # Failures against other accounts from this address are not forgotten by viewer's success.
    client.logout()
    other = users["norole"]
    AccessAttempt.objects.all().delete()
    fail(client, other.username, 4)
    assert sign_in(client, viewer.username).status_code == 302
    client.logout()
    assert_locked_page(sign_in(client, users["ipslo"].username, WRONG))


# --- the client's address behind proxies ---------------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **extra)


@pytest.mark.parametrize("proxies, remote, forwarded, expected", [
    (0, "10.0.0.5", "203.0.113.7", "10.0.0.5"),  # the header is ignored unless proxies are configured
    (1, "10.0.0.5", "203.0.113.7", "203.0.113.7"),
    (1, "10.0.0.5", "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the client's own entry is not trusted
    (2, "10.0.0.5", "1.2.3.4, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    (2, "10.0.0.5", "203.0.113.7", "10.0.0.5"),  # fewer entries than proxies: nothing to trust
    (1, "10.0.0.5", "not-an-address", "10.0.0.5"),
    (1, "10.0.0.5", None, "10.0.0.5"),
])
def test_the_client_address(settings, proxies, remote, forwarded, expected):
    settings.IPS_TRUSTED_PROXY_COUNT = proxies
    assert client_ip_address(_request(remote, forwarded)) == expected


def test_a_forged_forwarded_header_does_not_escape_the_lockout(client, users):
    # With no proxy configured, a client that changes X-Forwarded-For on every try is still one address.
    for n in range(5):
        sign_in(client, f"guess{n}", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert_locked_page(sign_in(client, users["viewer"].username, HTTP_X_FORWARDED_FOR="192.0.2.200"))


def test_behind_one_proxy_each_client_is_counted_apart(client, users, settings):
    settings.IPS_TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        sign_in(client, f"guess{n}", WRONG, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert AccessAttempt.objects.filter(ip_address="203.0.113.50").count() == 5
    assert_locked_page(sign_in(client, users["viewer"].username, REMOTE_ADDR="10.0.0.2",
                               HTTP_X_FORWARDED_FOR="203.0.113.50"))
    other = sign_in(client, users["viewer"].username, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert other.status_code == 302


def test_a_locked_out_sign_in_page_still_shows_the_form_on_get(client, users):
    fail(client, users["viewer"].username, 5)
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b'name="password"' in page.content
