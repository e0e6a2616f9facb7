"""Outcomes: assessments at a visit and adverse events noticed after a session."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.formatting import local_date
from clinic.models import Patient
from clinic.vocabularies import Diagnosis, ScalpZone, TranslatedChoices
from sessions import measures
from sessions.models.session import TreatmentSession
from sessions.models.voidable import Voidable, VoidableQuerySet

NO_MEASURE = _("Record at least one measure.")


class AssessmentQuerySet(VoidableQuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)


class Assessment(Voidable):
    """What was measured at a visit, optionally on the day of a session. Unknown stays empty."""

    audit_name = "assessment"  # how the audit trail names it
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("patient")
    )
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("session"),
        help_text=_("The session of that visit, if any."),
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    density_site = models.CharField(_("density site"), max_length=20, choices=ScalpZone.choices, blank=True)
    hair_density_per_cm2 = measures.HAIR_DENSITY.model_field(models.DecimalField, max_digits=5, decimal_places=1)
    shaft_diameter_um = measures.SHAFT_DIAMETER.model_field(models.DecimalField, max_digits=5, decimal_places=1)
    terminal_vellus_ratio = measures.TERMINAL_VELLUS_RATIO.model_field(
        models.DecimalField, max_digits=5, decimal_places=2
    )
    global_photo_assessment = measures.GLOBAL_PHOTO_ASSESSMENT.model_field(models.SmallIntegerField)
    salt_score = measures.SALT_SCORE.model_field(models.DecimalField, max_digits=4, decimal_places=1)
    norwood_hamilton_stage = measures.NORWOOD_HAMILTON_STAGE.model_field(models.CharField, max_length=12)
    ludwig_stage = measures.LUDWIG_STAGE.model_field(models.CharField, max_length=4)
    satisfaction = measures.SATISFACTION.model_field(models.PositiveSmallIntegerField)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["assessed_on", "pk"]
        constraints = [
            *Voidable.Meta.constraints,
            *(measure.constraint() for measure in measures.ASSESSMENT_MEASURES if measure.range),
        ]

    def __str__(self):
        return _("Assessment of %(date)s") % {"date": local_date(self.assessed_on)}

    def clean(self):
        errors = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = _("An assessment cannot be in the future.")
        elif self.assessed_on and self.patient_id and self.assessed_on < self.patient.date_of_birth:
            errors["assessed_on"] = _("An assessment cannot be before the patient's date of birth.")
        if self.session_id and self.patient_id and self.session.patient_id != self.patient_id:
            errors["session"] = _("This session belongs to another patient.")
        if self.hair_density_per_cm2 is not None and not self.density_site:
            errors["density_site"] = _("Say where the density was measured.")
        if self.salt_score is not None and self.patient_id and self.patient.diagnosis not in Diagnosis.areata_family():
            errors["salt_score"] = _("A SALT score applies to alopecia areata, totalis or universalis only.")
        if self.norwood_hamilton_stage and self.ludwig_stage:
            errors["ludwig_stage"] = _("Give one staging: Norwood–Hamilton or Ludwig.")
        if not errors and not measures.has_a_measure(self):
            errors["__all__"] = NO_MEASURE
        if errors:
            raise ValidationError(errors)


class DelayedEventKind(TranslatedChoices):
    INFECTION = "infection", _("Infection")
    FOLLICULITIS = "folliculitis", _("Folliculitis")
    PROLONGED_ERYTHEMA = "prolonged_erythema", _("Prolonged erythema")
    HYPERPIGMENTATION = "hyperpigmentation", _("Hyperpigmentation")
    PIGMENT_MIGRATION = "pigment_migration", _("Pigment migration (SMP)")
    OTHER = "other", _("Other (describe)")


class Severity(TranslatedChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class DelayedAdverseEvent(Voidable):
    """An adverse event noticed after the session it followed."""

    audit_name = "delayed_adverse_event"  # how the audit trail names it
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="delayed_events", verbose_name=_("session")
    )
    kind = models.CharField(_("event"), max_length=20, choices=DelayedEventKind.choices)
    onset_on = models.DateField(_("onset"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, help_text=_("Empty while it lasts."))
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delayed adverse event")
        verbose_name_plural = _("delayed adverse events")
        ordering = ["onset_on", "pk"]
        constraints = [
            *Voidable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("onset_on")),
                name="delayed_event_resolved_after_onset",
                violation_error_message=_("It cannot have resolved before its onset."),
            ),
        ]

    def __str__(self):
        return _("%(event)s from %(date)s") % {"event": self.get_kind_display(), "date": local_date(self.onset_on)}

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.onset_on and self.session_id:
            if self.onset_on < self.session.performed_on:
                errors["onset_on"] = _("A delayed event starts on or after the day of its session.")
            elif self.onset_on > today:
                errors["onset_on"] = _("The onset cannot be in the future.")
        if self.resolved_on and self.resolved_on > today:
            errors["resolved_on"] = _("The resolution cannot be in the future.")
        elif self.resolved_on and self.onset_on and self.resolved_on < self.onset_on:
            errors["resolved_on"] = _("It cannot have resolved before its onset.")
        if self.kind == DelayedEventKind.PIGMENT_MIGRATION and self.session_id and self.session.technique != "smp":
            errors["kind"] = _("Pigment migration follows scalp micropigmentation (SMP) sessions only.")
        if self.kind == DelayedEventKind.OTHER and not self.description.strip():
            errors["description"] = _("Describe the event.")
        if errors:
            raise ValidationError(errors)
