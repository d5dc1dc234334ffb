"""The fixed rules of signing in. Numbers a deployment may tune are settings (``IPS_LOGIN_*``,
``IPS_SESSION_IDLE_MINUTES``, ``IPS_REAUTH_MAX_AGE_MINUTES``)."""

from ips.roles import Role

# Their decisions are published (determinations, advisories), so they always sign in with a second factor.
SECOND_FACTOR_REQUIRED_ROLES = frozenset({Role.PSA1, Role.LANT51})

RECOVERY_CODE_COUNT = 10
RECOVERY_CODES_LOW = 3  # at or below this many unused codes, the user is told to make new ones

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# The last-activity time is written to the session at most this often, not on every request.
ACTIVITY_REFRESH_SECONDS = 60
# The device that verified a session is read again from the database at most this often.
DEVICE_RECHECK_SECONDS = 60

# Session keys.
SESSION_PASSWORD_AT = "ips_password_at"  # when the password was last typed (Unix time)
SESSION_LAST_ACTIVITY = "ips_last_activity"  # last request of a signed-in user (Unix time)
SESSION_SECOND_FACTOR_PENDING = "ips_second_factor_pending"  # password accepted, code not yet given
SESSION_PENDING_TOTP_KEY = "ips_pending_totp_key"  # secret shown while setting up, before it is confirmed
SESSION_DEVICE_CHECKED = "ips_device_checked"  # [device persistent id, Unix time it was last found valid]
