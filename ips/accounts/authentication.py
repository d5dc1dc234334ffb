"""The API's session authentication, with the same second-factor rule as the pages."""

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied

from ips.accounts import services
from ips.accounts.errors import SignInError


class SecondFactorSessionAuthentication(SessionAuthentication):
    """A browser session that still owes a second factor is refused with 403 ``otp_required``.

    Token authentication is not affected: tokens belong to API client accounts, which never sign in
    with a password and are read-only.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and services.second_factor_step(request._request) is not None:
            raise PermissionDenied(SignInError.OTP_REQUIRED.label, code=SignInError.OTP_REQUIRED.value)
        return result


class SecondFactorSessionScheme(SessionScheme):
    """The API schema describes this authentication as the session cookie, like DRF's own."""

    target_class = "ips.accounts.authentication.SecondFactorSessionAuthentication"
