"""A treatment session: what was done in the chair, with which equipment and parameters."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from clinic import ranges
from clinic.formatting import device_name, local_datetime, needle_geometry, with_unit
from clinic.models import Device, NeedleCartridge, Patient
from clinic.vocabularies import ScalpZone, Technique, TranslatedChoices
from sessions.models.kept import KeepsWhatWasUsed, kept
from sessions.models.voidable import Voidable, VoidableQuerySet

# A clock a few minutes fast on a tablet must not block a clinician logging a session just done.
FUTURE_TOLERANCE = timedelta(minutes=5)


class Anaesthesia(TranslatedChoices):
    NONE = "none", pgettext_lazy("anaesthesia", "None")
    TOPICAL = "topical", _("Topical")
    VIBRATION = "vibration", _("Vibration")
    PINCH = "pinch", _("Pinch technique")
    LOCAL_INJECTION = "local_injection", _("Local injection")


class Endpoint(TranslatedChoices):
    NONE = "none", _("None reached")
    ERYTHEMA = "erythema", _("Erythema")
    PINPOINT_BLEEDING = "pinpoint_bleeding", _("Pinpoint bleeding")
    BLOODY_DEW = "bloody_dew", _("“Bloody dew”")


class ImmediateAdverseEvent(TranslatedChoices):
    NONE = "none", pgettext_lazy("adverse event", "None")
    EXCESSIVE_BLEEDING = "excessive_bleeding", _("Bleeding beyond the endpoint")
    HAEMATOMA = "haematoma", _("Haematoma")
    VASOVAGAL = "vasovagal", _("Vasovagal reaction / fainting")
    SEVERE_PAIN = "severe_pain", _("Pain that stopped the session")
    ALLERGIC_REACTION = "allergic_reaction", _("Allergic reaction")
    OEDEMA = "oedema", _("Oedema")
    OTHER = "other", _("Other (describe in the notes)")


def _validate_codes(values, choices, message):
    if not isinstance(values, list) or any(value not in choices.values for value in values):
        raise ValidationError(message, code="unknown_code")


def validate_zones(values):
    _validate_codes(values, ScalpZone, _("Unknown scalp zone: choose from the list."))


def validate_adverse_events(values):
    _validate_codes(values, ImmediateAdverseEvent, _("Unknown adverse event: choose from the list."))
    if ImmediateAdverseEvent.NONE in values and len(values) > 1:
        raise ValidationError(_("“None” cannot be combined with an adverse event."), code="none_and_event")


# Code → label, looked up for every session a page lists (the enums' own lookups build their lists anew each time).
_ZONE_LABELS = dict(ScalpZone.choices)
_ADVERSE_EVENT_LABELS = dict(ImmediateAdverseEvent.choices)


class TreatmentSessionQuerySet(VoidableQuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)

    def newest_first(self):
        return self.order_by("-performed_at", "-pk")

    def with_details(self):
        """What the session page and the edit page show: the patient, people and preset (the equipment and blend
        as the session kept them); the current blend and delayed events; every photo, voided ones too
        (`all_photos`, split by sessions.selectors)."""
        return self.select_related("patient", "clinician", "preset").prefetch_related(
            Prefetch("blend_components", queryset=_current("blend_components")),
            Prefetch(
                "photos",
                queryset=_related("photos").objects.select_related("voided_by").order_by("-phase", "view", "taken_at"),
                to_attr="all_photos",
            ),
            Prefetch("delayed_events", queryset=_current("delayed_events").select_related("recorded_by")),
        )


def _related(related_name):
    """The model that points at sessions under this related name (named, so that no module imports in a cycle)."""
    return TreatmentSession._meta.get_field(related_name).related_model


def _current(related_name):
    return _related(related_name).objects.current()


class TreatmentSession(KeepsWhatWasUsed, Voidable):
    audit_name = "session"  # how the audit trail names it
    kept_from = {
        "device": {
            "device_kind": "kind",
            "device_manufacturer": "manufacturer",
            "device_model": "model_name",
            "device_serial": "serial_number",
        },
        "cartridge": {
            "cartridge_name": "name",
            "cartridge_configuration": "configuration",
            "cartridge_needle_count": "needle_count",
            "cartridge_needle_diameter_mm": "needle_diameter_mm",
            "cartridge_needle_length_mm": "needle_length_mm",
            "cartridge_gauge": "gauge",
        },
    }

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="treatment_sessions", verbose_name=_("patient")
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="logged_sessions", verbose_name=_("clinician")
    )
    performed_at = models.DateTimeField(_("performed at"))
    technique = models.CharField(_("technique"), max_length=24, choices=Technique.choices)
    preset = models.ForeignKey(
        "protocols.ProtocolPreset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("started from preset"),
        help_text=_("The exact preset version the session started from."),
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name=_("device")
    )
    cartridge = models.ForeignKey(
        NeedleCartridge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("needle cartridge"),
    )
    device_kind = kept(Device, "kind", _("device kind"))
    device_manufacturer = kept(Device, "manufacturer", _("device manufacturer"))
    device_model = kept(Device, "model_name", _("device model"))
    device_serial = kept(Device, "serial_number", _("device serial number"))
    cartridge_name = kept(NeedleCartridge, "name", _("cartridge"))
    cartridge_configuration = kept(NeedleCartridge, "configuration", _("cartridge configuration"))
    cartridge_needle_count = kept(NeedleCartridge, "needle_count", _("needle count"))
    cartridge_needle_diameter_mm = kept(NeedleCartridge, "needle_diameter_mm", _("needle diameter (mm)"))
    cartridge_needle_length_mm = kept(NeedleCartridge, "needle_length_mm", _("needle length (mm)"))
    cartridge_gauge = kept(NeedleCartridge, "gauge", _("gauge (G)"))
    cartridge_lot = models.CharField(_("cartridge lot number"), max_length=60, blank=True)
    cartridge_expiry = models.DateField(_("cartridge expiry date"), null=True, blank=True)
    needle_depth_mm = ranges.NEEDLE_DEPTH_MM.field(
        models.DecimalField, _("needle depth (mm)"), max_digits=3, decimal_places=2
    )
    frequency_hz = ranges.FREQUENCY_HZ.field(models.PositiveSmallIntegerField, _("frequency (Hz)"))
    passes = ranges.PASSES.field(models.PositiveSmallIntegerField, _("passes"))
    treated_zones = models.JSONField(_("treated scalp zones"), default=list, blank=True, validators=[validate_zones])
    treated_area_cm2 = ranges.TREATED_AREA_CM2.field(
        models.DecimalField, _("treated area (cm²)"), max_digits=5, decimal_places=1
    )
    anaesthesia = models.CharField(_("anaesthesia"), max_length=16, choices=Anaesthesia.choices, blank=True)
    pain_score = ranges.PAIN_SCORE.field(models.PositiveSmallIntegerField, _("pain score (0–10)"))
    endpoint = models.CharField(_("endpoint reached"), max_length=20, choices=Endpoint.choices, blank=True)
    adverse_events = models.JSONField(
        _("immediate adverse events"), default=list, blank=True, validators=[validate_adverse_events]
    )
    adverse_event_notes = models.TextField(_("adverse event details"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False, help_text=_("Bumped by every save."))
    # Kept up to date by sessions.courses.refresh_course_deviations whenever the session or its course changes.
    deviation_count = models.PositiveSmallIntegerField(_("departures from the preset"), null=True, editable=False)
    deviation_summary = models.TextField(_("departures from the preset"), blank=True, editable=False)
    # Kept by the same refresh: the next session's due window, on the latest current session of an unfinished
    # preset course (empty on every other session), so the worklist finds due courses without reading courses.
    next_due_from = models.DateField(_("next session due from"), null=True, editable=False)
    next_due_to = models.DateField(_("next session due by"), null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatmentSessionQuerySet.as_manager()
    # Derived values are refreshed in bulk, not edited: they stay out of the field history.
    history = HistoricalRecords(
        excluded_fields=["updated_at", "deviation_count", "deviation_summary", "next_due_from", "next_due_to"]
    )

    class Meta:
        verbose_name = _("treatment session")
        verbose_name_plural = _("treatment sessions")
        ordering = ["-performed_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "performed_at"], name="session_patient_performed"),
            # The research export's privacy plan counts every current session by patient and age: from this index
            # alone, without reading the sessions' rows (research.query.QUASI_IDENTIFIER_SQL).
            models.Index(
                fields=["patient", "performed_at"],
                name="session_current_by_patient",
                condition=models.Q(voided_at__isnull=True),
            ),
            # The worklist (sessions.worklist): the courses due soon (found by the end of their window, which keeps
            # the long-abandoned ones out of the range read), and today's sessions.
            models.Index(
                fields=["next_due_to", "next_due_from"],
                name="session_next_due",
                condition=models.Q(voided_at__isnull=True, next_due_to__isnull=False),
            ),
            models.Index(
                fields=["performed_at"], name="session_current_by_time", condition=models.Q(voided_at__isnull=True)
            ),
            # Lot recall (sessions.recall) looks a cartridge lot up, capitals aside.
            models.Index(
                Upper("cartridge_lot"), name="session_current_cartridge_lot", condition=models.Q(voided_at__isnull=True)
            ),
        ]
        constraints = [
            *Voidable.Meta.constraints,
            ranges.NEEDLE_DEPTH_MM.constraint("needle_depth_mm", name="session_needle_depth_range"),
            ranges.FREQUENCY_HZ.constraint("frequency_hz", name="session_frequency_range"),
            ranges.PASSES.constraint("passes", name="session_passes_range"),
            ranges.TREATED_AREA_CM2.constraint("treated_area_cm2", name="session_treated_area_range"),
            ranges.PAIN_SCORE.constraint("pain_score", name="session_pain_score_range"),
        ]

    def __str__(self):
        return _("%(technique)s on %(when)s") % {
            "technique": self.get_technique_display(),
            "when": local_datetime(self.performed_at),
        }

    def get_absolute_url(self):
        return reverse("session-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.performed_at:
            if self.performed_at > timezone.now() + FUTURE_TOLERANCE:
                errors["performed_at"] = _("A session cannot be logged in the future.")
            elif self.patient_id and timezone.localtime(self.performed_at).date() < self.patient.date_of_birth:
                errors["performed_at"] = _("A session cannot be before the patient's date of birth.")
        if self.cartridge_expiry and not self.cartridge_id:
            errors["cartridge_expiry"] = _("Choose the cartridge this expiry date belongs to.")
        if errors:
            raise ValidationError(errors)

    @property
    def performed_on(self):
        return timezone.localtime(self.performed_at).date()

    def key_parameters(self):
        """The parameters a clinician scans first, as short phrases; unknown ones are left out."""
        depth, passes = self.needle_depth_mm, self.passes
        phrases = [
            _("depth %(depth)s") % {"depth": with_unit(depth, "mm")} if depth is not None else None,
            f"{self.frequency_hz} Hz" if self.frequency_hz is not None else None,
            ngettext("%(count)s pass", "%(count)s passes", passes) % {"count": passes} if passes is not None else None,
            ", ".join(str(label) for label in self.zone_labels()) or None,
            self.device_label or None,
            self.cartridge_name or None,
            _("pain %(score)s/10") % {"score": self.pain_score} if self.pain_score is not None else None,
            _("endpoint: %(endpoint)s") % {"endpoint": self.get_endpoint_display()} if self.endpoint else None,
        ]
        return [phrase for phrase in phrases if phrase]

    @property
    def device_label(self):
        """The device as it stood when chosen: "Manufacturer Model #serial"."""
        return device_name(self.device_manufacturer, self.device_model, self.device_serial)

    @property
    def cartridge_geometry(self):
        return needle_geometry(
            self.cartridge_needle_count, self.cartridge_needle_diameter_mm, self.cartridge_needle_length_mm
        )

    def zone_labels(self):
        return [str(_ZONE_LABELS[code]) for code in self.treated_zones if code in _ZONE_LABELS]

    @property
    def has_adverse_event(self):
        return any(code != ImmediateAdverseEvent.NONE for code in self.adverse_events)

    def adverse_event_labels(self):
        return [str(_ADVERSE_EVENT_LABELS[code]) for code in self.adverse_events if code in _ADVERSE_EVENT_LABELS]
