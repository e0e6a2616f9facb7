from django.http import Http404
from django.shortcuts import get_object_or_404

from clinic.access import require_clinician
from sessions.models import Assessment, DelayedAdverseEvent, PendingPhoto, SessionPhoto, TreatmentSession


def get_session_for(user, pk):
    require_clinician(user)
    return get_object_or_404(TreatmentSession.objects.with_details(), pk=pk)


def get_photo_for(user, pk):
    require_clinician(user)
    photo = get_object_or_404(SessionPhoto.objects.select_related("session__patient"), pk=pk)
    if not photo.session.patient.photos_allowed:
        # Photos stay stored for the record, but are not shown once consent is withdrawn.
        raise Http404("This patient has no photo consent: photos are not shown.")
    return photo


def get_pending_photo_for(user, pk):
    """Only the person who chose the photo sees it before it is saved, while its patient allows photos."""
    require_clinician(user)
    pending = get_object_or_404(PendingPhoto.objects.select_related("patient"), pk=pk, uploaded_by=user)
    if not pending.patient.photos_allowed:
        raise Http404("This patient has no photo consent: photos are not shown.")
    return pending


def get_assessment_for(user, pk):
    require_clinician(user)
    return get_object_or_404(Assessment.objects.select_related("patient"), pk=pk)


def get_delayed_event_for(user, pk):
    require_clinician(user)
    return get_object_or_404(DelayedAdverseEvent.objects.select_related("session"), pk=pk)
