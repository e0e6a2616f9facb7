"""Consent: the documents patients sign, the signatures and the withdrawals. Nothing here is ever deleted.

A consent document is versioned like a protocol preset: admins edit a draft, publish it (the version published
before it retires), and a published or retired version never changes, so a signature points at exactly the text
the patient read. The patient's stored consent state (Patient.photo_consent, .research_consent) is written only by
clinic.consent_services, from these records.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.formatting import local_date
from clinic.versioning import FrozenVersionError, Versioned, VersionStatus
from clinic.vocabularies import Technique, TranslatedChoices


class ConsentPurpose(TranslatedChoices):
    TREATMENT = "treatment", _("Treatment")
    PHOTOGRAPHS = "photographs", _("Photographs")
    RESEARCH = "research", _("Research")


# A treatment consent is given per technique; photographs and research have none.
TECHNIQUE_ONLY_FOR_TREATMENT = (Q(purpose=ConsentPurpose.TREATMENT) & ~Q(technique="")) | (
    ~Q(purpose=ConsentPurpose.TREATMENT) & Q(technique="")
)
TECHNIQUE_MESSAGE = _("A treatment consent names its technique; photograph and research consents name none.")


def consent_subject(purpose, technique):
    """What a consent is for, as people say it: "Treatment: Microneedling", "Photographs"."""
    label = ConsentPurpose(purpose).label
    return f"{label}: {Technique(technique).label}" if technique else label


class ConsentDocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def of_series(self, purpose, technique):
        return self.filter(purpose=purpose, technique=technique or "")


class ConsentDocument(Versioned):
    audit_name = "consent_document"  # how the audit trail names it

    purpose = models.CharField(_("purpose"), max_length=12, choices=ConsentPurpose.choices)
    technique = models.CharField(
        _("technique"),
        max_length=24,
        choices=Technique.choices,
        blank=True,
        help_text=_("For a treatment consent only: the technique it covers."),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("What the patient reads and signs: the procedure, its risks, …"))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsentDocumentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        ordering = ["purpose", "technique", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=TECHNIQUE_ONLY_FOR_TREATMENT,
                name="consent_document_technique_only_for_treatment",
                violation_error_message=TECHNIQUE_MESSAGE,
            ),
            models.UniqueConstraint(fields=["purpose", "technique", "version"], name="consent_document_unique_version"),
            models.UniqueConstraint(
                fields=["purpose", "technique"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="consent_document_one_published_version",
                violation_error_message=_("Another version of this consent document is already published."),
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def delete(self, *args, **kwargs):
        raise FrozenVersionError("Consent documents are never deleted: retire this one instead.")

    @property
    def subject(self):
        return consent_subject(self.purpose, self.technique)

    @property
    def is_current(self):
        """The version patients sign now."""
        return self.status == VersionStatus.PUBLISHED


def signature_path(instance, filename):
    # Random names that say nothing about the patient, in the same private storage as the photos.
    return f"consents/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


NEVER_DELETED = "Consent records are never deleted."


class ConsentRecordQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(NEVER_DELETED)


class ConsentRecord(models.Model):
    """Something a patient did about one consent (what it is for: purpose and technique). Never deleted."""

    purpose = models.CharField(_("purpose"), max_length=12, choices=ConsentPurpose.choices)
    technique = models.CharField(_("technique"), max_length=24, choices=Technique.choices, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ValidationError(NEVER_DELETED)

    @property
    def subject(self):
        return consent_subject(self.purpose, self.technique)


class SignedConsent(ConsentRecord):
    """A patient's consent, signed at the chair on the exact version of a document; or, without a document, a
    consent recorded as a tick and a date before signed consent existed (carried over by migration clinic/0006)."""

    audit_name = "signed_consent"  # how the audit trail names it

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="signed_consents", verbose_name=_("patient")
    )
    document = models.ForeignKey(
        ConsentDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("document signed"),
    )
    signature = models.FileField(_("signature"), upload_to=signature_path, blank=True)
    pdf = models.FileField(_("signed document (PDF)"), upload_to=signature_path, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witnessed by"),
    )
    signed_at = models.DateTimeField(_("signed at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signed consent")
        verbose_name_plural = _("signed consents")
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=TECHNIQUE_ONLY_FOR_TREATMENT,
                name="signed_consent_technique_only_for_treatment",
                violation_error_message=TECHNIQUE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(document__isnull=True, signature="", pdf="")
                | (Q(document__isnull=False, witnessed_by__isnull=False) & ~Q(signature="") & ~Q(pdf="")),
                name="signed_consent_signed_with_witness_and_pdf",
                violation_error_message=_("A signed consent needs its signature, its witness and its PDF."),
            ),
        ]

    def __str__(self):
        return f"{self.subject}, {local_date(self.signed_at)}"

    def get_absolute_url(self):
        return reverse("signed-consent-pdf", args=[self.pk])

    @property
    def recorded_before_signing(self):
        """Carried over from the patient form's tick and date: no document, signature or PDF."""
        return self.document_id is None


class ConsentWithdrawal(ConsentRecord):
    """The patient takes a consent back: a recorded act, from its date on. The consents before it stay."""

    audit_name = "consent_withdrawal"  # how the audit trail names it

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="consent_withdrawals", verbose_name=_("patient")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=timezone.now)
    reason = models.TextField(_("reason"), max_length=1000)
    signature = models.FileField(_("signature"), upload_to=signature_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")
        ordering = ["-withdrawn_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=TECHNIQUE_ONLY_FOR_TREATMENT,
                name="consent_withdrawal_technique_only_for_treatment",
                violation_error_message=TECHNIQUE_MESSAGE,
            ),
        ]

    def __str__(self):
        return gettext("%(consent)s withdrawn, %(date)s") % {
            "consent": self.subject,
            "date": local_date(self.withdrawn_at),
        }
