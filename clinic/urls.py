from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import views
from clinic.forms import LoginForm

admin.site.site_header = "Scalp Session Logger administration"
admin.site.site_title = "Scalp Session Logger"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("healthz", views.healthz, name="healthz"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/new/", views.patient_create, name="patient-create"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient-edit"),
    path("", include("sessions.urls")),
    path("", include("protocols.urls")),
    path("", include("research.urls")),
    path("admin/", admin.site.urls),
]
