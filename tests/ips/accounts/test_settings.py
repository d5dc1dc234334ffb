"""The sign-in settings come from the environment (checked in a fresh process: settings load once)."""

import json

from tests.ips.test_settings import production, run

SCRIPT = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "limit": s.AXES_FAILURE_LIMIT, "cool_off": s.AXES_COOLOFF_TIME.total_seconds(),
    "idle": s.IPS_SESSION_IDLE_MINUTES, "reauth": s.IPS_REAUTH_MAX_AGE_MINUTES,
    "proxies": s.IPS_TRUSTED_PROXY_COUNT, "browser_close": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "demo_secret": s.DEMO_TOTP_SECRET, "first_backend": s.AUTHENTICATION_BACKENDS[0],
    "last_middleware": s.MIDDLEWARE[-1],
}))
"""


def settings_with(tmp_path, **environment) -> dict:
    result = run(["-c", SCRIPT], tmp_path, **production(**environment))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults(tmp_path):
    assert settings_with(tmp_path) == {
        "limit": 5, "cool_off": 15 * 60, "idle": 30, "reauth": 15, "proxies": 0, "browser_close": True,
        "demo_secret": "IPSCASEMANAGERDEMOTOTPSECRETKEY2", "first_backend": "ips.accounts.backends.LockoutBackend",
        "last_middleware": "axes.middleware.AxesMiddleware",
    }


def test_the_environment_sets_them(tmp_path):
    found = settings_with(
        tmp_path, IPS_LOGIN_FAILURE_LIMIT="3", IPS_LOGIN_COOLOFF_MINUTES="60", IPS_SESSION_IDLE_MINUTES="10",
        IPS_REAUTH_MAX_AGE_MINUTES="5", IPS_TRUSTED_PROXY_COUNT="1", DEMO_TOTP_SECRET="JBSWY3DPEHPK3PXP",
    )
    assert (found["limit"], found["cool_off"], found["idle"], found["reauth"], found["proxies"]) == (3, 3600, 10, 5, 1)
    assert found["demo_secret"] == "JBSWY3DPEHPK3PXP"
