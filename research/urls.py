from django.urls import path

from research import views

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/<slug:file_name>.csv", views.download, name="export-download"),
    path("export/jobs/", views.job_create, name="export-job-create"),
    path("export/jobs/<uuid:pk>/", views.job_progress, name="export-job-progress"),
    path("export/jobs/<uuid:pk>/download/", views.job_download, name="export-job-download"),
]
