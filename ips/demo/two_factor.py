"""Two-factor sign-in for the demo's PSA-1 and LANT-51 users, whose role requires it.

Both get an authenticator app holding ``settings.DEMO_TOTP_SECRET`` (a fixed, documented base32
secret): add it to any authenticator app to sign in as them. The other demo users keep signing in
with the password alone (two-factor sign-in is optional for their roles).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from ips.accounts import services
from ips.accounts.constants import SECOND_FACTOR_REQUIRED_ROLES
from ips.demo import data

if TYPE_CHECKING:
    from ips.demo.builder import DemoContext


def seed_two_factor(ctx: DemoContext) -> None:
    secret = settings.DEMO_TOTP_SECRET
    for spec in data.USERS:
        if spec.role not in SECOND_FACTOR_REQUIRED_ROLES:
            continue
        user = ctx.users[spec.username]
        if services.two_factor_enrol_with_secret(user=user, secret=secret, by=user):
            ctx.created["authenticator apps"] += 1
