"""Standardized photos of a session, stored under random names."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.vocabularies import TranslatedChoices
from sessions.models.session import TreatmentSession
from sessions.models.voidable import Voidable


class PhotoPhase(TranslatedChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class PhotoView(TranslatedChoices):
    FRONTAL = "frontal", _("Frontal")
    VERTEX = "vertex", _("Vertex")
    TOP = "top", _("Top")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    OCCIPITAL = "occipital", _("Occipital")
    CLOSE_UP = "close_up", _("Close-up / trichoscopy")


def photo_path(instance, filename):
    # The stored name says nothing about the patient: a random UUID and the re-encoded format.
    return f"photos/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class SessionPhoto(Voidable):
    audit_name = "photo"  # how the audit trail names it

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="photos", verbose_name=_("session")
    )
    phase = models.CharField(_("phase"), max_length=6, choices=PhotoPhase.choices)
    view = models.CharField(_("standard view"), max_length=10, choices=PhotoView.choices)
    image = models.FileField(_("image"), upload_to=photo_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path)
    # Made from the image the first time the compare page shows it (sessions.photos.stored_screen_rendition).
    screen = models.FileField(_("screen-sized rendition"), upload_to=photo_path, blank=True, editable=False)
    content_type = models.CharField(max_length=20, editable=False)
    width = models.PositiveIntegerField(_("width (px)"), editable=False)
    height = models.PositiveIntegerField(_("height (px)"), editable=False)
    taken_at = models.DateTimeField(_("taken at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")
        ordering = ["session", "-phase", "view"]  # "before" sorts after "after"; before comes first
        constraints = [*Voidable.Meta.constraints]

    def __str__(self):
        return f"{self.get_phase_display()} – {self.get_view_display()}"

    def get_absolute_url(self):
        return reverse("photo-file", args=[self.pk])
