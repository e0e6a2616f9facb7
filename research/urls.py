from django.urls import path

from research import views

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/<slug:file_name>.csv", views.download, name="export-download"),
]
