"""The patient page: who the patient is, their courses, outcomes and treatment history."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import get_patient_for
from clinic.consents import consent_history, held_consents, standing_withdrawals
from clinic.vocabularies import Technique
from sessions.charts import outcome_charts
from sessions.courses import course_overview, patient_history
from sessions.measures import TABLE_COLUMNS, table_cells
from sessions.models import Assessment
from sessions.selectors import timeline

SESSIONS_PER_PAGE = 5


@login_required
def patient_detail(request, pk):
    patient = get_patient_for(request.user, pk)
    record_event(AuditAction.VIEW, patient)
    history = patient_history(patient)
    show_voided = request.GET.get("voided") == "1"
    page = Paginator(history.newest_first(voided=show_voided), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    current = history.current
    places, courses = course_overview(patient, outlines=current, places_of=set(page.object_list))
    shown = timeline(patient, page.object_list, history.presets)
    assessments = list(Assessment.objects.current().for_patient(patient).select_related("assessed_by"))
    consents = consent_history(patient)
    context = {
        "patient": patient,
        "page": page,
        "timeline": [(session, places.get(session.pk)) for session in shown],
        "voided_query": "voided=1&" if show_voided else "",
        "voided_count": history.voided_count,
        "show_voided": show_voided,
        "courses": courses,
        "measure_columns": TABLE_COLUMNS,
        "assessment_rows": [(assessment, table_cells(assessment)) for assessment in assessments],
        "charts": outcome_charts(assessments, current),
        "consent_history": consents,
        "withdrawn": standing_withdrawals(consents),
        "treatment_consents": [Technique(technique).label for _, technique in held_consents(consents) if technique],
    }
    return render(request, "sessions/patient_detail.html", context)
