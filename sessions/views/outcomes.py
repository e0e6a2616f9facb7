"""Outcomes recorded after the chair: assessments and delayed adverse events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from clinic.parsing import positive_int
from clinic.vocabularies import Diagnosis
from sessions.access import get_session_for
from sessions.forms import AssessmentForm, DelayedEventForm
from sessions.models import Assessment, DelayedAdverseEvent, TreatmentSession
from sessions.services import VOIDED_SESSION_NO_EVENT, record_assessment, record_delayed_event


@login_required
def add_assessment(request, patient_pk):
    patient = get_patient_for(request.user, patient_pk)
    assessment = Assessment(patient=patient, assessed_by=request.user, assessed_on=timezone.localdate())
    form = AssessmentForm(request.POST or None, instance=assessment, initial=_session_of_the_day(request, patient))
    if request.method == "POST" and form.is_valid():
        record_assessment(assessment=form.save(commit=False))
        messages.success(request, _("Assessment recorded."))
        return redirect(f"{patient.get_absolute_url()}#outcomes")
    record_event(AuditAction.VIEW, patient, detail={"via": "record assessment"})
    context = {"form": form, "patient": patient, "salt_applies": patient.diagnosis in Diagnosis.areata_family()}
    return render(request, "sessions/assessment_form.html", context)


def _session_of_the_day(request, patient):
    session_pk = positive_int(request.GET.get("session", ""))
    session = TreatmentSession.objects.current().filter(patient=patient, pk=session_pk).first() if session_pk else None
    return {"session": session.pk, "assessed_on": session.performed_on} if session else {}


@login_required
def add_delayed_event(request, pk):
    session = get_session_for(request.user, pk)
    if session.is_voided and request.method != "POST":
        messages.error(request, VOIDED_SESSION_NO_EVENT)
        return redirect(session)
    event = DelayedAdverseEvent(session=session, recorded_by=request.user)
    form = DelayedEventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            record_delayed_event(event=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Delayed adverse event recorded."))
            return redirect(f"{session.get_absolute_url()}#delayed-events")
    record_event(AuditAction.VIEW, session, detail={"via": "record delayed event"})
    return render(request, "sessions/delayed_event_form.html", {"form": form, "session": session})
