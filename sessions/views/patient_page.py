"""The patient page: who the patient is, their courses, outcomes and treatment history."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from sessions.charts import outcome_charts
from sessions.courses import course_overview, session_outlines
from sessions.measures import TABLE_COLUMNS, table_cells
from sessions.models import Assessment, TreatmentSession

SESSIONS_PER_PAGE = 10


@login_required
def patient_detail(request, pk):
    patient = get_patient_for(request.user, pk)
    record_event(AuditAction.VIEW, patient)
    sessions = TreatmentSession.objects.for_patient(patient)
    assessments = list(Assessment.objects.current().for_patient(patient).select_related("assessed_by"))
    show_voided = request.GET.get("voided") == "1"
    listed = sessions if show_voided else sessions.current()
    page = Paginator(listed.with_details().newest_first(), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    outlines = session_outlines(patient)
    places, courses = course_overview(patient, outlines=outlines)
    context = {
        "patient": patient,
        "page": page,
        "timeline": [(session, places.get(session.pk)) for session in page],
        "voided_query": "voided=1&" if show_voided else "",
        "voided_count": sessions.voided().count(),
        "show_voided": show_voided,
        "courses": courses,
        "measure_columns": TABLE_COLUMNS,
        "assessment_rows": [(assessment, table_cells(assessment)) for assessment in assessments],
        "charts": outcome_charts(assessments, outlines),
    }
    return render(request, "sessions/patient_detail.html", context)
