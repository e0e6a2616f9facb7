from django.shortcuts import get_object_or_404

from clinic.access import require_clinician
from sessions.models import Assessment, DelayedAdverseEvent, SessionPhoto, TreatmentSession


def get_session_for(user, pk):
    require_clinician(user)
    return get_object_or_404(TreatmentSession.objects.with_details(), pk=pk)


def get_photo_for(user, pk):
    require_clinician(user)
    return get_object_or_404(SessionPhoto.objects.select_related("session"), pk=pk)


def get_assessment_for(user, pk):
    require_clinician(user)
    return get_object_or_404(Assessment.objects.select_related("patient"), pk=pk)


def get_delayed_event_for(user, pk):
    require_clinician(user)
    return get_object_or_404(DelayedAdverseEvent.objects.select_related("session"), pk=pk)
