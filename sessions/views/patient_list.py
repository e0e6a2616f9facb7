"""The patient list (clinic.views.patient_list_context), with the clinician's worklist for today above its first
page: on the sessions floor, as the worklist reads courses and sessions."""

from django.shortcuts import render
from django.utils import timezone

from audit.services import record_list_view
from clinic.access import clinician_required
from clinic.models import Patient
from clinic.views import patient_list_context
from sessions.worklist import todays_worklist


@clinician_required
def patient_list(request):
    context = patient_list_context(request)
    shown = {"search": context["query"]} if context["query"] else {}
    # On the first page the clinician lands on, not on one asked for past the end (which shows the last).
    if request.GET.get("page", "1") == "1" and context["page"].number == 1 and not context["query"]:
        context["worklist"] = worklist = todays_worklist(timezone.localdate())
        if worklist.patient_pks:
            shown["worklist"] = [str(pk) for pk in worklist.patient_pks]
    # One row for all the page shows: every audit row costs the trail's chaining too (audit/integrity.py).
    record_list_view(Patient, [patient.pk for patient in context["page"].object_list], **shown)
    return render(request, "sessions/patient_list.html", context)
