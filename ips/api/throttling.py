"""Request rates per account, read from settings on every request.

``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``: ``api_client`` for API client accounts (120 a minute),
``user`` for people (600 a minute), ``anon`` for requests with no credentials (60 a minute, by
address). A throttled request gets 429 with ``Retry-After`` (seconds).

The counters live in the cache (Redis). When it cannot be reached the throttle lets the request
through (fails open) and logs it once per failure burst: an outage of the cache must not take the
API down.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ips import outages

API_CLIENT_SCOPE = "api_client"
USER_SCOPE = "user"
ANON_SCOPE = "anon"


class AccountRateThrottle(SimpleRateThrottle):
    """One bucket per account (per address when anonymous), with the rate of the account's kind."""

    def __init__(self):
        # The rate is chosen per request in allow_request, once the user is known.
        pass

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        user = request.user
        if user and user.is_authenticated:
            self.scope = API_CLIENT_SCOPE if getattr(user, "is_api_client", False) else USER_SCOPE
        else:
            self.scope = ANON_SCOPE
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except outages.REDIS_ERRORS as exc:
            outages.logger.warning("Request throttling skipped: the cache is unreachable (%s)", type(exc).__name__)
            return True

    def get_cache_key(self, request, view):
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
