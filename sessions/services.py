"""Writes of a treatment session with its blend and photos: all of it, or none of it."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from sessions.checks import session_warnings
from sessions.models import BlendComponent, SessionPhoto, TreatmentSession
from sessions.photos import PreparedPhoto


@dataclass(frozen=True)
class NewPhoto:
    prepared: PreparedPhoto
    phase: str
    view: str
    taken_at: datetime | None = None


class UnconfirmedWarnings(Exception):
    """The session can be saved, but only once the clinician has confirmed these warnings."""

    def __init__(self, warnings):
        super().__init__("; ".join(warnings))
        self.warnings = warnings


def save_session(
    *,
    session: TreatmentSession,
    components: list[BlendComponent] = (),
    removed_components: list[BlendComponent] = (),
    photos: list[NewPhoto] = (),
    uploaded_by,
    warnings_confirmed: bool = False,
) -> TreatmentSession:
    """Store a new or edited session, its blend components and new photos atomically.

    Everything is validated before anything is written; a failure while writing
    rolls the database back and removes any photo file already stored.
    """
    session.full_clean()
    for component in components:
        component.full_clean(exclude=["session"])
    if photos and not session.patient.photo_consent:
        raise ValidationError("This patient has not consented to photos, so no photo can be stored.")
    new_photos = [
        SessionPhoto(
            phase=photo.phase,
            view=photo.view,
            taken_at=photo.taken_at or session.performed_at,
            uploaded_by=uploaded_by,
            content_type=photo.prepared.content_type,
            width=photo.prepared.width,
            height=photo.prepared.height,
        )
        for photo in photos
    ]
    for photo in new_photos:
        photo.full_clean(exclude=["session", "image", "thumbnail"])

    warnings = session_warnings(session, components)
    if warnings and not warnings_confirmed:
        raise UnconfirmedWarnings(warnings)

    stored_files = []
    try:
        with transaction.atomic():
            session.save()
            for component in removed_components:
                component.delete()
            for component in components:
                component.session = session
                component.save()
            for photo, upload in zip(new_photos, photos, strict=True):
                photo.session = session
                photo.image.save(upload.prepared.image.name, upload.prepared.image, save=False)
                stored_files.append(photo.image)
                photo.thumbnail.save(upload.prepared.thumbnail.name, upload.prepared.thumbnail, save=False)
                stored_files.append(photo.thumbnail)
                photo.save()
    except BaseException:
        for field in stored_files:
            field.storage.delete(field.name)
        raise
    return session
