"""Re-authentication before consequential decisions: the password (and code) typed recently.

:func:`require_recent_sign_in` wraps a view that decides something (PSA-1 approving or returning a
determination). When the password was last typed in this session more than
``IPS_REAUTH_MAX_AGE_MINUTES`` ago:

* a page answers with a confirmation page whose form posts back to the same address, carrying the
  fields of the original form unchanged together with the password (and a code, for a user with
  two-factor sign-in). Once they are right, the original view runs with what was typed; the
  password never reaches it.
* the API, for a request signed in with the browser session, answers 403 with the code
  ``reauthentication_required``.

Requests authenticated with a token are exempt: a token has no password to ask for again, and
tokens belong to API client accounts, which are read-only (``ips.api.permissions``) and so never
reach a decision. What protects a token is its issue and revocation by LANT-51.

The check runs before the view, so before the view's own permission check: someone who may not
decide is asked to confirm first and refused after, which tells them nothing more.

On a view function: ``@require_recent_sign_in``; on a DRF view method:
``@method_decorator(require_recent_sign_in)``.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from ips.accounts import services
from ips.accounts.errors import SignInError, SignInRefused
from ips.accounts.forms import ReauthenticateForm

CONFIRM_FIELDS = ("reauth_password", "reauth_otp_token", "reauth_back")
NOT_CARRIED = {"csrfmiddlewaretoken", *CONFIRM_FIELDS}


class ReauthenticationRequired(APIException):
    status_code = 403
    default_detail = SignInError.REAUTHENTICATION_REQUIRED.label
    default_code = SignInError.REAUTHENTICATION_REQUIRED.value


def reauthentication_needed(request: HttpRequest | Request) -> bool:
    """The password was not typed in this session within ``IPS_REAUTH_MAX_AGE_MINUTES``.

    Through the API only a request signed in with the browser session is asked; one authenticated
    otherwise (an API token) is not.
    """
    if isinstance(request, Request) and not isinstance(request.successful_authenticator, SessionAuthentication):
        return False
    django_request = request._request if isinstance(request, Request) else request
    age = services.password_age_seconds(request=django_request)
    return age is None or age > settings.IPS_REAUTH_MAX_AGE_MINUTES * 60


def require_recent_sign_in(view):
    """Ask for the password (and code) again before ``view`` when the last sign-in is too old."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not reauthentication_needed(request):
            return view(request, *args, **kwargs)
        if isinstance(request, Request):
            raise ReauthenticationRequired()
        return _confirm(request, view, args, kwargs)

    return wrapped


def _confirm(request: HttpRequest, view, args, kwargs):
    user = request.user
    with_code = services.second_factor_enabled(user)
    confirming = request.method == "POST" and "reauth_password" in request.POST
    form = ReauthenticateForm(request.POST if confirming else None, request=request, with_code=with_code)
    if confirming:
        if not services.sign_in_allowed(request=request, username=user.get_username()):
            return _locked_out(request, user)
        if form.is_valid():
            if with_code:
                try:
                    services.second_factor_check(user=user, code=form.cleaned_data["reauth_otp_token"])
                except SignInRefused as exc:
                    if exc.code == SignInError.WRONG_CODE and services.sign_in_failure_record(
                        request=request, username=user.get_username()
                    ):
                        return _locked_out(request, user)
                    form.add_error("reauth_otp_token", exc.message)
            if form.is_valid():
                services.password_confirmed(request=request)
                services.sign_in_failures_clear(request=request, username=user.get_username())
                request.POST = _carried(request.POST)
                return view(request, *args, **kwargs)
        elif getattr(request, "axes_locked_out", False):
            return _locked_out(request, user)
    response = render(
        request,
        "registration/reauthenticate.html",
        {
            "form": form,
            "action": request.get_full_path(),
            "carried": [(name, value) for name, values in _carried(request.POST).lists() for value in values],
            "max_age_minutes": settings.IPS_REAUTH_MAX_AGE_MINUTES,
            "back_url": _back_url(request),
        },
    )
    add_never_cache_headers(response)
    return response


def _carried(data: QueryDict) -> QueryDict:
    """The original form's fields, without the CSRF token (the confirmation page has its own) and the
    confirmation's own fields."""
    carried = QueryDict(mutable=True)
    for name, values in data.lists():
        if name not in NOT_CARRIED:
            carried.setlist(name, values)
    carried._mutable = False
    return carried


def _back_url(request: HttpRequest) -> str | None:
    """Where "Cancel" leads: the page the decision was made on (kept across a wrong password)."""
    for candidate in (request.POST.get("reauth_back", ""), request.headers.get("Referer", "")):
        if (
            candidate
            and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
            and not candidate.split("?")[0].endswith(request.path)
        ):
            return candidate
    return None


def _locked_out(request: HttpRequest, user):
    from ips.accounts.views import locked_out

    username = user.get_username()
    logout(request)
    return locked_out(request, credentials={"username": username})
