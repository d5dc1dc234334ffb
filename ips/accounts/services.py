"""Signing in: who needs a second factor, setting one up, checking codes, recovery codes, the lockout's
bookkeeping and the times kept in the session.

The second factor is a TOTP authenticator app (``django_otp.plugins.otp_totp``) with single-use
recovery codes (``django_otp.plugins.otp_static``). A session is verified once a code was accepted
in it (``django_otp.login``). Enabling, regenerating recovery codes, using one, turning two-factor
sign-in off: each writes one audit entry on the user's record (see :func:`_audit`).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from base64 import b32decode, b32encode
from binascii import unhexlify
from dataclasses import dataclass, field
from enum import StrEnum

import django_otp
import segno
from auditlog.models import LogEntry
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ips.accounts.constants import (
    RECOVERY_CODE_COUNT,
    RECOVERY_DEVICE_NAME,
    SECOND_FACTOR_REQUIRED_ROLES,
    SESSION_DEVICE_CHECKED,
    SESSION_LAST_ACTIVITY,
    SESSION_PASSWORD_AT,
    SESSION_PENDING_TOTP_KEY,
    SESSION_SECOND_FACTOR_PENDING,
    TOTP_DEVICE_NAME,
)
from ips.accounts.errors import SignInError, SignInRefused
from ips.accounts.network import client_ip_address

log = logging.getLogger("ips.accounts")

TOTP_KEY_BYTES = 20


class SecondFactorStep(StrEnum):
    """What a signed-in user must do before anything else."""

    VERIFY = "verify"  # enter a code from the authenticator app (or a recovery code)
    ENROL = "enrol"  # set up an authenticator app: the role requires one and there is none


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Lockout:
    minutes: int
    ends_at: dt.datetime | None


# --- who needs a second factor ---------------------------------------------------------------


def second_factor_required(user) -> bool:
    """PSA-1 and LANT-51 (and superusers) always sign in with a second factor.

    API client accounts never sign in with a password, only with their token, so never with a code.
    """
    if not user.is_authenticated or getattr(user, "is_api_client", False):
        return False
    return user.is_superuser or bool(user.roles & SECOND_FACTOR_REQUIRED_ROLES)


def second_factor_enabled(user) -> bool:
    """The user has a confirmed authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def second_factor_step(request) -> SecondFactorStep | None:
    """What the signed-in user of ``request`` must do before any page: verify, enrol, or nothing.

    A user whose password was accepted in this session while they had a device is marked pending at
    sign-in (:func:`second_factor_mark_pending`), whatever their role: once set up, two-factor
    sign-in is never skipped. Users whose role requires it are checked on every request.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    required = second_factor_required(user)
    if not (required or request.session.get(SESSION_SECOND_FACTOR_PENDING)):
        return None
    if django_otp.user_has_device(user, confirmed=True):
        return SecondFactorStep.VERIFY
    return SecondFactorStep.ENROL if required else None


def second_factor_mark_pending(*, request, user) -> None:
    """At every sign-in (the sign-in page, the admin's): a user with a device still owes a code."""
    if request is not None and hasattr(request, "session") and django_otp.user_has_device(user, confirmed=True):
        request.session[SESSION_SECOND_FACTOR_PENDING] = True


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the one place every sign-in path passes (see ``apps.py``)."""
    second_factor_mark_pending(request=request, user=user)


# --- checking a code -------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """Codes are typed with spaces or hyphens now and then; recovery codes in either case."""
    return "".join(code.split()).replace("-", "").lower()


def _is_totp_code(code: str) -> bool:
    return code.isdigit() and len(code) in (6, 8)


def second_factor_check(*, user, code: str):
    """The device that accepts ``code`` (the authenticator app's code, or a recovery code, which is
    used up), or :class:`SignInRefused` with ``wrong_code`` or ``code_throttled``.

    django-otp throttles each device: after ``n`` wrong codes in a row the next is not even checked
    for ``2 ** (n - 1)`` seconds.
    """
    code = normalise_code(code)
    model = TOTPDevice if _is_totp_code(code) else StaticDevice
    wait_until = None
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                locked_until = (details or {}).get("locked_until")
                wait_until = max(filter(None, [wait_until, locked_until]), default=None)
                continue
            if device.verify_token(code):
                return device
    if wait_until is not None:
        seconds = max(1, int((wait_until - timezone.now()).total_seconds() + 0.999))
        raise SignInRefused(
            SignInError.CODE_THROTTLED,
            f"Too many wrong codes in a row: wait {seconds} second{'s' if seconds != 1 else ''}, then try again.",
            retry_after=seconds,
        )
    raise SignInRefused(SignInError.WRONG_CODE)


def second_factor_passed(*, request, device) -> None:
    """Mark the session verified by ``device`` (and give it a new key: its privileges just grew)."""
    django_otp.login(request, device)
    request.session[SESSION_DEVICE_CHECKED] = [device.persistent_id, now_seconds()]
    request.session.pop(SESSION_SECOND_FACTOR_PENDING, None)
    request.session.cycle_key()
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        _audit(device.user, by=device.user, event="recovery_code_used",
               text=f"Signed in with a recovery code; {left} left.")


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- setting up, recovery codes, turning off --------------------------------------------------


def totp_pending_key(session) -> str:
    """The secret offered while the user sets up their app: kept in the session, not in the database,
    until a code from it is confirmed, so an abandoned set-up leaves nothing behind."""
    key = session.get(SESSION_PENDING_TOTP_KEY)
    if not key:
        key = secrets.token_hex(TOTP_KEY_BYTES)
        session[SESSION_PENDING_TOTP_KEY] = key
    return key


def totp_pending_key_discard(session) -> None:
    session.pop(SESSION_PENDING_TOTP_KEY, None)


def totp_secret_for_display(key: str) -> str:
    """The base32 secret for typing into an app by hand, in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_provisioning_uri(*, user, key: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code (issuer: ``OTP_TOTP_ISSUER``)."""
    return TOTPDevice(user=user, key=key).config_url


def qr_code_svg(data: str, *, title: str) -> str:
    """``data`` as a QR code in inline SVG, drawn on the server (no script, no style attribute)."""
    svg = segno.make(data, error="m").svg_inline(
        scale=5, border=4, dark="#1b1b1b", light="#ffffff", title=title, svgclass="ips-qr", lineclass=None
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def totp_key_from_base32(secret: str) -> str:
    """A base32 secret (as authenticator apps show it) as the hex key django-otp stores."""
    text = "".join(secret.split()).upper()
    return b32decode(text + "=" * (-len(text) % 8)).hex()


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        # Never all digits: a code of digits only is read as an authenticator app's code.
        if not code.isdigit() and code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_device(user) -> StaticDevice:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


def two_factor_enable(*, user, key: str, code: str, by) -> Enrolment:
    """Confirm the authenticator app holding ``key`` with a ``code`` it shows, then make the recovery codes.

    The code is checked against the secret before anything is stored; the device keeps the code's
    time step so that the same code cannot sign in again.
    """
    code = normalise_code(code)
    totp = TOTP(unhexlify(key))
    totp.time = timezone.now().timestamp()
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        raise SignInRefused(
            SignInError.WRONG_CODE, "That code is not right. Enter the 6-digit code your app shows now."
        )
    with transaction.atomic():
        if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
            raise SignInRefused(SignInError.ALREADY_ENABLED)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
        )
        codes = _new_recovery_codes(_recovery_device(user))
        _audit(user, by=by, event="two_factor_enabled", change=("off", "on"),
               text=f"Two-factor sign-in set up with an authenticator app; {len(codes)} recovery codes made.")
    return Enrolment(device=device, recovery_codes=codes)


def two_factor_enrol_with_secret(*, user, secret: str, by) -> bool:
    """Give ``user`` an authenticator app holding the base32 ``secret`` (the demo's shared one).

    Idempotent: returns False, writing nothing, when the user already has exactly that app.
    """
    key = totp_key_from_base32(secret)
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user))
        if len(devices) == 1 and devices[0].confirmed and devices[0].key == key:
            return False
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
        recovery = _recovery_device(user)
        if not recovery.token_set.exists():
            _new_recovery_codes(recovery)
        _audit(user, by=by, event="two_factor_enabled", change=("off", "on"),
               text="Two-factor sign-in set up with the demo's authenticator secret.")
    return True


def recovery_codes_regenerate(*, user, by) -> list[str]:
    """New recovery codes; the old ones stop working. Only with two-factor sign-in set up."""
    with transaction.atomic():
        if not second_factor_enabled(user):
            raise SignInRefused(SignInError.NOT_ENABLED)
        codes = _new_recovery_codes(_recovery_device(user))
        _audit(user, by=by, event="recovery_codes_regenerated",
               text=f"{len(codes)} new recovery codes made; the earlier ones no longer work.")
    return codes


def two_factor_disable(*, user, code: str, by) -> None:
    """Turn two-factor sign-in off, confirmed with a current code. Not for roles that require it."""
    if second_factor_required(user):
        raise SignInRefused(SignInError.REQUIRED_FOR_ROLE)
    if not django_otp.user_has_device(user, confirmed=True):
        raise SignInRefused(SignInError.NOT_ENABLED)
    second_factor_check(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _audit(user, by=by, event="two_factor_disabled", change=("on", "off"),
               text="Two-factor sign-in turned off; the authenticator app and the recovery codes were removed.")


def _audit(user, *, by, event: str, text: str, change: tuple[str, str] | None = None) -> None:
    """One audit entry on the user's record.

    Written explicitly rather than by registering the device models with django-auditlog: their
    rows hold the secrets (the TOTP key, the recovery codes), change on every successful code (the
    last time step, the throttling counters) and a set of recovery codes is ten rows. The entry
    says what happened, in one row, on the record the user's history is read from.
    """
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=by,
        changes={"two-factor sign-in": list(change)} if change else {},
        changes_text=text,
        additional_data={"event": event},
    )
    log.info("Two-factor sign-in: %s for user %s (by %s).", event, user.get_username(), by.get_username())


# --- lockout -----------------------------------------------------------------------------------


def sign_in_allowed(*, request, username: str) -> bool:
    """Neither the account nor the client's address is locked out."""
    return AxesProxyHandler.is_allowed(request, {"username": username})


def sign_in_failure_record(*, request, username: str) -> bool:
    """Count a wrong code (or password typed outside ``authenticate``) toward the lockout, exactly as a
    wrong password is counted. Returns True when this failure locked the account or address out."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def sign_in_failures_clear(*, request, username: str) -> None:
    """After a complete sign-in, forget this account's own failures from this address.

    Failures against other accounts from the same address, and against this account from other
    addresses, are kept: a successful sign-in must not reset a guesser's count.
    """
    ip_address = client_ip_address(request)
    if ip_address:
        AxesProxyHandler.reset_attempts(username=username, ip_address=ip_address)


def lockout_for(*, request, username: str | None) -> Lockout:
    """How long the lockout lasts and when it ends at the latest (cool-off after the last failure)."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    ip_address = client_ip_address(request)
    matching = Q(ip_address=ip_address) if ip_address else Q(pk__in=[])
    if username:
        matching |= Q(username=username)
    last = AccessAttempt.objects.filter(matching).aggregate(last=Max("attempt_time"))["last"]
    return Lockout(minutes=int(cool_off.total_seconds() // 60), ends_at=last + cool_off if last else None)


def on_user_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """``axes.signals.user_locked_out`` receiver: the log line of each lockout (the rows are in axes' tables).

    axes sends the signal when a failure locks out, and again for each attempt refused during the lock.
    """
    path = getattr(request, "path", "")
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        log.info("Sign-in refused during a lockout: username=%r address=%s path=%s", username, ip_address, path)
    else:
        log.warning("Sign-in locked out after %s failures: username=%r address=%s path=%s",
                    failures, username, ip_address, path)


# --- times kept in the session -----------------------------------------------------------------


def now_seconds() -> int:
    """Unix time in whole seconds: the clock of the times kept in the session."""
    return int(timezone.now().timestamp())


def password_confirmed(*, request) -> None:
    """The password was typed just now (at sign-in or to confirm an action)."""
    request.session[SESSION_PASSWORD_AT] = now_seconds()


def password_age_seconds(*, request) -> int | None:
    """Seconds since the password was last typed in this session; None if never (e.g. an old session)."""
    at = request.session.get(SESSION_PASSWORD_AT)
    return None if at is None else now_seconds() - int(at)


def activity_seconds_ago(*, request) -> int | None:
    at = request.session.get(SESSION_LAST_ACTIVITY)
    return None if at is None else now_seconds() - int(at)


def activity_record(*, request) -> None:
    request.session[SESSION_LAST_ACTIVITY] = now_seconds()


def sign_in_completed(*, request) -> None:
    """The whole sign-in (password, and code where one is owed) is done."""
    activity_record(request=request)
    sign_in_failures_clear(request=request, username=request.user.get_username())

