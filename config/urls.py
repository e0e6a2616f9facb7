from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from clinic.account_views import ThrottledLoginView
from clinic.languages import choose_language

# A refusal (403) is a security event in the audit trail.
handler403 = "clinic.views.permission_denied"

admin.site.site_header = _("Scalp Session Logger administration")
admin.site.site_title = _("Scalp Session Logger")

urlpatterns = [
    path("", include("clinic.urls")),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("webauthn/", include("clinic.webauthn_urls")),
    path("language/", choose_language, name="choose-language"),
    path("", include("sessions.urls")),
    path("", include("protocols.urls")),
    path("", include("research.urls")),
    path("admin/", admin.site.urls),
]
