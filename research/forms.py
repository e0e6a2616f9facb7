from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core import validators
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.formatting import local_date
from clinic.forms import DateInput
from clinic.roles import CLINICIAN
from clinic.vocabularies import Diagnosis, Technique
from protocols.models import PresetStatus, ProtocolPreset
from research.models import agreement_in_force
from research.privacy import AGE_BANDS, Generalisation
from research.query import ExportFilters

# The de-identified tier's rule: sessions are chosen by calendar year, never by day — a window of one day would
# date every session of the patients in it (days_since_first_session does the rest).
YEARS_ONLY = _(
    "A de-identified export chooses sessions by calendar year: give years, not days. Exact dates need a limited "
    "data set, under a data use agreement an administrator records."
)


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_username()


# Dates a filter may name: any session's date fits, and a day after the last still makes a date (the end of the
# range is the start of the next day; 9999-12-31 had none and answered 500).
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def _out_of_range():
    return gettext("Choose a date from %(first)s to %(last)s.") % {
        "first": local_date(EARLIEST),
        "last": local_date(LATEST),
    }


OUT_OF_RANGE = lazy(_out_of_range, str)()  # the dates as the page's language writes them


def filter_date(label):
    bounds = [
        validators.MinValueValidator(EARLIEST, message=OUT_OF_RANGE),
        validators.MaxValueValidator(LATEST, message=OUT_OF_RANGE),
    ]
    return forms.DateField(label=label, required=False, widget=DateInput(), validators=bounds)


def filter_year(label):
    return forms.IntegerField(
        label=label, required=False, min_value=EARLIEST.year, max_value=LATEST.year, widget=forms.NumberInput()
    )


GROUPING = [("grouped", _("Grouped")), ("exact", _("Exact"))]


class ExportForm(forms.Form):
    technique = forms.ChoiceField(
        label=_("Technique"), choices=[("", _("All techniques")), *Technique.choices], required=False
    )
    year_from = filter_year(_("Sessions from year"))
    year_to = filter_year(_("Sessions to year"))
    date_from = filter_date(_("Sessions from (limited data set)"))
    date_to = filter_date(_("Sessions to (limited data set)"))
    diagnosis = forms.ChoiceField(
        label=_("Diagnosis"), choices=[("", _("All diagnoses")), *Diagnosis.choices], required=False
    )
    preset = forms.ChoiceField(label=_("Started from preset"), required=False)
    clinician = ClinicianChoiceField(
        label=_("Clinician"), queryset=None, required=False, empty_label=_("All clinicians")
    )
    include_demo = forms.BooleanField(label=_("Include synthetic demo records"), required=False)
    limited_data_set = forms.BooleanField(
        label=_("Limited data set: exact session dates (under your data use agreement)"), required=False
    )
    age = forms.ChoiceField(
        label=_("Ages"), choices=[(str(band), capfirst(label)) for band, label in AGE_BANDS.items()], required=False
    )
    fitzpatrick = forms.ChoiceField(label=_("Fitzpatrick types"), choices=GROUPING, required=False)
    staging = forms.ChoiceField(label=_("Stages (Norwood–Hamilton, Ludwig, SALT)"), choices=GROUPING, required=False)

    def __init__(self, *args, clinician_by="pk", agreement=None, **kwargs):
        """`clinician_by="username"` takes the clinician by username (the shell's way) instead of by id
        (the page's); either way only clinicians are choices. `agreement`: the reference of the data use
        agreement the exporting researcher is under, if any (see research.models.agreement_in_force)."""
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        slugs = (
            ProtocolPreset.objects.exclude(status=PresetStatus.DRAFT)
            .order_by("slug")
            .values_list("slug", "name")
            .distinct()
        )
        self.fields["preset"].choices = [("", gettext("Any or none")), *dict(slugs).items()]
        self.fields["clinician"].queryset = get_user_model().objects.filter(groups__name=CLINICIAN).order_by("username")
        self.fields["clinician"].to_field_name = None if clinician_by == "pk" else clinician_by

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("limited_data_set") and not self.agreement:
            self.add_error(
                "limited_data_set", gettext("You have no data use agreement in force: ask an administrator.")
            )
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if (start or end) and not (cleaned.get("limited_data_set") and self.agreement):
            self.add_error("date_from" if start else "date_to", YEARS_ONLY)
        if start and end and start > end:
            self.add_error("date_to", gettext("The end date is before the start date."))
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and first > last:
            self.add_error("year_to", gettext("The last year is before the first."))
        return cleaned

    def filters(self):
        data = self.cleaned_data
        limited = bool(data.get("limited_data_set"))
        return ExportFilters(
            technique=data.get("technique") or "",
            date_from=_latest(data.get("date_from"), _first_day(data.get("year_from"))),
            date_to=_earliest(data.get("date_to"), _last_day(data.get("year_to"))),
            diagnosis=data.get("diagnosis") or "",
            preset=data.get("preset") or "",
            clinician=data["clinician"].pk if data.get("clinician") else None,
            include_demo=bool(data.get("include_demo")),
            limited_data_set=self.agreement if limited else "",
            generalisation=Generalisation(
                age_band=int(data.get("age") or Generalisation.age_band),
                fitzpatrick_grouped=data.get("fitzpatrick") != "exact",
                staging_grouped=data.get("staging") != "exact",
                withhold_rare=not limited,
            ),
        )


def export_form(data, user):
    """The export page's form for this researcher: the limited data set is theirs only under an agreement."""
    agreement = agreement_in_force(user)
    return ExportForm(data, agreement=agreement.reference if agreement else None)


def _first_day(year):
    return date(year, 1, 1) if year else None


def _last_day(year):
    return date(year, 12, 31) if year else None


def _latest(*days):
    return max((day for day in days if day), default=None)


def _earliest(*days):
    return min((day for day in days if day), default=None)
