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
    # On the first page the clinician lands on, not on one asked for past the end (which shows the last).
    if request.GET.get("page", "1") == "1" and context["page"].number == 1 and not context["query"]:
        context["worklist"] = worklist = todays_worklist(timezone.localdate())
        if worklist.patient_pks:  # an empty worklist shows no patient
            record_list_view(Patient, worklist.patient_pks, worklist="today")
    return render(request, "sessions/patient_list.html", context)
