from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.consent_models import consent_subject
from clinic.signatures import SIGNATURE_TOO_LARGE

SIGNATURE_FIELD_LIMIT = 2 * 1024 * 1024  # characters of a data URL; clinic.signatures checks the image itself


def signature_field():
    """The signature drawn on the pad, as a PNG data URL (static/js/signature-pad.js). Not required here: a missing
    one gets clinic.signatures' own message where a signature is needed."""
    return forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=SIGNATURE_FIELD_LIMIT,
        strip=False,
        error_messages={"max_length": SIGNATURE_TOO_LARGE},
    )


class SignConsentForm(forms.Form):
    signature = signature_field()


class WithdrawConsentForm(forms.Form):
    consent = forms.ChoiceField(label=_("Consent withdrawn"))
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    signature = signature_field()

    def __init__(self, *args, held, **kwargs):
        """`held`: the (purpose, technique) pairs the patient has consented to and not withdrawn."""
        super().__init__(*args, **kwargs)
        self.fields["consent"].choices = [
            (f"{purpose}:{technique}", consent_subject(purpose, technique)) for purpose, technique in held
        ]

    def withdrawn(self):
        """(purpose, technique) of the consent chosen."""
        purpose, _, technique = self.cleaned_data["consent"].partition(":")
        return purpose, technique
