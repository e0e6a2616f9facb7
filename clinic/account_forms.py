"""Forms of one's own account: the second factor's code, and enrolling an authenticator app."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# The refusals in English (tests read them); the forms say them with _() in the active language.
CODE_REFUSED = gettext_noop("That code is not right, or has been used already. Try the next code your app shows.")
# django-otp waits 1, 2, 4, 8… seconds after each wrong code before it checks another.
SLOW_DOWN = gettext_noop("Too many wrong codes in a row: wait a few seconds, then type the code your app shows then.")


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes (each works once)."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        # Six digits are an app's code, anything else a recovery code: only the devices of that kind are tried,
        # so that a recovery code never counts as a wrong app code (which would slow the next one down).
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        devices = list(kind.objects.filter(user=self.user, confirmed=True))
        throttled = any(not device.verify_is_allowed()[0] for device in devices)
        self.device = next((device for device in devices if device.verify_token(code)), None)
        if self.device is None:
            raise forms.ValidationError(_(SLOW_DOWN if throttled else CODE_REFUSED), code="refused")
        return code


class ConfirmAuthenticatorForm(forms.Form):
    """The first code of a newly added authenticator app, proving it holds the key."""

    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not self.device.verify_token(code):
            raise forms.ValidationError(_(CODE_REFUSED), code="refused")
        return code
