"""Forms of signing in. They check what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate

from countries.forms import USWDSFormMixin
from ips.accounts.errors import SignInError

CODE_HELP = "The 6-digit code your authenticator app shows now, or one of your recovery codes."


def _code_field(label: str, *, help_text: str = CODE_HELP, name: str = "one-time-code") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        error_messages={"required": "Enter the code."},
        widget=forms.TextInput(
            attrs={"autocomplete": name, "autocapitalize": "off", "spellcheck": "false", "inputmode": "text"}
        ),
    )


class _SignInForm(USWDSFormMixin, forms.Form):
    """A refusal decided after the form was cleaned (a wrong code) is marked on its field like any error."""

    def full_clean(self):
        super().full_clean()
        self._cleaned = True

    def add_error(self, field, error):
        super().add_error(field, error)
        if getattr(self, "_cleaned", False) and field in self.fields:
            widget = self.fields[field].widget
            css = widget.attrs.get("class", "")
            if "usa-input--error" not in css.split():
                widget.attrs["class"] = f"{css} usa-input--error".strip()


class SecondFactorForm(_SignInForm):
    """The second page of signing in: a code from the app, or a recovery code."""

    otp_token = _code_field("Code")


class TOTPConfirmForm(_SignInForm):
    """Setting up the app: the code it shows proves it holds the secret."""

    otp_token = _code_field(
        "Code from your app", help_text="The 6-digit code your authenticator app shows for IPS Case Manager."
    )
    otp_token.widget.attrs["inputmode"] = "numeric"


class TwoFactorDisableForm(_SignInForm):
    otp_token = _code_field("Current code")


class ReauthenticateForm(_SignInForm):
    """The password again (and a code when the user has two-factor sign-in) before a decision.

    The field names are prefixed so that they never collide with the fields of the form being
    confirmed, which are carried along in the same post.
    """

    reauth_password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    reauth_otp_token = _code_field("Code")

    def __init__(self, *args, request, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if not with_code:
            del self.fields["reauth_otp_token"]

    def clean_reauth_password(self) -> str:
        password = self.cleaned_data["reauth_password"]
        user = self.request.user
        # Through authenticate(), so a wrong password counts toward the lockout like one on the sign-in page.
        if authenticate(self.request, username=user.get_username(), password=password) is None:
            raise forms.ValidationError(SignInError.WRONG_PASSWORD.label, code=SignInError.WRONG_PASSWORD.value)
        return password
