from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clinic.formatting import plain
from clinic.models import Patient
from clinic.parsing import positive_int
from clinic.ranges import RangeValidator
from clinic.signin import ADDRESS_THROTTLED, address_throttled


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlainNumberInput(forms.NumberInput):
    """A stored number shown as a person writes it: 0.6, not the database's 0.60 (a value typed back stays as
    typed)."""

    def format_value(self, value):
        return super().format_value(plain(value) if isinstance(value, Decimal) else value)


class LocalDecimalInput(PlainNumberInput):
    """A decimal typed the local way: 0,6 where the language writes a decimal comma (pt-BR, es), which a number
    input would refuse; phones still offer their number keypad."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


def decimal_input(attrs):
    """The input for a decimal in the active language: a number input where it writes a decimal point."""
    if formats.get_format("DECIMAL_SEPARATOR") == ".":
        return PlainNumberInput(attrs=attrs)
    return LocalDecimalInput(attrs={key: value for key, value in attrs.items() if key not in ("step", "min", "max")})


class RangeMessagesMixin:
    """Give form fields the model's physical-range check, so the clinician reads one clear sentence, and show stored
    decimals plainly (PlainNumberInput).

    Django's generic min/max and digit-count checks would otherwise speak first
    ("Ensure that there are no more than 3 digits in total").
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            if isinstance(form_field, forms.DecimalField):
                # Typed and shown in the active language's format: 0,3 in pt-BR is stored as 0.3.
                form_field.localize = True
                if type(form_field.widget) is forms.NumberInput:
                    form_field.widget = decimal_input(form_field.widget.attrs)
                form_field.widget.is_localized = True
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            ranges = [v for v in model_field.validators if isinstance(v, RangeValidator)]
            if not ranges:
                continue
            kept = [
                v
                for v in form_field.validators
                if not isinstance(
                    v, validators.MinValueValidator | validators.MaxValueValidator | validators.DecimalValidator
                )
            ]
            if isinstance(form_field, forms.DecimalField):
                kept.append(validators.DecimalValidator(None, form_field.decimal_places))
            form_field.validators = ranges + kept
            range_ = ranges[0]
            attrs = form_field.widget.attrs
            attrs.pop("max", None)
            attrs.pop("min", None)
            if isinstance(form_field.widget, LocalDecimalInput):
                continue
            if range_.low_inclusive:
                attrs["min"] = range_.low
            if range_.high is not None:
                attrs["max"] = range_.high


USERNAME_MAX_LENGTH = 150


def username_for_axes(request, credentials):
    return str((credentials or {}).get("username") or "")[:USERNAME_MAX_LENGTH]


class LoginForm(AuthenticationForm):
    """Django's login form, refusing an over-long username before it reaches authentication, and any password
    from an address that has failed too often lately (clinic/signin.py)."""

    throttled = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(validators.MaxLengthValidator(USERNAME_MAX_LENGTH))

    def clean(self):
        username = self.cleaned_data.get("username")
        if self.request is not None and address_throttled(self.request, username):
            self.throttled = True
            raise forms.ValidationError(_(ADDRESS_THROTTLED), code="throttled")
        return super().clean()


# In English here, for tests and other forms to name it; said with _() where a form refuses.
TAMPERED_FORM = gettext_noop("This form was altered or is out of date: reload the page and enter your changes again.")


class VersionedFormMixin(forms.Form):
    """Remembers which version of the record the form showed, for optimistic concurrency."""

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=12)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean_seen_version(self):
        raw = self.cleaned_data["seen_version"]
        if not raw and self.instance.pk is None:
            return self.instance.version  # a new record: nobody else can have saved it yet
        # An edit without it (an old page, a hand-made post) cannot show which version it started from: checked
        # against the version stored now, it would overwrite whatever a colleague saved meanwhile.
        seen = positive_int(raw)
        if seen is None:
            # A hidden field cannot show its own error: say it where the user will read it.
            self.add_error(None, _(TAMPERED_FORM))
        return seen

    def show_conflict(self, conflict):
        """Keep what the user typed, explain what changed meanwhile, and let a second save go through."""
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = conflict.current.version
        self.add_error(
            None,
            _(
                "Someone else saved this record while you were editing it. %(changes)s "
                "Your changes are still in the form and were not saved: check them and save again."
            )
            % {"changes": " ".join(conflict.changes)},
        )


class RangeCheckedModelForm(RangeMessagesMixin, forms.ModelForm):
    """Base form for the admin, so curators and admins read the same range messages as clinicians."""


class PatientForm(VersionedFormMixin, RangeMessagesMixin, forms.ModelForm):
    """Who the patient is and their diagnosis. Their consents are signed and withdrawn on the consent pages
    (clinic.consent_services keeps the stored state): this form only shows them."""

    class Meta:
        model = Patient
        fields = [
            "record_number",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "diagnosis",
            "fitzpatrick_type",
            "norwood_hamilton_stage",
            "ludwig_stage",
            "salt_score",
            "notes",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_record_number(self):
        return self.cleaned_data["record_number"].strip().upper()
