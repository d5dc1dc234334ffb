"""Print the current sign-in code of the demo's authenticator app (``DEMO_TOTP_SECRET``).

PSA-1 and LANT-51 sign in with a code; in the demo, this stands in for the app on a phone.
"""

import base64
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp


class Command(BaseCommand):
    help = "Print the current 6-digit code for the demo users psa1 and lant51 (from DEMO_TOTP_SECRET)."

    def handle(self, *args, **options):
        try:
            key = base64.b32decode(settings.DEMO_TOTP_SECRET.upper())
        except ValueError as exc:
            raise CommandError("DEMO_TOTP_SECRET is not a base32 secret.") from exc
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp(key):06d}  (valid for {left} more seconds)")
