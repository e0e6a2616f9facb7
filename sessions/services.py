"""Writes of a treatment session with its blend and photos: all of it, or none of it, and always audited."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import diff, record_event, snapshot, stored_snapshot
from clinic.editing import claim_version
from sessions.checks import session_warnings
from sessions.courses import refresh_course_deviations, session_deviations
from sessions.models import Assessment, BlendComponent, DelayedAdverseEvent, SessionPhoto, TreatmentSession
from sessions.photos import PreparedPhoto

AMENDMENT_REASON_NEEDED = "Give a reason for amending a session after the day it was performed."


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
    is_new = session._state.adding
    stored = None if is_new else TreatmentSession.objects.get(pk=session.pk)
    if stored is not None:
        if stored.is_voided:
            raise ValidationError("This session has been voided and can no longer be edited.")
        if needs_amendment_reason(stored) and not amendment_reason.strip():
            raise ValidationError(AMENDMENT_REASON_NEEDED)
    session.full_clean()
    for component in components:
        component.full_clean(exclude=["session"])
    if photos and not session.patient.photos_allowed:
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
    warnings += [f"Departs from the preset — {deviation}." for deviation in session_deviations(session, components)]
    if warnings and not warnings_confirmed:
        raise UnconfirmedWarnings(warnings)

    stored_files = []
    try:
        with transaction.atomic():
            if not is_new:
                claim_version(session, session.version if seen_version is None else seen_version)
            session._change_reason = amendment_reason.strip()
            if not session.preset_id:  # taken off its preset: it departs from nothing any more
                session.deviation_count, session.deviation_summary = None, ""
            session.save()
            if is_new:
                record_event(AuditAction.CREATE, session)
            else:
                record_event(
                    AuditAction.UPDATE,
                    session,
                    changes=diff(snapshot(stored), stored_snapshot(session)),
                    reason=amendment_reason.strip(),
                )
            for component in removed_components:
                void_record(
                    record=component,
                    reason=amendment_reason.strip() or "Removed from the blend when editing the session.",
                    by=uploaded_by,
                )
            for component in components:
                before = None if component._state.adding else snapshot(BlendComponent.objects.get(pk=component.pk))
                component.session = session
                component.save()
                if before is None:
                    record_event(AuditAction.CREATE, component, detail={"session": session.pk})
                elif changes := diff(before, stored_snapshot(component)):
                    record_event(AuditAction.UPDATE, component, changes=changes, detail={"session": session.pk})
            for photo, upload in zip(new_photos, photos, strict=True):
                photo.session = session
                photo.image.save(upload.prepared.image.name, upload.prepared.image, save=False)
                stored_files.append(photo.image)
                photo.thumbnail.save(upload.prepared.thumbnail.name, upload.prepared.thumbnail, save=False)
                stored_files.append(photo.thumbnail)
                photo.save()
                record_event(AuditAction.CREATE, photo, detail={"session": session.pk})
            for slug in {_course_slug(stored) if stored else None, _course_slug(session)}:
                refresh_course_deviations(session.patient, slug)
    except BaseException:
        for field in stored_files:
            field.storage.delete(field.name)
        raise
    return session


def _course_slug(session):
    return session.preset.slug if session.preset_id else None


def void_record(*, record, reason, by):
    """Take a session, photo or blend component out of lists and exports; it stays in history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this record is being voided."})
    with transaction.atomic():
        locked = type(record).objects.select_for_update().get(pk=record.pk)
        if locked.is_voided:
            raise ValidationError("This record has already been voided.")
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
        # A session leaving its course, or a blend row leaving its session, changes the course's departures.
        course_session = record if isinstance(record, TreatmentSession) else getattr(record, "session", None)
        if isinstance(record, TreatmentSession | BlendComponent) and course_session.preset_id:
            refresh_course_deviations(course_session.patient, course_session.preset.slug)


def record_assessment(*, assessment: Assessment) -> Assessment:
    """Store an outcome assessment, audited."""
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        record_event(AuditAction.CREATE, assessment, detail={"patient": assessment.patient_id})
    return assessment


def record_delayed_event(*, event: DelayedAdverseEvent) -> DelayedAdverseEvent:
    """Store an adverse event noticed after its session, audited."""
    event.full_clean()
    with transaction.atomic():
        event.save()
        record_event(AuditAction.CREATE, event, detail={"session": event.session_id})
    return event
