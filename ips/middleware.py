"""Request-wide middleware of the case manager."""

from ips import permissions


class PermissionScopeMiddleware:
    """Each request reads the user's current portfolio and teams once, however many questions it asks.

    Nothing is kept between requests, so a change of portfolio, team or role counts on the next one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with permissions.request_scope():
            return self.get_response(request)
