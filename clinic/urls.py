from django.urls import path

from clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("accounts/ping/", views.ping, name="session-ping"),
    path("healthz", views.healthz, name="healthz"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/new/", views.patient_create, name="patient-create"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient-edit"),
]
