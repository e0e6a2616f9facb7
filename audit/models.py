"""The append-only audit trail: who did what to which record, when and from where.

Rows are only ever inserted. The model and its queryset refuse updates and deletes,
the admin is read-only, and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE too.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from audit.integrity import mac_of, seal_pending


class AuditAction(models.TextChoices):
    LOGIN = "login", "Logged in"
    LOGOUT = "logout", "Logged out"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOCKED_OUT = "locked_out", "Locked out"
    LOGOUT_EVERYWHERE = "logout_everywhere", "Logged out everywhere"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    VOID = "void", "Voided"
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    DISCLOSE = "disclose", "Disclosed in a report"
    SEARCH = "search", "Searched"
    MFA_VERIFIED = "mfa_verified", "Second factor verified"
    MFA_FAILED = "mfa_failed", "Second factor refused"
    MFA_ADDED = "mfa_added", "Second factor added"
    MFA_REMOVED = "mfa_removed", "Second factor removed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    ACCESS_REFUSED = "access_refused", "Access refused"
    DELETE = "delete", "Deleted"


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField("time (UTC)", default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    username = models.CharField("username", max_length=150, blank=True, editable=False)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True, editable=False)
    action = models.CharField("action", max_length=20, choices=AuditAction.choices, editable=False)
    object_type = models.CharField("object type", max_length=40, blank=True, editable=False)
    object_id = models.CharField("object id", max_length=64, blank=True, editable=False)
    changes = models.JSONField("changed fields (old → new)", default=dict, blank=True, editable=False)
    reason = models.TextField("reason", blank=True, editable=False)
    detail = models.JSONField("detail", default=dict, blank=True, editable=False)
    # Tamper evidence (audit/integrity.py): the row's keyed seal, set when it is written, and its place and link in
    # the keyed chain, set once when its transaction has committed.
    mac = models.CharField("seal", max_length=64, default="", editable=False)
    sealed_seq = models.BigIntegerField("position in the chain", null=True, unique=True, editable=False)
    link = models.CharField("chain link", max_length=64, default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
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
