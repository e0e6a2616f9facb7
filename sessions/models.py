"""What happened in the chair: treatment sessions, their drug blend and their photos."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic import ranges
from clinic.formatting import with_unit
from clinic.models import (
    ConcentrationUnit,
    Device,
    Diagnosis,
    Lot,
    LudwigStage,
    NeedleCartridge,
    NorwoodStage,
    Patient,
    Product,
)

# A clock a few minutes fast on a tablet must not block a clinician logging a session just done.
FUTURE_TOLERANCE = timedelta(minutes=5)


class Technique(models.TextChoices):
    MMP = "mmp", "MMP® (microinfusion of drugs into the skin)"
    MICRONEEDLING = "microneedling", "Microneedling"
    MICROINFUSION_STAMPING = "microinfusion_stamping", "Microinfusion stamping"
    SMP = "smp", "Scalp micropigmentation (SMP)"
    MESOTHERAPY = "mesotherapy", "Mesotherapy"
    MICROGRAFTS = "micrografts", "Autologous micrografts"
    OTHER = "other", "Other"


class ScalpZone(models.TextChoices):
    FRONTAL_HAIRLINE = "frontal_hairline", "Frontal hairline"
    FRONTAL = "frontal", "Frontal"
    MID_SCALP = "mid_scalp", "Mid-scalp"
    VERTEX = "vertex", "Vertex / crown"
    LEFT_TEMPORAL = "left_temporal", "Left temporal"
    RIGHT_TEMPORAL = "right_temporal", "Right temporal"
    PARIETAL = "parietal", "Parietal"
    OCCIPITAL = "occipital", "Occipital"
    SCAR = "scar", "Scar area"


class Anaesthesia(models.TextChoices):
    NONE = "none", "None"
    TOPICAL = "topical", "Topical"
    VIBRATION = "vibration", "Vibration"
    PINCH = "pinch", "Pinch technique"
    LOCAL_INJECTION = "local_injection", "Local injection"


class Endpoint(models.TextChoices):
    NONE = "none", "None reached"
    ERYTHEMA = "erythema", "Erythema"
    PINPOINT_BLEEDING = "pinpoint_bleeding", "Pinpoint bleeding"
    BLOODY_DEW = "bloody_dew", "“Bloody dew”"


class ImmediateAdverseEvent(models.TextChoices):
    NONE = "none", "None"
    EXCESSIVE_BLEEDING = "excessive_bleeding", "Bleeding beyond the endpoint"
    HAEMATOMA = "haematoma", "Haematoma"
    VASOVAGAL = "vasovagal", "Vasovagal reaction / fainting"
    SEVERE_PAIN = "severe_pain", "Pain that stopped the session"
    ALLERGIC_REACTION = "allergic_reaction", "Allergic reaction"
    OEDEMA = "oedema", "Oedema"
    OTHER = "other", "Other (describe in the notes)"


def _validate_codes(values, choices, label):
    if not isinstance(values, list) or any(value not in choices.values for value in values):
        raise ValidationError(f"Unknown {label}: choose from the list.", code="unknown_code")


def validate_zones(values):
    _validate_codes(values, ScalpZone, "scalp zone")


def validate_adverse_events(values):
    _validate_codes(values, ImmediateAdverseEvent, "adverse event")
    if ImmediateAdverseEvent.NONE in values and len(values) > 1:
        raise ValidationError("“None” cannot be combined with an adverse event.", code="none_and_event")


class VoidableQuerySet(models.QuerySet):
    def current(self):
        """Leave out voided records: they stay in history, not in lists."""
        return self.filter(voided_at__isnull=True)

    def voided(self):
        return self.filter(voided_at__isnull=False)


class Voidable(models.Model):
    """Clinical records are never deleted: they are voided, with a reason, and stay in history."""

    voided_at = models.DateTimeField("voided at", null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="voided by",
    )
    void_reason = models.TextField("reason for voiding", blank=True, editable=False)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(voided_at__isnull=True) & Q(voided_by__isnull=True) & Q(void_reason=""))
                | (Q(voided_at__isnull=False) & Q(voided_by__isnull=False) & ~Q(void_reason="")),
                name="%(app_label)s_%(class)s_void_has_who_when_why",
                violation_error_message="A voided record needs who voided it, when and why.",
            )
        ]

    @property
    def is_voided(self):
        return self.voided_at is not None


class TreatmentSessionQuerySet(VoidableQuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def newest_first(self):
        return self.order_by("-performed_at", "-pk")

    def with_details(self):
        return self.select_related(
            "patient", "clinician", "device", "cartridge", "voided_by", "preset"
        ).prefetch_related(
            Prefetch("blend_components", queryset=BlendComponent.objects.current().select_related("product", "lot")),
            Prefetch("photos", queryset=SessionPhoto.objects.current().order_by("-phase", "view", "taken_at")),
            Prefetch("delayed_events", queryset=DelayedAdverseEvent.objects.current().select_related("recorded_by")),
        )


class TreatmentSession(Voidable):
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="treatment_sessions", verbose_name="patient"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="logged_sessions", verbose_name="clinician"
    )
    performed_at = models.DateTimeField("performed at")
    technique = models.CharField("technique", max_length=24, choices=Technique.choices)
    preset = models.ForeignKey(
        "protocols.ProtocolPreset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name="started from preset",
        help_text="The exact preset version the session started from.",
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name="device"
    )
    cartridge = models.ForeignKey(
        NeedleCartridge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name="needle cartridge",
    )
    cartridge_lot = models.CharField("cartridge lot number", max_length=60, blank=True)
    cartridge_expiry = models.DateField("cartridge expiry date", null=True, blank=True)
    needle_depth_mm = ranges.NEEDLE_DEPTH_MM.field(
        models.DecimalField, "needle depth (mm)", max_digits=3, decimal_places=2
    )
    frequency_hz = ranges.FREQUENCY_HZ.field(models.PositiveSmallIntegerField, "frequency (Hz)")
    passes = ranges.PASSES.field(models.PositiveSmallIntegerField, "passes")
    treated_zones = models.JSONField("treated scalp zones", default=list, blank=True, validators=[validate_zones])
    treated_area_cm2 = ranges.TREATED_AREA_CM2.field(
        models.DecimalField, "treated area (cm²)", max_digits=5, decimal_places=1
    )
    anaesthesia = models.CharField("anaesthesia", max_length=16, choices=Anaesthesia.choices, blank=True)
    pain_score = ranges.PAIN_SCORE.field(models.PositiveSmallIntegerField, "pain score (0–10)")
    endpoint = models.CharField("endpoint reached", max_length=20, choices=Endpoint.choices, blank=True)
    adverse_events = models.JSONField(
        "immediate adverse events", default=list, blank=True, validators=[validate_adverse_events]
    )
    adverse_event_notes = models.TextField("adverse event details", blank=True)
    notes = models.TextField("notes", blank=True)
    is_demo = models.BooleanField("synthetic demo record", default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Bumped by every save.")
    # Kept up to date by protocols.courses.refresh_course_deviations whenever the session or its course changes.
    deviation_count = models.PositiveSmallIntegerField("departures from the preset", null=True, editable=False)
    deviation_summary = models.TextField("departures from the preset", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatmentSessionQuerySet.as_manager()
    # Derived values are refreshed in bulk, not edited: they stay out of the field history.
    history = HistoricalRecords(excluded_fields=["updated_at", "deviation_count", "deviation_summary"])

    class Meta:
        ordering = ["-performed_at", "-pk"]
        indexes = [models.Index(fields=["patient", "performed_at"], name="session_patient_performed")]
        constraints = [
            *Voidable.Meta.constraints,
            ranges.NEEDLE_DEPTH_MM.constraint("needle_depth_mm", name="session_needle_depth_range"),
            ranges.FREQUENCY_HZ.constraint("frequency_hz", name="session_frequency_range"),
            ranges.PASSES.constraint("passes", name="session_passes_range"),
            ranges.TREATED_AREA_CM2.constraint("treated_area_cm2", name="session_treated_area_range"),
            ranges.PAIN_SCORE.constraint("pain_score", name="session_pain_score_range"),
        ]

    def __str__(self):
        return f"{self.get_technique_display()} on {timezone.localtime(self.performed_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("session-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.performed_at:
            if self.performed_at > timezone.now() + FUTURE_TOLERANCE:
                errors["performed_at"] = "A session cannot be logged in the future."
            elif self.patient_id and timezone.localtime(self.performed_at).date() < self.patient.date_of_birth:
                errors["performed_at"] = "A session cannot be before the patient's date of birth."
        if self.cartridge_expiry and not self.cartridge_id:
            errors["cartridge_expiry"] = "Choose the cartridge this expiry date belongs to."
        if errors:
            raise ValidationError(errors)

    @property
    def performed_on(self):
        return timezone.localtime(self.performed_at).date()

    def key_parameters(self):
        """The parameters a clinician scans first, as short phrases; unknown ones are left out."""
        depth = self.needle_depth_mm
        phrases = [
            f"depth {with_unit(depth, 'mm')}" if depth is not None else None,
            f"{self.frequency_hz} Hz" if self.frequency_hz is not None else None,
            f"{self.passes} pass{'es' if self.passes != 1 else ''}" if self.passes is not None else None,
            ", ".join(self.zone_labels()) or None,
            str(self.device) if self.device_id else None,
            str(self.cartridge) if self.cartridge_id else None,
            f"pain {self.pain_score}/10" if self.pain_score is not None else None,
            f"endpoint: {self.get_endpoint_display()}" if self.endpoint else None,
        ]
        return [phrase for phrase in phrases if phrase]

    def zone_labels(self):
        return [ScalpZone(code).label for code in self.treated_zones if code in ScalpZone.values]

    @property
    def has_adverse_event(self):
        return any(code != ImmediateAdverseEvent.NONE for code in self.adverse_events)

    def adverse_event_labels(self):
        return [
            ImmediateAdverseEvent(code).label for code in self.adverse_events if code in ImmediateAdverseEvent.values
        ]


class BlendComponent(Voidable):
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="blend_components", verbose_name="session"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name="product")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="lot")
    concentration = ranges.CONCENTRATION.field(models.DecimalField, "concentration", max_digits=9, decimal_places=4)
    concentration_unit = models.CharField(
        "concentration unit", max_length=6, choices=ConcentrationUnit.choices, blank=True
    )
    volume_ml = ranges.VOLUME_ML.field(models.DecimalField, "volume (mL)", max_digits=4, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            *Voidable.Meta.constraints,
            ranges.CONCENTRATION.constraint("concentration", name="blend_concentration_positive"),
            ranges.VOLUME_ML.constraint("volume_ml", name="blend_volume_range"),
            models.CheckConstraint(
                condition=Q(concentration__isnull=True) | ~Q(concentration_unit=""),
                name="blend_concentration_has_unit",
                violation_error_message="Give the unit of the concentration.",
            ),
        ]

    def __str__(self):
        return " ".join(part for part in (self.product.name, self.strength) if part)

    def clean(self):
        errors = {}
        if self.lot_id and self.product_id and self.lot.product_id != self.product_id:
            errors["lot"] = f"This lot belongs to {self.lot.product.name}, not to the chosen product."
        if self.concentration is not None and not self.concentration_unit:
            errors["concentration_unit"] = "Give the unit of the concentration."
        if errors:
            raise ValidationError(errors)

    @property
    def strength(self):
        if self.concentration is None:
            return ""
        return with_unit(self.concentration, self.concentration_unit)


class PhotoPhase(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


class PhotoView(models.TextChoices):
    FRONTAL = "frontal", "Frontal"
    VERTEX = "vertex", "Vertex"
    TOP = "top", "Top"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    OCCIPITAL = "occipital", "Occipital"
    CLOSE_UP = "close_up", "Close-up / trichoscopy"


def photo_path(instance, filename):
    # The stored name says nothing about the patient: a random UUID and the re-encoded format.
    return f"photos/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class SessionPhoto(Voidable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="photos", verbose_name="session"
    )
    phase = models.CharField("phase", max_length=6, choices=PhotoPhase.choices)
    view = models.CharField("standard view", max_length=10, choices=PhotoView.choices)
    image = models.FileField("image", upload_to=photo_path)
    thumbnail = models.FileField("thumbnail", upload_to=photo_path)
    content_type = models.CharField(max_length=20, editable=False)
    width = models.PositiveIntegerField("width (px)", editable=False)
    height = models.PositiveIntegerField("height (px)", editable=False)
    taken_at = models.DateTimeField("taken at")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="uploaded by"
    )
    uploaded_at = models.DateTimeField("uploaded at", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "-phase", "view"]  # "before" sorts after "after"; before comes first
        constraints = [*Voidable.Meta.constraints]

    def __str__(self):
        return f"{self.get_phase_display()} – {self.get_view_display()}"

    def get_absolute_url(self):
        return reverse("photo-file", args=[self.pk])


NO_MEASURE = "Record at least one measure."
ASSESSMENT_MEASURES = [
    "hair_density_per_cm2",
    "shaft_diameter_um",
    "terminal_vellus_ratio",
    "global_photo_assessment",
    "salt_score",
    "norwood_hamilton_stage",
    "ludwig_stage",
    "satisfaction",
]


class AssessmentQuerySet(VoidableQuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)


class Assessment(Voidable):
    """What was measured at a visit, optionally on the day of a session. Unknown stays empty."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments", verbose_name="patient")
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name="session",
        help_text="The session of that visit, if any.",
    )
    assessed_on = models.DateField("assessed on")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="assessed by"
    )
    density_site = models.CharField("density site", max_length=20, choices=ScalpZone.choices, blank=True)
    hair_density_per_cm2 = ranges.HAIR_DENSITY.field(
        models.DecimalField, "hair density (hairs/cm²)", max_digits=5, decimal_places=1
    )
    shaft_diameter_um = ranges.SHAFT_DIAMETER_UM.field(
        models.DecimalField, "mean shaft diameter (µm)", max_digits=5, decimal_places=1
    )
    terminal_vellus_ratio = ranges.TERMINAL_VELLUS_RATIO.field(
        models.DecimalField, "terminal:vellus ratio", max_digits=5, decimal_places=2
    )
    global_photo_assessment = ranges.GLOBAL_PHOTO_ASSESSMENT.field(
        models.SmallIntegerField, "global photographic assessment (−3…+3)"
    )
    salt_score = ranges.SALT_SCORE.field(models.DecimalField, "SALT score (%)", max_digits=4, decimal_places=1)
    norwood_hamilton_stage = models.CharField(
        "Norwood–Hamilton stage", max_length=12, choices=NorwoodStage.choices, blank=True
    )
    ludwig_stage = models.CharField("Ludwig stage", max_length=4, choices=LudwigStage.choices, blank=True)
    satisfaction = ranges.SATISFACTION.field(models.PositiveSmallIntegerField, "patient satisfaction (1–5)")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed_on", "pk"]
        constraints = [
            *Voidable.Meta.constraints,
            ranges.HAIR_DENSITY.constraint("hair_density_per_cm2", name="assessment_density_range"),
            ranges.SHAFT_DIAMETER_UM.constraint("shaft_diameter_um", name="assessment_shaft_range"),
            ranges.TERMINAL_VELLUS_RATIO.constraint("terminal_vellus_ratio", name="assessment_tv_ratio_range"),
            ranges.GLOBAL_PHOTO_ASSESSMENT.constraint("global_photo_assessment", name="assessment_gpa_range"),
            ranges.SALT_SCORE.constraint("salt_score", name="assessment_salt_range"),
            ranges.SATISFACTION.constraint("satisfaction", name="assessment_satisfaction_range"),
        ]

    def __str__(self):
        return f"Assessment of {self.assessed_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = "An assessment cannot be in the future."
        elif self.assessed_on and self.patient_id and self.assessed_on < self.patient.date_of_birth:
            errors["assessed_on"] = "An assessment cannot be before the patient's date of birth."
        if self.session_id and self.patient_id and self.session.patient_id != self.patient_id:
            errors["session"] = "This session belongs to another patient."
        if self.hair_density_per_cm2 is not None and not self.density_site:
            errors["density_site"] = "Say where the density was measured."
        if self.salt_score is not None and self.patient_id and self.patient.diagnosis not in Diagnosis.areata_family():
            errors["salt_score"] = "A SALT score applies to alopecia areata, totalis or universalis only."
        measured = [
            self.hair_density_per_cm2,
            self.shaft_diameter_um,
            self.terminal_vellus_ratio,
            self.global_photo_assessment,
            self.salt_score,
            self.satisfaction,
        ]
        if self.norwood_hamilton_stage and self.ludwig_stage:
            errors["ludwig_stage"] = "Give one staging: Norwood–Hamilton or Ludwig."
        if (
            not errors
            and all(value is None for value in measured)
            and not (self.norwood_hamilton_stage or self.ludwig_stage)
        ):
            errors["__all__"] = NO_MEASURE
        if errors:
            raise ValidationError(errors)


class DelayedEventKind(models.TextChoices):
    INFECTION = "infection", "Infection"
    FOLLICULITIS = "folliculitis", "Folliculitis"
    PROLONGED_ERYTHEMA = "prolonged_erythema", "Prolonged erythema"
    HYPERPIGMENTATION = "hyperpigmentation", "Hyperpigmentation"
    PIGMENT_MIGRATION = "pigment_migration", "Pigment migration (SMP)"
    OTHER = "other", "Other (describe)"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class DelayedAdverseEvent(Voidable):
    """An adverse event noticed after the session it followed."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="delayed_events", verbose_name="session"
    )
    kind = models.CharField("event", max_length=20, choices=DelayedEventKind.choices)
    onset_on = models.DateField("onset")
    severity = models.CharField("severity", max_length=10, choices=Severity.choices)
    resolved_on = models.DateField("resolved on", null=True, blank=True, help_text="Empty while it lasts.")
    description = models.TextField("description", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="recorded by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["onset_on", "pk"]
        constraints = [
            *Voidable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("onset_on")),
                name="delayed_event_resolved_after_onset",
                violation_error_message="It cannot have resolved before its onset.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.onset_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.onset_on and self.session_id:
            if self.onset_on < self.session.performed_on:
                errors["onset_on"] = "A delayed event starts on or after the day of its session."
            elif self.onset_on > today:
                errors["onset_on"] = "The onset cannot be in the future."
        if self.resolved_on and self.resolved_on > today:
            errors["resolved_on"] = "The resolution cannot be in the future."
        elif self.resolved_on and self.onset_on and self.resolved_on < self.onset_on:
            errors["resolved_on"] = "It cannot have resolved before its onset."
        if self.kind == DelayedEventKind.PIGMENT_MIGRATION and self.session_id and self.session.technique != "smp":
            errors["kind"] = "Pigment migration follows scalp micropigmentation (SMP) sessions only."
        if self.kind == DelayedEventKind.OTHER and not self.description.strip():
            errors["description"] = "Describe the event."
        if errors:
            raise ValidationError(errors)
