"""What the literature reports: reference presets that clinicians start from.

A preset carries exactly what its source reports; what the source does not state stays empty.
Published presets are frozen: a change makes a new draft version, and sessions keep the version
they used.
"""

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import dosage, ranges
from clinic.formatting import dose_phrase, needle_geometry, value_range
from clinic.versioning import FrozenVersionError, Versioned, VersionStatus
from clinic.vocabularies import Diagnosis, Technique, TranslatedChoices


class EvidenceType(TranslatedChoices):
    EX_VIVO = "ex_vivo", _("Ex vivo study")
    CASE_REPORT = "case_report", _("Case report")
    CASE_SERIES = "case_series", _("Case series")
    CONTROLLED_TRIAL = "controlled_trial", _("Controlled trial")
    REVIEW = "review", _("Review")
    TRADE_SOURCE = "trade_source", _("Trade source")


# A preset's lifecycle is the one every versioned text has (clinic/versioning.py).
PresetStatus = VersionStatus


def _min_max(low, high, name, message):
    return models.CheckConstraint(
        condition=Q(**{f"{low}__isnull": True}) | Q(**{f"{high}__isnull": True}) | Q(**{f"{low}__lte": F(high)}),
        name=name,
        violation_error_message=message,
    )


def validate_indications(value):
    if not isinstance(value, list) or any(code not in Diagnosis.values for code in value):
        raise ValidationError(_("Indications must be a list of known diagnoses."), code="unknown_indication")


class PresetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PresetStatus.PUBLISHED)

    def for_technique(self, technique):
        return self.filter(technique=technique)

    def with_indication(self, code):
        # Indications are a short JSON list on a few dozen presets; JSON containment is not
        # available on SQLite, so the match is made here, the same way on every database.
        return self.filter(pk__in=[pk for pk, codes in self.values_list("pk", "indications") if code in codes])


class ProtocolPreset(Versioned):
    audit_name = "preset"  # how the audit trail names it

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, help_text=_("Shared by every version of this preset."))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=PresetStatus.choices, default=PresetStatus.DRAFT)
    technique = models.CharField(_("technique"), max_length=24, choices=Technique.choices)
    indications = models.JSONField(
        "indications",
        default=list,
        blank=True,
        validators=[validate_indications],
        help_text=_("Diagnoses the source treated."),
    )
    evidence_type = models.CharField(_("evidence type"), max_length=20, choices=EvidenceType.choices)
    # Citation
    authors = models.CharField(_("authors"), max_length=300)
    title = models.CharField(_("title"), max_length=400, blank=True)
    journal = models.CharField(_("journal"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    volume_pages = models.CharField(_("volume and pages"), max_length=100, blank=True)
    doi = models.CharField(_("DOI"), max_length=100, blank=True)
    pmid = models.CharField(_("PMID"), max_length=20, blank=True)
    url = models.URLField(_("URL"), blank=True)
    # Equipment
    device_description = models.CharField(_("device"), max_length=200, blank=True)
    needle_count = ranges.NEEDLE_COUNT.field(models.PositiveSmallIntegerField, _("needle count"))
    needle_diameter_mm = ranges.NEEDLE_DIAMETER_MM.field(
        models.DecimalField, _("needle diameter (mm)"), max_digits=3, decimal_places=2
    )
    needle_length_mm = ranges.NEEDLE_LENGTH_MM.field(
        models.DecimalField, _("needle length (mm)"), max_digits=4, decimal_places=2
    )
    # Parameters
    depth_min_mm = ranges.NEEDLE_DEPTH_MM.field(
        models.DecimalField, _("depth from (mm)"), max_digits=3, decimal_places=2
    )
    depth_max_mm = ranges.NEEDLE_DEPTH_MM.field(models.DecimalField, _("depth to (mm)"), max_digits=3, decimal_places=2)
    frequency_min_hz = ranges.FREQUENCY_HZ.field(models.PositiveSmallIntegerField, _("frequency from (Hz)"))
    frequency_max_hz = ranges.FREQUENCY_HZ.field(models.PositiveSmallIntegerField, _("frequency to (Hz)"))
    needling_density = models.PositiveIntegerField(_("needling density (perforations/cm²)"), null=True, blank=True)
    session_count = models.PositiveSmallIntegerField(_("number of sessions"), null=True, blank=True)
    interval_min_days = models.PositiveSmallIntegerField(_("interval from (days)"), null=True, blank=True)
    interval_max_days = models.PositiveSmallIntegerField(_("interval to (days)"), null=True, blank=True)
    anaesthesia = models.CharField(_("anaesthesia"), max_length=200, blank=True)
    endpoint = models.CharField(_("endpoint"), max_length=200, blank=True)
    home_care = models.TextField(_("home care"), blank=True)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Including conflicting reports between sources."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PresetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["technique", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="preset_unique_slug_version"),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(status=PresetStatus.PUBLISHED),
                name="preset_one_published_version",
                violation_error_message=_("Another version of this preset is already published."),
            ),
            _min_max(
                "depth_min_mm",
                "depth_max_mm",
                "preset_depth_min_max",
                _("The lowest depth must not be above the highest."),
            ),
            _min_max(
                "frequency_min_hz",
                "frequency_max_hz",
                "preset_frequency_min_max",
                _("The lowest frequency must not be above the highest."),
            ),
            _min_max(
                "interval_min_days",
                "interval_max_days",
                "preset_interval_min_max",
                _("The lowest interval must not be above the highest."),
            ),
            ranges.NEEDLE_DEPTH_MM.constraint("depth_min_mm", name="preset_depth_min_range"),
            ranges.NEEDLE_DEPTH_MM.constraint("depth_max_mm", name="preset_depth_max_range"),
            ranges.FREQUENCY_HZ.constraint("frequency_min_hz", name="preset_frequency_min_range"),
            ranges.FREQUENCY_HZ.constraint("frequency_max_hz", name="preset_frequency_max_range"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self):
        return reverse("preset-detail", args=[self.slug, self.version])

    # Ranges as the library's table shows them (its row headings give the units); one end may be missing.
    @property
    def depth_range(self):
        return value_range(self.depth_min_mm, self.depth_max_mm)

    @property
    def frequency_range(self):
        return value_range(self.frequency_min_hz, self.frequency_max_hz)

    @property
    def interval_range(self):
        return value_range(self.interval_min_days, self.interval_max_days)

    @property
    def needle_geometry(self):
        return needle_geometry(self.needle_count, self.needle_diameter_mm, self.needle_length_mm)

    @property
    def is_published(self):
        return self.status == PresetStatus.PUBLISHED

    @property
    def citation(self):
        """Authors. Title. Journal year volume(issue):pages. Each part ends with one stop."""
        source = " ".join(part for part in (self.journal, str(self.year or ""), self.volume_pages) if part)
        parts = [part.strip() for part in (self.authors, self.title, source) if part and part.strip()]
        return " ".join(part if part[-1] in ".?!" else f"{part}." for part in parts)

    @property
    def doi_url(self):
        # A DOI may hold characters that mean something in a URL (#, ?, <, >): quote them.
        return f"https://doi.org/{quote(self.doi, safe='/:;()')}" if self.doi else ""

    def indication_labels(self):
        return [Diagnosis(code).label for code in self.indications if code in Diagnosis.values]


class PresetBlendComponent(models.Model):
    audit_name = "preset_blend_component"  # how the audit trail names it

    preset = models.ForeignKey(
        ProtocolPreset, on_delete=models.CASCADE, related_name="blend_components", verbose_name=_("preset")
    )
    drug = models.CharField(_("drug or product"), max_length=120)
    active_ingredient = models.CharField(_("active ingredient"), max_length=120, blank=True)
    concentration, concentration_unit = dosage.concentration_fields()
    volume_ml = dosage.volume_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            *dosage.concentration_constraints(
                "concentration",
                positive="preset_blend_concentration_positive",
                has_unit="preset_blend_concentration_has_unit",
            ),
            dosage.volume_constraint(name="preset_blend_volume_range"),
        ]

    def __str__(self):
        return dose_phrase(self.drug, self.concentration, self.concentration_unit)

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self):
        status = ProtocolPreset._base_manager.filter(pk=self.preset_id).values_list("status", flat=True).first()
        if status in (PresetStatus.PUBLISHED, PresetStatus.RETIRED):
            raise FrozenVersionError(f"The blend of a {status} preset cannot change: make a new version.")
