"""Two-factor sign-in: required for PSA-1 and LANT-51, optional for the other roles; the code page, recovery
codes, throttling, setting up an app, turning it off, and the audit trail of each."""

import datetime as dt
import re
from unittest import mock

import pytest
import time_machine
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from ips.accounts import services
from ips.accounts.constants import SESSION_PENDING_TOTP_KEY
from ips.demo.builder import DemoContext
from ips.demo.two_factor import seed_two_factor
from ips.models import User
from tests.ips.accounts.conftest import SET_UP, VERIFY, enter_code, sign_in, sign_in_with_code
from tests.two_factor import authenticator_for, code_for

pytestmark = pytest.mark.django_db

HOME = reverse("home")
PROFILE = reverse("accounts:profile")
API_PAGE = "/api/v1/countries/"


def events(user) -> list[str]:
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk))
    return [e.additional_data["event"] for e in entries.order_by("id") if e.additional_data]


def recovery_codes(user) -> list[str]:
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def wrong_code(user) -> str:
    """A 6-digit code that is not the one the user's app shows now."""
    return f"{(int(code_for(authenticator_for(user))) + 1) % 1_000_000:06d}"


def verified(client) -> bool:
    return client.get(HOME).status_code == 200


# --- required for PSA-1 and LANT-51 -----------------------------------------------------------


@pytest.mark.parametrize("role", ["psa1", "lant51"])
def test_required_role_without_an_app_is_sent_to_set_one_up(client, users, role):
    response = sign_in(client, users[role].username)

    assert response.status_code == 302 and response["Location"].startswith(SET_UP)
    # Every other page sends them there first, keeping where they were going.
    page = client.get(reverse("countries:list"))
    assert page.status_code == 302 and page["Location"] == f"{SET_UP}?next=%2Fcountries%2F"
    set_up = client.get(page["Location"])
    assert set_up.status_code == 200 and b"Your role signs in with two factors" in set_up.content
    assert b'aria-label="Primary navigation"' not in set_up.content  # nowhere else to go yet
    # The API, with the session, refuses with a stable code.
    api = client.get(API_PAGE)
    assert api.status_code == 403 and api.json()["code"] == "otp_required"


@pytest.mark.parametrize("role", ["psa1", "lant51"])
def test_required_role_with_an_app_is_asked_for_the_code(client, users, role):
    user = users[role]
    authenticator_for(user)

    response = sign_in(client, user.username)

    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2F"
    page = client.get(response["Location"])
    assert b"Enter the 6-digit code from your authenticator app, or a recovery code" in page.content
    assert client.get(reverse("countries:list"))["Location"] == f"{VERIFY}?next=%2Fcountries%2F"
    assert client.get(API_PAGE).json()["code"] == "otp_required"

    done = enter_code(client, code_for(authenticator_for(user)), next_url="/")

    assert done.status_code == 302 and done["Location"] == "/"
    assert verified(client) and client.get(API_PAGE).status_code == 200


def test_a_wrong_code_does_not_sign_in(client, psa1_with_app):
    sign_in(client, psa1_with_app.username)

    response = enter_code(client, wrong_code(psa1_with_app))

    assert response.status_code == 200
    assert b"That code is not right" in response.content and b"usa-input--error" in response.content
    assert not verified(client)


def test_the_next_address_survives_both_pages_and_stays_on_the_site(client, psa1_with_app):
    first = sign_in(client, psa1_with_app.username, next_url="/countries/")
    assert first["Location"] == f"{VERIFY}?next=%2Fcountries%2F"
    done = enter_code(client, code_for(authenticator_for(psa1_with_app)), next_url="/countries/")
    assert done["Location"] == "/countries/"

    client.logout()
    first = sign_in(client, psa1_with_app.username, next_url="https://evil.example/")
    assert first["Location"] == f"{VERIFY}?next=%2F"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        done = enter_code(client, code_for(authenticator_for(psa1_with_app)), next_url="https://evil.example/")
    assert done["Location"] == "/"


def test_a_code_is_accepted_once(client, psa1_with_app):
    code = code_for(authenticator_for(psa1_with_app))
    sign_in(client, psa1_with_app.username)
    assert enter_code(client, code).status_code == 302
    client.logout()

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):
        sign_in(client, psa1_with_app.username)
        again = enter_code(client, code)
    assert again.status_code == 200 and b"That code is not right" in again.content


def test_token_clients_are_not_asked_for_a_code(client, users):
    key = Token.objects.create(user=users["psa1"]).key
    response = client.get(API_PAGE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_the_admin_sign_in_also_owes_the_code(client, superuser):
    authenticator_for(superuser)
    response = client.post("/admin/login/", {"username": superuser.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


# --- optional for the other roles ----------------------------------------------------------------


def test_an_ipslo_without_an_app_signs_in_with_the_password(client, users):
    response = sign_in(client, users["ipslo"].username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert verified(client) and client.get(API_PAGE).status_code == 200


def test_an_ipslo_with_an_app_owes_the_code(client, ipslo_with_app):
    response = sign_in(client, ipslo_with_app.username)
    assert response["Location"] == f"{VERIFY}?next=%2F"
    assert client.get(HOME)["Location"] == f"{VERIFY}?next=%2F"
    assert client.get(API_PAGE).json()["code"] == "otp_required"
    enter_code(client, code_for(authenticator_for(ipslo_with_app)))
    assert verified(client)


# --- recovery codes ----------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, psa1_with_app):
    codes = services.recovery_codes_regenerate(user=psa1_with_app, by=psa1_with_app)
    assert len(codes) == 10 and len(set(codes)) == 10

    sign_in(client, psa1_with_app.username)
    used = enter_code(client, codes[3].upper(), follow=True)

    assert used.redirect_chain[0] == ("/", 302)
    assert b"You signed in with a recovery code; 9 left." in used.content
    assert codes[3] not in recovery_codes(psa1_with_app)
    assert events(psa1_with_app)[-1] == "recovery_code_used"
    client.logout()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, psa1_with_app.username)
        assert b"That code is not right" in enter_code(client, codes[3]).content
        clock.shift(dt.timedelta(seconds=2))  # after a wrong code, the next waits a second (throttling)
        assert enter_code(client, codes[4]).status_code == 302


# --- throttling and lockout of codes -----------------------------------------------------------


def test_wrong_codes_are_throttled_by_django_otp(client, psa1_with_app):
    device = authenticator_for(psa1_with_app)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, psa1_with_app.username)
        assert b"That code is not right" in enter_code(client, wrong).content
        # The next try within a second is not even checked, right or wrong.
        throttled = enter_code(client, right)
        assert b"Too many wrong codes in a row: wait 1 second, then try again." in throttled.content
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        clock.shift(dt.timedelta(seconds=2))
        assert enter_code(client, right).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_wrong_codes_count_toward_the_lockout(client, psa1_with_app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the lockout here; throttling is shown above
    sign_in(client, psa1_with_app.username)
    wrong = wrong_code(psa1_with_app)

    answers = [enter_code(client, wrong) for _ in range(5)]

    assert [a.status_code for a in answers] == [200] * 4 + [429]
    assert b"Sign-in locked" in answers[-1].content
    assert "_auth_user_id" not in client.session  # the half-signed-in session is ended
    assert AccessAttempt.objects.get(username=psa1_with_app.username).failures_since_start == 5
    assert sign_in(client, psa1_with_app.username).status_code == 429


def test_wrong_passwords_and_wrong_codes_add_up(client, psa1_with_app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    for _ in range(3):
        sign_in(client, psa1_with_app.username, "not-the-password")
    sign_in(client, psa1_with_app.username)
    wrong = wrong_code(psa1_with_app)
    assert enter_code(client, wrong).status_code == 200
    assert enter_code(client, wrong).status_code == 429


# --- setting up an app from "My account" ---------------------------------------------------------


def test_the_account_page_shows_the_person_and_their_two_factor_status(client, users):
    sign_in(client, users["ipslo"].username)
    page = client.get(PROFILE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>My account</h1>" in html and users["ipslo"].get_full_name() in html
    assert "IPSLO (Liaison Officer)" in html and "Off</span>" in html
    assert f'href="{SET_UP}"' in html
    # Linked from the header, beside "Sign out".
    assert f'class="usa-link ips-account-link" href="{PROFILE}"' in client.get(HOME).content.decode()


def test_setting_up_an_app(client, users):
    ipslo = users["ipslo"]
    sign_in(client, ipslo.username)

    page = client.get(SET_UP)

    html = page.content.decode()
    key = client.session[SESSION_PENDING_TOTP_KEY]
    assert not TOTPDevice.objects.filter(user=ipslo).exists()  # nothing stored before it is confirmed
    assert '<svg role="img"' in html and 'class="ips-qr"' in html and "<title>QR code" in html
    uri = re.search(r'href="(otpauth://[^"]+)"', html).group(1)
    assert uri.startswith("otpauth://totp/IPS%20Case%20Manager%3Aipslo.acteur?")
    assert "issuer=IPS%20Case%20Manager" in uri and "secret=" in uri
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert services.totp_key_from_base32(secret) == key
    # Nothing the Content-Security-Policy would refuse: no inline script or style.
    assert "style=" not in html and "<style" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))

    totp = TOTP(bytes.fromhex(key))
    wrong = client.post(SET_UP, {"otp_token": f"{(totp.token() + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 200 and b"That code is not right" in wrong.content
    assert not TOTPDevice.objects.filter(user=ipslo).exists()

    done = client.post(SET_UP, {"otp_token": f"{totp.token():06d}"})

    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert sorted(shown) == sorted(recovery_codes(ipslo)) and len(shown) == 10
    device = TOTPDevice.objects.get(user=ipslo)
    assert device.confirmed and device.key == key
    assert SESSION_PENDING_TOTP_KEY not in client.session
    assert verified(client)  # this session counts as verified by the app just confirmed
    assert events(ipslo) == ["two_factor_enabled"]
    entry = LogEntry.objects.get(additional_data__event="two_factor_enabled")
    assert entry.actor == ipslo and entry.changes_dict == {"two-factor sign-in": ["off", "on"]}
    # Shown once: the account page and a second visit to the set-up page do not show them again.
    assert shown[0].encode() not in client.get(PROFILE).content
    again = client.get(SET_UP, follow=True)
    assert again.redirect_chain[-1][0] == PROFILE and b"already set up" in again.content
    # The next sign-in asks for the code.
    client.logout()
    assert sign_in(client, ipslo.username)["Location"].startswith(VERIFY)


def test_a_required_role_sets_up_its_app_then_continues(client, users):
    lant51 = users["lant51"]
    sign_in(client, lant51.username, next_url="/countries/")
    assert client.get(f"{SET_UP}?next=/countries/").status_code == 200
    key = client.session[SESSION_PENDING_TOTP_KEY]

    done = client.post(SET_UP, {"otp_token": f"{TOTP(bytes.fromhex(key)).token():06d}", "next": "/countries/"})

    assert done.status_code == 200 and b'href="/countries/"' in done.content
    assert client.get("/countries/").status_code == 200


def test_making_new_recovery_codes(client, users, ipslo_with_app):
    sign_in_with_code(client, ipslo_with_app)
    services.recovery_codes_regenerate(user=ipslo_with_app, by=ipslo_with_app)
    old = recovery_codes(ipslo_with_app)

    page = client.post(reverse("accounts:recovery_codes"))

    new = recovery_codes(ipslo_with_app)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert len(new) == 10 and not set(old) & set(new)
    assert all(code.encode() in page.content for code in new)
    assert b"The earlier codes no longer work." in page.content
    assert events(ipslo_with_app)[-1] == "recovery_codes_regenerated"
    assert client.get(reverse("accounts:recovery_codes")).status_code == 405


def test_new_recovery_codes_need_two_factor_sign_in(client, users):
    sign_in(client, users["viewer"].username)
    response = client.post(reverse("accounts:recovery_codes"), follow=True)
    assert b"Two-factor sign-in is not set up" in response.content
    assert not StaticDevice.objects.filter(user=users["viewer"]).exists()


def test_turning_two_factor_sign_in_off(client, ipslo_with_app):
    sign_in_with_code(client, ipslo_with_app)
    services.recovery_codes_regenerate(user=ipslo_with_app, by=ipslo_with_app)
    url = reverse("accounts:two_factor_disable")
    assert client.get(url).status_code == 200

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        wrong = client.post(url, {"otp_token": wrong_code(ipslo_with_app)})
        assert wrong.status_code == 200 and b"That code is not right" in wrong.content
        assert TOTPDevice.objects.filter(user=ipslo_with_app).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=62)):
        off = client.post(url, {"otp_token": code_for(authenticator_for(ipslo_with_app))}, follow=True)

    assert off.redirect_chain[-1][0] == PROFILE and b"Two-factor sign-in is off" in off.content
    assert not TOTPDevice.objects.filter(user=ipslo_with_app).exists()
    assert not StaticDevice.objects.filter(user=ipslo_with_app).exists()
    assert events(ipslo_with_app)[-1] == "two_factor_disabled"
    assert verified(client)
    client.logout()
    assert sign_in(client, ipslo_with_app.username)["Location"] == "/"


def test_psa1_cannot_turn_two_factor_sign_in_off(client, psa1_with_app):
    sign_in_with_code(client, psa1_with_app)
    url = reverse("accounts:two_factor_disable")
    assert b"Turn off two-factor sign-in" not in client.get(PROFILE).content

    response = client.post(url, {"otp_token": code_for(authenticator_for(psa1_with_app))}, follow=True)

    assert response.redirect_chain[-1][0] == PROFILE
    assert b"cannot be turned off" in response.content
    assert TOTPDevice.objects.filter(user=psa1_with_app).exists()


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_enrols_psa1_and_lant51_with_the_documented_secret(client, users, settings):
    ctx = DemoContext(password="unused", users={"psa1": users["psa1"], "lant51": users["lant51"]})

    seed_two_factor(ctx)

    assert ctx.created["authenticator apps"] == 2
    key = services.totp_key_from_base32(settings.DEMO_TOTP_SECRET)
    assert set(TOTPDevice.objects.values_list("user__username", "key", "confirmed")) == {
        ("psa1", key, True), ("lant51", key, True)}
    # Idempotent: a second run writes nothing.
    entries = LogEntry.objects.count()
    with mock.patch.object(TOTPDevice, "save") as save:
        seed_two_factor(ctx)
    assert not save.called and LogEntry.objects.count() == entries
    # The code an app shows for the documented secret signs PSA-1 in.
    sign_in(client, "psa1")
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    assert enter_code(client, code).status_code == 302 and verified(client)


# --- the verified session ----------------------------------------------------------------------


def test_the_verifying_device_is_read_again_at_most_once_a_minute(client, psa1_with_app):
    sign_in_with_code(client, psa1_with_app)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        assert not [q for q in queries.captured_queries if "otp_totp_totpdevice" in q["sql"]]

        TOTPDevice.objects.filter(user=psa1_with_app).delete()  # e.g. in the admin, after a lost phone
        clock.shift(dt.timedelta(seconds=61))

        response = client.get(HOME)

    assert response.status_code == 302 and response["Location"].startswith(SET_UP)
