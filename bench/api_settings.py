"""Settings of the API benchmark's gunicorn: the product's settings, the benchmark's URLconf (which adds
a bare JSON view to compare with), and throttle rates high enough never to refuse the load."""

from ips.settings import *  # noqa: F403
from ips.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.api_urls"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_client": "100000000/min", "user": "100000000/min", "anon": "100000000/min"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
