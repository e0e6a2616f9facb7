from django import forms
from django.contrib.auth import get_user_model

from clinic.forms import DateInput
from clinic.roles import CLINICIAN
from clinic.vocabularies import Diagnosis, Technique
from protocols.models import PresetStatus, ProtocolPreset
from research.query import ExportFilters


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_username()


class ExportForm(forms.Form):
    technique = forms.ChoiceField(choices=[("", "All techniques"), *Technique.choices], required=False)
    date_from = forms.DateField(label="Sessions from", required=False, widget=DateInput())
    date_to = forms.DateField(label="Sessions to", required=False, widget=DateInput())
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
