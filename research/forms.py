from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core import validators

from clinic.forms import DateInput
from clinic.roles import CLINICIAN
from clinic.vocabularies import Diagnosis, Technique
from protocols.models import PresetStatus, ProtocolPreset
from research.query import ExportFilters


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_username()


# Dates a filter may name: any session's date fits, and a day after the last still makes a date (the end of the
# range is the start of the next day; 9999-12-31 had none and answered 500).
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
OUT_OF_RANGE = f"Choose a date from {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}."


def filter_date(label):
    bounds = [
        validators.MinValueValidator(EARLIEST, message=OUT_OF_RANGE),
        validators.MaxValueValidator(LATEST, message=OUT_OF_RANGE),
    ]
    return forms.DateField(label=label, required=False, widget=DateInput(), validators=bounds)


class ExportForm(forms.Form):
    technique = forms.ChoiceField(choices=[("", "All techniques"), *Technique.choices], required=False)
    date_from = filter_date("Sessions from")
    date_to = filter_date("Sessions to")
    diagnosis = forms.ChoiceField(choices=[("", "All diagnoses"), *Diagnosis.choices], required=False)
    preset = forms.ChoiceField(label="Started from preset", required=False)
    clinician = ClinicianChoiceField(queryset=None, required=False, empty_label="All clinicians")
    include_demo = forms.BooleanField(label="Include synthetic demo records", required=False)

    def __init__(self, *args, clinician_by="pk", **kwargs):
        """`clinician_by="username"` takes the clinician by username (the shell's way) instead of by id
        (the page's); either way only clinicians are choices."""
        super().__init__(*args, **kwargs)
        slugs = (
            ProtocolPreset.objects.exclude(status=PresetStatus.DRAFT)
            .order_by("slug")
            .values_list("slug", "name")
            .distinct()
        )
        self.fields["preset"].choices = [("", "Any or none"), *dict(slugs).items()]
        self.fields["clinician"].queryset = get_user_model().objects.filter(groups__name=CLINICIAN).order_by("username")
        self.fields["clinician"].to_field_name = None if clinician_by == "pk" else clinician_by

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self):
        data = self.cleaned_data
        return ExportFilters(
            technique=data.get("technique") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            diagnosis=data.get("diagnosis") or "",
            preset=data.get("preset") or "",
            clinician=data["clinician"].pk if data.get("clinician") else None,
            include_demo=bool(data.get("include_demo")),
        )
