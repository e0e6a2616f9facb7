"""Forms of one's own account: the second factor's code, and enrolling an authenticator app."""

from django import forms
from django_otp import match_token

CODE_REFUSED = "That code is not right, or has been used already. Try the next code your app shows."


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes (each works once)."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        self.device = match_token(self.user, code)
        if self.device is None:
            raise forms.ValidationError(CODE_REFUSED, code="refused")
        return code


class ConfirmAuthenticatorForm(forms.Form):
    """The first code of a newly added authenticator app, proving it holds the key."""

    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not self.device.verify_token(code):
            raise forms.ValidationError(CODE_REFUSED, code="refused")
        return code
