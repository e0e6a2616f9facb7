from itertools import pairwise

from django.db.models import Prefetch
from django.utils import timezone

from audit.services import describe_changes, diff, snapshot
from sessions.models import BlendComponent, DelayedAdverseEvent, PhotoPhase, PhotoView, SessionPhoto, TreatmentSession


def timeline(patient, pks, presets):
    """The sessions `pks` of the patient, in that order, with what their timeline cards show. The patient and
    the presets (`{pk: preset}`) are known already, so they are handed to the sessions, not read again."""
    sessions = TreatmentSession.objects.filter(pk__in=pks).select_related("clinician")
    sessions = sessions.prefetch_related(
        Prefetch("blend_components", queryset=BlendComponent.objects.current()),
        Prefetch("photos", queryset=SessionPhoto.objects.current().order_by("-phase", "view", "taken_at")),
        # Only whether there is one: the card shows a badge.
        Prefetch("delayed_events", queryset=DelayedAdverseEvent.objects.current().only("pk", "session_id")),
    )
    by_pk = {session.pk: session for session in sessions}
    for session in by_pk.values():
        session.patient = patient
        session.preset = presets.get(session.preset_id)
    return [by_pk[pk] for pk in pks]


def amendments(session):
    """Each change to a session after it was logged: when, by whom, what (old → new) and why."""
    records = list(session.history.order_by("history_date", "history_id").select_related("history_user"))
    entries = []
    for before, after in pairwise(records):
        changes = diff(snapshot(before.instance), snapshot(after.instance))
        entries.append(
            {
                "at": timezone.localtime(after.history_date),
                "by": after.history_user,
                "changes": describe_changes(TreatmentSession, changes),
                "reason": after.history_change_reason or "",
            }
        )
    return list(reversed(entries))


def split_photos(session):
    """(current, voided) photos of a session read with_details(), each in the order pages show them."""
    current = [photo for photo in session.all_photos if not photo.is_voided]
    return current, [photo for photo in session.all_photos if photo.is_voided]


def missing_views(photos):
    """{phase: [standard views not photographed yet]} (PhotoPhase and PhotoView members), given the current photos
    of a session."""
    taken = {(photo.phase, photo.view) for photo in photos}
    missing = {}
    for phase in PhotoPhase:
        views = [view for view in PhotoView if (phase.value, view.value) not in taken]
        if views:
            missing[phase] = views
    return missing
