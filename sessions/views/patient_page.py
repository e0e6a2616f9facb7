"""The patient page: who the patient is, their courses, outcomes and treatment history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from sessions.charts import outcome_charts
from sessions.courses import course_places, courses_for
from sessions.measures import TABLE_COLUMNS, table_cells
from sessions.models import Assessment, TreatmentSession


@login_required
def patient_detail(request, pk):
    patient = get_patient_for(request.user, pk)
    record_event(AuditAction.VIEW, patient)
    sessions = TreatmentSession.objects.for_patient(patient)
    assessments = list(Assessment.objects.current().for_patient(patient).select_related("assessed_by"))
    show_voided = request.GET.get("voided") == "1"
    context = {
        "patient": patient,
        "sessions": sessions.with_details().newest_first()
        if show_voided
        else sessions.current().with_details().newest_first(),
        "voided_count": sessions.voided().count(),
        "show_voided": show_voided,
        "courses": courses_for(patient),
        "measure_columns": TABLE_COLUMNS,
        "assessment_rows": [(assessment, table_cells(assessment)) for assessment in assessments],
        "charts": outcome_charts(assessments, sessions.current().select_related("preset").order_by("performed_at")),
        "course_places": course_places(patient),
    }
    return render(request, "sessions/patient_detail.html", context)
