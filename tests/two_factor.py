"""Two-factor sign-in in tests: a user's authenticator app, the code it shows, and a session that has
passed both steps of signing in."""

from __future__ import annotations

import django_otp
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ips.accounts import services
from ips.accounts.constants import (
    SESSION_DEVICE_CHECKED,
    SESSION_LAST_ACTIVITY,
    SESSION_PASSWORD_AT,
    SESSION_SECOND_FACTOR_PENDING,
)


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, added if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now, or the next one when now's was already accepted (each is accepted once;
    the device allows one time step of drift)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    if totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


def mark_signed_in(client, user) -> None:
    """Leave in the client's session what signing in through both pages leaves: the password's time,
    the last activity and, for a user who owes one, the verified second factor."""
    session = client.session
    now = int(timezone.now().timestamp())
    if services.second_factor_required(user) or django_otp.user_has_device(user, confirmed=True):
        device_id = authenticator_for(user).persistent_id
        session[DEVICE_ID_SESSION_KEY] = device_id
        session[SESSION_DEVICE_CHECKED] = [device_id, now]
    session.pop(SESSION_SECOND_FACTOR_PENDING, None)
    session[SESSION_PASSWORD_AT] = now
    session[SESSION_LAST_ACTIVITY] = now
    session.save()
