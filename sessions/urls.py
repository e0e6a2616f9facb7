from django.urls import path

from sessions.views import outcomes, patient_list, patient_page, photos, recall, reports, session_pages, voiding

urlpatterns = [
    path("patients/", patient_list.patient_list, name="patient-list"),
    path("patients/<int:pk>/", patient_page.patient_detail, name="patient-detail"),
    path("patients/<int:patient_pk>/sessions/new/", session_pages.log_session, name="session-log"),
    path("sessions/<int:pk>/", session_pages.session_detail, name="session-detail"),
    path("sessions/<int:pk>/report.pdf", reports.session_report, name="session-report"),
    path(
        "patients/<int:patient_pk>/courses/<slug:kind>/<slug:key>/report.pdf",
        reports.course_report,
        name="course-report",
    ),
    path("sessions/<int:pk>/edit/", session_pages.edit_session, name="session-edit"),
    path("sessions/<int:pk>/void/", voiding.void_session_view, name="session-void"),
    path("photos/<uuid:pk>/void/", voiding.void_photo_view, name="photo-void"),
    path("patients/<int:patient_pk>/assessments/new/", outcomes.add_assessment, name="assessment-add"),
    path("patients/<int:patient_pk>/compare/", photos.compare_photos, name="photo-compare"),
    path("patients/<int:patient_pk>/compare/download.jpg", photos.compare_download, name="photo-compare-download"),
    path("assessments/<int:pk>/void/", voiding.void_assessment_view, name="assessment-void"),
    path("sessions/<int:pk>/delayed-events/new/", outcomes.add_delayed_event, name="delayed-event-add"),
    path("delayed-events/<int:pk>/void/", voiding.void_delayed_event_view, name="delayed-event-void"),
    path("lot-recall/", recall.lot_recall, name="lot-recall"),
    path("lot-recall/recall-letters.csv", recall.lot_recall_csv, name="lot-recall-csv"),
    path("photos/<uuid:pk>/", photos.photo_file, name="photo-file"),
    path("photos/<uuid:pk>/thumbnail/", photos.photo_file, {"variant": "thumbnail"}, name="photo-thumbnail"),
    path("photos/waiting/<uuid:pk>/thumbnail/", photos.pending_photo_thumbnail, name="pending-photo-thumbnail"),
    path("photos/<uuid:pk>/screen/", photos.photo_file, {"variant": "screen"}, name="photo-screen"),
]
