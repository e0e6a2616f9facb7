"""Keeping a form's photos across its round trips (sessions.models.pending): stored once, already checked and
stripped by prepare_photo, then attached when the session is saved, or gone after a day."""

from django.core.files.base import ContentFile

from sessions.models import PendingPhoto
from sessions.photos import ALLOWED_FORMATS, PreparedPhoto


def keep(prepared, user, patient):
    pending = PendingPhoto(
        patient=patient,
        uploaded_by=user,
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
    )
    pending.image.save(prepared.image.name, prepared.image, save=False)
    pending.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
    pending.save()
    return pending


def prepared_from(pending):
    """The pending photo as prepare_photo gave it, to be stored like a new upload."""
    extension = dict(ALLOWED_FORMATS.values())[pending.content_type]
    with pending.image.open("rb") as image, pending.thumbnail.open("rb") as thumbnail:
        return PreparedPhoto(
            image=ContentFile(image.read(), name=f"photo{extension}"),
            thumbnail=ContentFile(thumbnail.read(), name="thumbnail.jpg"),
            content_type=pending.content_type,
            extension=extension,
            width=pending.width,
            height=pending.height,
        )


def discard(pending_photos):
    for pending in pending_photos:
        pending.image.delete(save=False)
        pending.thumbnail.delete(save=False)
        pending.delete()


def discard_expired():
    """Photos of forms never saved within a day; returns how many went."""
    expired = list(PendingPhoto.objects.expired())
    discard(expired)
    return len(expired)
