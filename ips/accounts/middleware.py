"""Two rules applied to every request of a signed-in user: sessions end when idle, and nobody who owes a
second factor gets past the code page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from rest_framework.views import APIView

from ips.accounts import services
from ips.accounts.constants import ACTIVITY_REFRESH_SECONDS, DEVICE_RECHECK_SECONDS, SESSION_DEVICE_CHECKED
from ips.accounts.views import step_url

API_PATH_PREFIX = "/api/"

# Pages open to a user who still owes a second factor: signing in and out, the code, setting up the app.
SECOND_FACTOR_OPEN_VIEWS = frozenset({
    "login",
    "logout",
    "accounts:verify",
    "accounts:two_factor_setup",
    "admin:logout",
    "healthz",
    "readyz",
})


def _redirect(request, url: str):
    """A redirect that also works for htmx requests (which would otherwise swap the target page in)."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _is_api_view(view_func) -> bool:
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware (``request.user.is_verified()``, ``request.user.otp_device``), reading the
    device that verified the session from the database at most once a minute instead of on every request.

    A device deleted or unconfirmed meanwhile (in the admin) stops counting within that minute; turning
    two-factor sign-in off on the account page ends it at once. Between checks ``otp_device`` is loaded
    only if something reads it.
    """

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        checked_id, checked_at = request.session.get(SESSION_DEVICE_CHECKED) or (None, 0)
        age = services.now_seconds() - checked_at
        if persistent_id and checked_id == persistent_id and 0 <= age < DEVICE_RECHECK_SECONDS:
            self._init_user_fields(user)
            user.otp_device = SimpleLazyObject(lambda: self._device_from_persistent_id(persistent_id))
            return user
        user = super()._verify_user_sync(request, user)
        if user.otp_device is not None:
            request.session[SESSION_DEVICE_CHECKED] = [persistent_id, services.now_seconds()]
        return user


class SessionIdleTimeoutMiddleware:
    """Sign out a session that made no request for ``IPS_SESSION_IDLE_MINUTES``.

    The time of the last request is kept in the session and written at most once a minute
    (``ACTIVITY_REFRESH_SECONDS``), so a busy session is not saved on every request; static files
    are answered by WhiteNoise before the session is even read. Rather than expiring the session
    cookie (``SESSION_SAVE_EVERY_REQUEST`` with a short ``SESSION_COOKIE_AGE``, which saves on every
    request), this lets the sign-in page say why the person was signed out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            idle = services.activity_seconds_ago(request=request)
            limit = settings.IPS_SESSION_IDLE_MINUTES * 60
            if idle is not None and idle > limit:
                return self._signed_out(request)
            if idle is None or idle >= ACTIVITY_REFRESH_SECONDS:
                services.activity_record(request=request)
        return self.get_response(request)

    def _signed_out(self, request):
        logout(request)
        minutes = settings.IPS_SESSION_IDLE_MINUTES
        messages.info(request, f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} "
                               "without activity. Sign in again to continue.")
        if request.path_info.startswith(API_PATH_PREFIX):
            # The API answers for itself, now to an anonymous request (401).
            return self.get_response(request)
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET" and request.path_info != login_url:
            login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
        return _redirect(request, login_url)


class SecondFactorRequiredMiddleware:
    """Send a signed-in user who owes a second factor to the code page (or to set up an app) first.

    The API's views are left to their authentication class
    (:class:`ips.accounts.authentication.SecondFactorSessionAuthentication`), which answers 403
    ``otp_required`` instead of redirecting.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or _is_api_view(view_func):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_OPEN_VIEWS:
            return None
        step = services.second_factor_step(request)
        if step is None:
            return None
        next_url = request.get_full_path() if request.method == "GET" else None
        return _redirect(request, step_url(step, next_url=next_url))
