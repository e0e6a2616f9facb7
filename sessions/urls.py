from django.urls import path

from sessions import views

urlpatterns = [
    path("patients/<int:patient_pk>/sessions/new/", views.log_session, name="session-log"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", views.edit_session, name="session-edit"),
    path("sessions/<int:pk>/void/", views.void_session_view, name="session-void"),
    path("photos/<uuid:pk>/void/", views.void_photo_view, name="photo-void"),
    path("patients/<int:patient_pk>/assessments/new/", views.add_assessment, name="assessment-add"),
    path("patients/<int:patient_pk>/compare/", views.compare_photos, name="photo-compare"),
    path("patients/<int:patient_pk>/compare/download.jpg", views.compare_download, name="photo-compare-download"),
    path("assessments/<int:pk>/void/", views.void_assessment_view, name="assessment-void"),
    path("sessions/<int:pk>/delayed-events/new/", views.add_delayed_event, name="delayed-event-add"),
    path("delayed-events/<int:pk>/void/", views.void_delayed_event_view, name="delayed-event-void"),
    path("photos/<uuid:pk>/", views.photo_file, name="photo-file"),
    path("photos/<uuid:pk>/thumbnail/", views.photo_file, {"variant": "thumbnail"}, name="photo-thumbnail"),
]
