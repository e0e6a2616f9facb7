"""django-otp-webauthn's endpoints (same names, namespace otp_webauthn), with the trail told what happened: a
passkey added, a second factor proved or refused."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views

from audit.models import AuditAction
from audit.services import record_event
from clinic.account_views import trusted
from clinic.mfa import verified

app_name = "otp_webauthn"


class MalformedJsonRefused:
    """The library answers a body that is not JSON with 400, but lets JSON nested thousands deep (RecursionError)
    and bytes that are not UTF-8 (UnicodeDecodeError) through as server errors: both are malformed requests too."""

    def _parse_request_data(self, request):
        try:
            return super()._parse_request_data(request)
        except (RecursionError, ValueError) as error:
            raise exceptions.MalformedRequest() from error


class BeginRegistration(MalformedJsonRefused, views.BeginCredentialRegistrationView):
    pass


class BeginAuthentication(MalformedJsonRefused, views.BeginCredentialAuthenticationView):
    pass


class AuditedRegistration(MalformedJsonRefused, views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        record_event(AuditAction.MFA_ADDED, self.request.user, detail={"factor": "passkey"})
        return response


class AuditedAuthentication(MalformedJsonRefused, views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        verified(self.request, device, "passkey")

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        return trusted(self.request, response) if self.request.user.is_verified() else response

    def handle_exception(self, exc):
        if getattr(self.request, "user", None) is not None and self.request.user.is_authenticated:
            record_event(AuditAction.MFA_FAILED, self.request.user, detail={"with": "passkey", "why": str(exc)[:200]})
        return super().handle_exception(exc)


urlpatterns = [
    path(
        "registration/begin/",
        BeginRegistration.as_view(),
        name="credential-registration-begin",
    ),
    path("registration/complete/", AuditedRegistration.as_view(), name="credential-registration-complete"),
    path(
        "authentication/begin/",
        BeginAuthentication.as_view(),
        name="credential-authentication-begin",
    ),
    path("authentication/complete/", AuditedAuthentication.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
