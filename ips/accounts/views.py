"""Pages of signing in: the password, the code, the lockout, and the user's own account page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from ips.accounts import selectors, services
from ips.accounts.constants import RECOVERY_CODES_LOW
from ips.accounts.errors import SignInError, SignInRefused
from ips.accounts.forms import SecondFactorForm, TOTPConfirmForm, TwoFactorDisableForm
from ips.accounts.services import SecondFactorStep

LOCKOUT_TEMPLATE = "registration/locked_out.html"
STEP_URL_NAMES = {SecondFactorStep.VERIFY: "accounts:verify", SecondFactorStep.ENROL: "accounts:two_factor_setup"}


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The ``next`` address of the request when it stays on this site; otherwise ``default`` (home)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def step_url(step: SecondFactorStep, *, next_url: str | None = None) -> str:
    url = reverse(STEP_URL_NAMES[step])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- the lockout page (settings.AXES_LOCKOUT_CALLABLE) ----------------------------------------


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """What a locked-out person sees, on the sign-in page, the admin's, or any later step."""
    if getattr(original_response, "ips_lockout_page", False):
        return original_response
    username = (credentials or {}).get("username") or None
    lockout = services.lockout_for(request=request, username=username)
    response = render(
        request,
        LOCKOUT_TEMPLATE,
        {
            "lockout": lockout,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "contact": settings.IPS_LOGIN_HELP_CONTACT,
        },
        status=429,
    )
    response["Retry-After"] = str(lockout.minutes * 60)
    add_never_cache_headers(response)
    response.ips_lockout_page = True
    return response


def _refuse_code(request: HttpRequest, form, error: SignInRefused) -> HttpResponse | None:
    """A refused code: shown beside the field; a wrong one (not a throttled one) counts toward the
    lockout, and a lockout signs the session out. Returns the lockout page when it came to that."""
    if error.code == SignInError.WRONG_CODE:
        username = request.user.get_username()
        if services.sign_in_failure_record(request=request, username=username):
            logout(request)
            return locked_out(request, credentials={"username": username})
    form.add_error("otp_token", error.message)
    return None


def _lockout_if_locked(request: HttpRequest) -> HttpResponse | None:
    username = request.user.get_username()
    if services.sign_in_allowed(request=request, username=username):
        return None
    logout(request)
    return locked_out(request, credentials={"username": username})


# --- signing in ------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """The first page: username and password. A user who owes a second factor goes on to the code."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_confirmed(request=self.request)
        step = services.second_factor_step(self.request)
        if step is None:
            services.sign_in_completed(request=self.request)
            return response
        return redirect(step_url(step, next_url=self.get_success_url()))


@login_required
def second_factor_verify(request):
    """The second page: "Enter the 6-digit code from your authenticator app, or a recovery code"."""
    next_url = safe_next(request)
    step = services.second_factor_step(request)
    if step is None:
        return redirect(next_url)
    if step == SecondFactorStep.ENROL:
        return redirect(step_url(step, next_url=next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        if (locked := _lockout_if_locked(request)) is not None:
            return locked
        if form.is_valid():
            try:
                device = services.second_factor_check(user=request.user, code=form.cleaned_data["otp_token"])
            except SignInRefused as exc:
                if (locked := _refuse_code(request, form, exc)) is not None:
                    return locked
            else:
                services.second_factor_passed(request=request, device=device)
                services.sign_in_completed(request=request)
                _warn_if_few_recovery_codes(request, device)
                return redirect(next_url)
    return render(request, "registration/otp_verify.html", {"form": form, "next": next_url, "hide_navigation": True})


def _warn_if_few_recovery_codes(request, device) -> None:
    if isinstance(device, StaticDevice):
        left = services.recovery_codes_left(request.user)
        text = f"You signed in with a recovery code; {left} left. "
        if left <= RECOVERY_CODES_LOW:
            text += "Make new recovery codes on your account page."
        messages.warning(request, text.strip())


# --- the user's own account page ----------------------------------------------------------------


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"status": selectors.account_status(user=request.user)})


@login_required
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code."""
    user = request.user
    next_url = safe_next(request, default=reverse("accounts:profile"))
    if services.second_factor_enabled(user):
        messages.info(request, SignInError.ALREADY_ENABLED.label)
        return redirect("accounts:profile")
    step = services.second_factor_step(request)
    if step == SecondFactorStep.VERIFY:
        return redirect(step_url(step, next_url=request.get_full_path()))
    key = services.totp_pending_key(request.session)
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.two_factor_enable(user=user, key=key, code=form.cleaned_data["otp_token"], by=user)
        except SignInRefused as exc:
            form.add_error("otp_token", exc.message)
        else:
            services.totp_pending_key_discard(request.session)
            services.second_factor_passed(request=request, device=enrolment.device)
            services.sign_in_completed(request=request)
            return _recovery_codes_page(request, enrolment.recovery_codes, next_url=next_url, first=True)
    uri = services.totp_provisioning_uri(user=user, key=key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "required": services.second_factor_required(user),
            # Until the app is set up, a user whose role requires it can go nowhere else.
            "hide_navigation": step is not None,
            "otpauth_uri": uri,
            "secret": services.totp_secret_for_display(key),
            "qr_svg": services.qr_code_svg(uri, title="QR code for your authenticator app"),
        },
    )


def _recovery_codes_page(request, codes: list[str], *, next_url: str, first: bool) -> HttpResponse:
    """The recovery codes, shown this once: never stored anywhere a later page could show them again."""
    response = render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url, "first": first})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def recovery_codes_regenerate(request):
    try:
        codes = services.recovery_codes_regenerate(user=request.user, by=request.user)
    except SignInRefused as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return _recovery_codes_page(request, codes, next_url=reverse("accounts:profile"), first=False)


@login_required
def two_factor_disable(request):
    """Turn two-factor sign-in off (roles where it is optional), confirmed with a current code."""
    user = request.user
    if services.second_factor_required(user):
        messages.error(request, SignInError.REQUIRED_FOR_ROLE.label)
        return redirect("accounts:profile")
    if not services.second_factor_enabled(user):
        messages.info(request, SignInError.NOT_ENABLED.label)
        return redirect("accounts:profile")
    form = TwoFactorDisableForm(request.POST or None)
    if request.method == "POST":
        if (locked := _lockout_if_locked(request)) is not None:
            return locked
        if form.is_valid():
            try:
                services.two_factor_disable(user=user, code=form.cleaned_data["otp_token"], by=user)
            except SignInRefused as exc:
                if (locked := _refuse_code(request, form, exc)) is not None:
                    return locked
            else:
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                messages.success(request, "Two-factor sign-in is off. Your password alone now signs you in.")
                return redirect("accounts:profile")
    return render(request, "accounts/two_factor_disable.html", {"form": form})
