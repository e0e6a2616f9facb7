"""Who may export a limited data set (exact dates): a researcher under a data use agreement an administrator
recorded (granted, changed and revoked in the admin only, each write audited); and the exports written in the
background."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.vocabularies import TranslatedChoices


class DataUseAgreementQuerySet(models.QuerySet):
    def in_force(self, today=None):
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=today).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today)
        )


class DataUseAgreement(models.Model):
    audit_name = "data_use_agreement"  # how the audit trail names it

    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="data_use_agreements",
        verbose_name=_("researcher"),
    )
    reference = models.CharField(
        _("agreement reference"), max_length=100, help_text=_("The signed data use agreement's number or title.")
    )
    starts_on = models.DateField(_("in force from"), default=timezone.localdate)
    ends_on = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Empty: until revoked."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False, null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DataUseAgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="data_use_agreement_ends_after_it_starts",
                violation_error_message=_("The agreement cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.reference} ({self.researcher})"


def agreement_in_force(user):
    """The user's data use agreement in force today, or None."""
    if not (user and user.is_authenticated):
        return None
    return DataUseAgreement.objects.in_force().filter(researcher=user).order_by("-starts_on", "-pk").first()


class ExportJobStatus(TranslatedChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """An export written in the background (a bundle, or a file too large for one request): its progress, and the
    file in the configured storage for its creator only, for KEPT_HOURS."""

    KEPT_HOURS = 24
    audit_name = "export_job"  # how the audit trail names it

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs")
    file_name = models.CharField(max_length=40)  # "sessions", "blend_components", … or "bundle"
    query = models.TextField(help_text=_("The export form's filters, as the page's address carries them."))
    described = models.JSONField(default=dict, help_text=_("The filters as the audit trail describes them."))
    status = models.CharField(max_length=10, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_written = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True, max_length=200)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.download_name} for {self.requested_by} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = timezone.now() + timedelta(hours=self.KEPT_HOURS)
        super().save(*args, **kwargs)

    @property
    def download_name(self):
        return f"{self.file_name}.zip" if self.file_name == "bundle" else f"{self.file_name}.csv"

    @property
    def expired(self):
        return self.expires_at <= timezone.now()

    @property
    def percent(self):
        return min(100, round(100 * self.rows_written / self.rows_total)) if self.rows_total else 0
