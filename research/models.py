"""Who may export a limited data set (exact dates): a researcher under a data use agreement an administrator
recorded. Granted, changed and revoked in the admin only, each write audited."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


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
        verbose_name="researcher",
    )
    reference = models.CharField(
        "agreement reference", max_length=100, help_text="The signed data use agreement's number or title."
    )
    starts_on = models.DateField("in force from", default=timezone.localdate)
    ends_on = models.DateField("in force until", null=True, blank=True, help_text="Empty: until revoked.")
    revoked_at = models.DateTimeField("revoked at", null=True, blank=True)
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
                violation_error_message="The agreement cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.reference} ({self.researcher})"


def agreement_in_force(user):
    """The user's data use agreement in force today, or None."""
    if not (user and user.is_authenticated):
        return None
    return DataUseAgreement.objects.in_force().filter(researcher=user).order_by("-starts_on", "-pk").first()
