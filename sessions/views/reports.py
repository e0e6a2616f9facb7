"""Session and course reports as PDF files: for clinicians, each one a disclosure in the audit trail."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import record_event
from clinic.access import clinician_required, get_patient_for
from sessions import reports
from sessions.access import get_session_for
from sessions.courses import course_key_from


@require_GET
@clinician_required
def session_report(request, pk):
    session = get_session_for(request.user, pk)
    if session.is_voided:
        raise Http404("This session has been voided: it has no report.")
    return _pdf_response(reports.session_report(session), f"session-{session.pk}-report.pdf")


@require_GET
@clinician_required
def course_report(request, patient_pk, kind, key):
    patient = get_patient_for(request.user, patient_pk)
    course = course_key_from(kind, key)
    report = reports.course_report(patient, course) if course else None
    if report is None:
        raise Http404("This patient has no session in that course.")
    return _pdf_response(report, f"patient-{patient.pk}-course-{key}-report.pdf")


def _pdf_response(report, filename):
    # The file names the record by number only: a name would show in download lists and mail attachments.
    pdf = report.pdf()
    record_event(AuditAction.DISCLOSE, report.subject, detail=report.disclosure)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
