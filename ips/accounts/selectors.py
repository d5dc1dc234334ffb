"""What the account page shows about the signed-in user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from ips.accounts import services
from ips.roles import Role


@dataclass(frozen=True)
class AccountStatus:
    user: object
    role_label: str | None
    two_factor_on: bool
    two_factor_required: bool
    app_added_on: dt.datetime | None
    app_last_used: dt.datetime | None
    recovery_codes_left: int

    @property
    def may_turn_off(self) -> bool:
        return self.two_factor_on and not self.two_factor_required


def account_status(*, user) -> AccountStatus:
    app = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-id").first()
    role = user.primary_role
    return AccountStatus(
        user=user,
        role_label=Role(role).label if role else None,
        two_factor_on=app is not None,
        two_factor_required=services.second_factor_required(user),
        app_added_on=app.created_at if app else None,
        app_last_used=app.last_used_at if app else None,
        recovery_codes_left=services.recovery_codes_left(user) if app else 0,
    )
