"""Voiding instead of deleting: the base of every clinical record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VoidableQuerySet(models.QuerySet):
    def current(self):
        """Leave out voided records: they stay in history, not in lists."""
        return self.filter(voided_at__isnull=True)

    def voided(self):
        return self.filter(voided_at__isnull=False)


class Voidable(models.Model):
    """Clinical records are never deleted: they are voided, with a reason, and stay in history."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(voided_at__isnull=True) & Q(voided_by__isnull=True) & Q(void_reason=""))
                | (Q(voided_at__isnull=False) & Q(voided_by__isnull=False) & ~Q(void_reason="")),
                name="%(app_label)s_%(class)s_void_has_who_when_why",
                violation_error_message=_("A voided record needs who voided it, when and why."),
            )
        ]

    @property
    def is_voided(self):
        return self.voided_at is not None
