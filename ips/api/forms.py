from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from countries.forms import USWDSFormMixin


class ApiClientForm(USWDSFormMixin, forms.Form):
    username = forms.CharField(
        max_length=150, validators=[UnicodeUsernameValidator()],
        help_text="A short name for the system, e.g. cbp-targeting. Letters, digits and @ . + - _ only.",
    )
    name = forms.CharField(label="System name", max_length=150, help_text="The system or office that will use it.")
    contact_email = forms.EmailField(label="Contact email", required=False,
                                     help_text="Who to tell before the token is revoked.")
