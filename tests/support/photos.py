"""Photos stored on a session as the edit page stores them: re-encoded by prepare_photo, saved and audited
by save_session."""

from sessions.photos import prepare_photo
from sessions.services import NewPhoto, save_session
from tests.support.images import jpeg_bytes, upload

ADDED_LATER = "Photos added after the session."


def new_photo(content=None, *, phase="before", view="vertex", name="photo.jpg", taken_at=None):
    """One photo as the form hands it to save_session; a small JPEG unless `content` is given."""
    prepared = prepare_photo(upload(content or jpeg_bytes(), name=name))
    return NewPhoto(prepared=prepared, phase=phase, view=view, taken_at=taken_at)


def store_photos(session, by, *photos, warnings_confirmed=False):
    """Add these photos (one new_photo() when none are given) to a stored session, as `by` would."""
    save_session(
        session=session,
        photos=list(photos) or [new_photo()],
        uploaded_by=by,
        amendment_reason=ADDED_LATER,
        warnings_confirmed=warnings_confirmed,
    )
    return session


def stored_photo(session, by, content=None, **photo):
    """The one photo of a session that had none, stored from `content` (new_photo's keywords apply)."""
    store_photos(session, by, new_photo(content, **photo))
    return session.photos.get()
