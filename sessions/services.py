"""Writes of a treatment session with its blend and photos: all of it, or none of it, and always audited."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditAction
from audit.services import diff, record_event, snapshot, stored_snapshot
from clinic.editing import claim_version
from sessions.checks import consent_warnings, session_warnings
from sessions.courses import refresh_course_deviations, session_deviations
from sessions.models import Assessment, BlendComponent, DelayedAdverseEvent, SessionPhoto, TreatmentSession
from sessions.patient_summary import refresh_patient_summary
from sessions.photos import PreparedPhoto

AMENDMENT_REASON_NEEDED = gettext_lazy("Give a reason for amending a session after the day it was performed.")


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


def needs_amendment_reason(stored_session):
    return stored_session.pk is not None and stored_session.performed_on < timezone.localdate()


def save_session(
    *,
    session: TreatmentSession,
    components: list[BlendComponent] = (),
    removed_components: list[BlendComponent] = (),
    photos: list[NewPhoto] = (),
    uploaded_by,
    warnings_confirmed: bool = False,
    seen_version: int | None = None,
    amendment_reason: str = "",
) -> TreatmentSession:
    """Store a new or edited session, its blend components and new photos atomically.

    Everything is validated before anything is written; a failure while writing rolls the
    database back and removes any photo file already stored. An edit must come from the
    version the clinician saw (else EditConflict) and, after the day of the session, give a reason.
    Removed blend components are voided, never deleted.
    """
    reason = amendment_reason.strip()
    stored = None if session._state.adding else TreatmentSession.objects.get(pk=session.pk)
    _check_still_editable(stored, reason)
    _validate_session_and_blend(session, components)
    new_photos = _validated_photo_rows(session, photos, uploaded_by)
    _check_warnings_confirmed(session, components, warnings_confirmed)
    with _files_deleted_on_failure() as stored_files, transaction.atomic():
        _save_session_row(session, stored, seen_version, reason)
        _void_removed_components(removed_components, reason, uploaded_by)
        _save_blend(session, components)
        _save_photos(session, zip(new_photos, photos, strict=True), stored_files)
        _refresh_course_departures(session, stored)
        _refresh_patient_summaries(session, stored)
    return session


def _check_still_editable(stored, reason):
    if stored is None:
        return
    if stored.is_voided:
        raise ValidationError(_("This session has been voided and can no longer be edited."))
    if needs_amendment_reason(stored) and not reason:
        raise ValidationError(AMENDMENT_REASON_NEEDED)


def _validate_session_and_blend(session, components):
    session.full_clean()
    session.keep_what_was_used()  # the checks below read what the session used, as it will be stored
    for component in components:
        component.full_clean(exclude=["session"])
        component.keep_what_was_used()


def _validated_photo_rows(session, photos, uploaded_by):
    """The new photos' rows, validated but not stored yet (their files are saved in the transaction)."""
    if photos and not session.patient.photos_allowed:
        raise ValidationError(_("This patient has not consented to photos, so no photo can be stored."))
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
    return new_photos


def _check_warnings_confirmed(session, components, warnings_confirmed):
    warnings = consent_warnings(session) + session_warnings(session, components)
    departures = session_deviations(session, components)
    warnings += [_("Departs from the preset — %(departure)s.") % {"departure": departure} for departure in departures]
    if warnings and not warnings_confirmed:
        raise UnconfirmedWarnings(warnings)


@contextmanager
def _files_deleted_on_failure():
    """Yield a list to put stored files in; if the block fails, those files are deleted (the rows roll back)."""
    stored_files = []
    try:
        yield stored_files
    except BaseException:
        for field in stored_files:
            field.storage.delete(field.name)
        raise


def _save_session_row(session, stored, seen_version, reason):
    if stored is not None:
        claim_version(session, session.version if seen_version is None else seen_version)
    session._change_reason = reason
    if not session.preset_id:  # taken off its preset: it departs from nothing any more
        session.deviation_count, session.deviation_summary = None, ""
    session.save()
    if stored is None:
        record_event(AuditAction.CREATE, session)
    else:
        record_event(
            AuditAction.UPDATE, session, changes=diff(snapshot(stored), stored_snapshot(session)), reason=reason
        )


def _void_removed_components(removed_components, reason, by):
    for component in removed_components:
        void_record(record=component, reason=reason or "Removed from the blend when editing the session.", by=by)


def _save_blend(session, components):
    for component in components:
        before = None if component._state.adding else snapshot(BlendComponent.objects.get(pk=component.pk))
        component.session = session
        component.save()
        if before is None:
            record_event(AuditAction.CREATE, component, detail={"session": session.pk})
        elif changes := diff(before, stored_snapshot(component)):
            record_event(AuditAction.UPDATE, component, changes=changes, detail={"session": session.pk})


def _save_photos(session, photos_with_uploads, stored_files):
    for photo, upload in photos_with_uploads:
        photo.session = session
        photo.image.save(upload.prepared.image.name, upload.prepared.image, save=False)
        stored_files.append(photo.image)
        photo.thumbnail.save(upload.prepared.thumbnail.name, upload.prepared.thumbnail, save=False)
        stored_files.append(photo.thumbnail)
        photo.save()
        record_event(AuditAction.CREATE, photo, detail={"session": session.pk})


def _refresh_course_departures(session, stored):
    """Refresh the departures of the session's course, and of the course it left if its preset changed."""
    for slug in {_course_slug(stored) if stored else None, _course_slug(session)}:
        refresh_course_deviations(session.patient, slug)


def _refresh_patient_summaries(session, stored):
    """A new session, or one moved in time or to another patient, changes its patients' summaries."""
    if stored is None or (stored.performed_at, stored.patient_id) != (session.performed_at, session.patient_id):
        refresh_patient_summary(session.patient)
    if stored is not None and stored.patient_id != session.patient_id:
        refresh_patient_summary(stored.patient)


def _course_slug(session):
    return session.preset.slug if session.preset_id else None


def void_record(*, record, reason, by):
    """Take a session, photo or blend component out of lists and exports; it stays in history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this record is being voided.")})
    with transaction.atomic():
        locked = type(record).objects.select_for_update().get(pk=record.pk)
        if locked.is_voided:
            raise ValidationError(_("This record has already been voided."))
        record.voided_at = timezone.now()
        record.voided_by = by
        record.void_reason = reason
        record._change_reason = reason
        changed = ["voided_at", "voided_by", "void_reason"]
        if hasattr(record, "version"):
            # A void is an edit too: an edit form opened before it must not save over it.
            record.version = locked.version + 1
            changed.append("version")
        record.save(update_fields=changed)
        record_event(AuditAction.VOID, record, reason=reason)
        if isinstance(record, TreatmentSession):
            refresh_patient_summary(record.patient)
        # A session leaving its course, or a blend row leaving its session, changes the course's departures.
        course_session = record if isinstance(record, TreatmentSession) else getattr(record, "session", None)
        if isinstance(record, TreatmentSession | BlendComponent):
            refresh_course_deviations(course_session.patient, _course_slug(course_session))


def record_assessment(*, assessment: Assessment) -> Assessment:
    """Store an outcome assessment, audited."""
    return _create_audited(assessment, detail={"patient": assessment.patient_id})


VOIDED_SESSION_NO_EVENT = gettext_lazy("This session has been voided: no adverse event can be added to it.")


def record_delayed_event(*, event: DelayedAdverseEvent) -> DelayedAdverseEvent:
    """Store an adverse event noticed after its session, audited; never on a voided session (checked under the
    session's lock, so a voiding that lands while the form is open is seen)."""
    with transaction.atomic():
        session = TreatmentSession.objects.select_for_update().get(pk=event.session_id)
        if session.is_voided:
            raise ValidationError(VOIDED_SESSION_NO_EVENT)
        return _create_audited(event, detail={"session": event.session_id})


def _create_audited(record, *, detail):
    record.full_clean()
    with transaction.atomic():
        record.save()
        record_event(AuditAction.CREATE, record, detail=detail)
    return record
