"""Photos chosen on a session form that went back to the clinician (a warning to confirm, a value to correct):
kept for the person who chose them and that patient, shown back, and attached when the session is saved.
Their phase and view are the form's, as posted when the session is saved."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.formatting import local_datetime
from clinic.models import Patient

# Never saved after a day: the form was given up, and the photo goes.
PENDING_PHOTO_LIFETIME = timedelta(days=1)


def pending_path(instance, filename):
    return f"pending/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class PendingPhotoQuerySet(models.QuerySet):
    def usable_by(self, user, patient):
        return self.filter(uploaded_by=user, patient=patient, uploaded_at__gte=timezone.now() - PENDING_PHOTO_LIFETIME)

    def expired(self):
        return self.filter(uploaded_at__lt=timezone.now() - PENDING_PHOTO_LIFETIME)


class PendingPhoto(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+", verbose_name=_("patient"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    image = models.FileField(_("image"), upload_to=pending_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=pending_path)
    content_type = models.CharField(max_length=20, editable=False)
    width = models.PositiveIntegerField(_("width (px)"), editable=False)
    height = models.PositiveIntegerField(_("height (px)"), editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    objects = PendingPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo waiting for its session")
        verbose_name_plural = _("photos waiting for their session")

    def __str__(self):
        return _("Photo waiting since %(when)s") % {"when": local_datetime(self.uploaded_at)}
