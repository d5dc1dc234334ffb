"""Stable codes of sign-in refusals, shown the same way by the pages and the API."""

from django.db import models


class SignInError(models.TextChoices):
    OTP_REQUIRED = "otp_required", (
        "Two-factor sign-in is required: enter the code from your authenticator app on the sign-in page first."
    )
    REAUTHENTICATION_REQUIRED = "reauthentication_required", (
        "Confirm who you are first: your last sign-in with your password is too old for this action. "
        "Sign in again, then repeat the request."
    )
    WRONG_PASSWORD = "wrong_password", "That password is not right."
    WRONG_CODE = "wrong_code", "That code is not right. Enter the current 6-digit code, or an unused recovery code."
    CODE_THROTTLED = "code_throttled", "Too many wrong codes in a row."
    ALREADY_ENABLED = "already_enabled", "Two-factor sign-in is already set up for your account."
    NOT_ENABLED = "not_enabled", "Two-factor sign-in is not set up for your account."
    REQUIRED_FOR_ROLE = "required_for_role", (
        "Your role signs in with two factors; two-factor sign-in cannot be turned off."
    )


class SignInRefused(Exception):
    """A sign-in step that was refused; ``code`` says why, ``retry_after`` (seconds) when it may be tried again."""

    def __init__(self, code: SignInError, message: str | None = None, *, retry_after: int | None = None):
        self.code = SignInError(code)
        self.message = message or self.code.label
        self.retry_after = retry_after
        super().__init__(self.message)
