"""The append-only audit trail: who did what to which record, when and from where.

Rows are only ever inserted. The model and its queryset refuse updates and deletes,
the admin is read-only, and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE too.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.integrity import mac_of, seal_pending


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT_EVERYWHERE = "logout_everywhere", _("Logged out everywhere")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    VOID = "void", _("Voided")
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    DISCLOSE = "disclose", _("Disclosed in a report")
    SEARCH = "search", _("Searched")
    MFA_VERIFIED = "mfa_verified", _("Second factor verified")
    MFA_FAILED = "mfa_failed", _("Second factor refused")
    MFA_ADDED = "mfa_added", _("Second factor added")
    MFA_REMOVED = "mfa_removed", _("Second factor removed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ACCESS_REFUSED = "access_refused", _("Access refused")
    DELETE = "delete", _("Deleted")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    username = models.CharField(_("username"), max_length=150, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, editable=False)
    object_type = models.CharField(_("object type"), max_length=40, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    changes = models.JSONField(_("changed fields (old → new)"), default=dict, blank=True, editable=False)
    reason = models.TextField(_("reason"), blank=True, editable=False)
    detail = models.JSONField(_("detail"), default=dict, blank=True, editable=False)
    # Tamper evidence (audit/integrity.py): the row's keyed seal, set when it is written, and its place and link in
    # the keyed chain, set once when its transaction has committed.
    mac = models.CharField(_("seal"), max_length=64, default="", editable=False)
    sealed_seq = models.BigIntegerField(_("position in the chain"), null=True, unique=True, editable=False)
    link = models.CharField(_("chain link"), max_length=64, default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        target = f" {self.object_type} #{self.object_id}" if self.object_type else ""
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '—'} {self.get_action_display()}{target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        self.mac = mac_of(self)
        super().save(*args, **kwargs)
        transaction.on_commit(lambda: seal_pending(AuditEvent), robust=True)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
