"""The second factor: who needs one, signing in with it, and asking for it again before sensitive actions.

Every account needs a second factor (an authenticator app's code, or a passkey) unless every role it holds is
listed in MFA_OPTIONAL_ROLES; staff who reach the admin site always do. A user signed in with the password only
is sent to verify their second factor, or to enrol one if they have none yet, before any other page. Research
downloads and changes to one's own factors ask for it again when the last verification is older than
MFA_RECENT_SECONDS. One-time recovery codes stand in for a lost device.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_noop
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp_webauthn.helpers import WebAuthnHelper

from audit.models import AuditAction
from audit.services import record_event

# When the session last proved its second factor (seconds since the epoch).
VERIFIED_AT = "_second_factor_at"
# Pages an unverified user may still reach: signing out, and the second-factor pages themselves.
OPEN_PATHS = ("/accounts/logout/", "/accounts/second-factor/", "/webauthn/")


def role_names(user):
    if not hasattr(user, "_role_names"):
        user.has_role("")  # fills the per-request cache of the user's group names
    return user._role_names


def needs_second_factor(user):
    """Every signed-in account, unless each role it holds may go without (MFA_OPTIONAL_ROLES) and it is not staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    roles = role_names(user)
    return not roles or not roles <= set(settings.MFA_OPTIONAL_ROLES)


def has_second_factor(user):
    return any(True for _ in devices_for_user(user, confirmed=True))


def verified(request, device, how):
    """Mark the session as having passed its second factor with `device` (one of the user's), and audit it."""
    if device.user_id != request.user.pk:
        raise PermissionDenied(gettext_noop("That second factor belongs to someone else."))
    otp_login(request, device)
    request.session[VERIFIED_AT] = int(time.time())
    record_event(AuditAction.MFA_VERIFIED, request.user, detail={"with": how})


def recently_verified(request):
    at = request.session.get(VERIFIED_AT)
    return request.user.is_verified() and at is not None and time.time() - at <= settings.MFA_RECENT_SECONDS


def verify_url(next_url, again=False):
    query = {"next": next_url} | ({"again": "1"} if again else {})
    return f"{reverse('second-factor')}?{urlencode(query)}"


class SecondFactorMiddleware:
    """Sends a user signed in with the password only to their second factor (or to enrol one) before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if needs_second_factor(user) and not user.is_verified() and not request.path.startswith(OPEN_PATHS):
            if has_second_factor(user):
                return redirect(verify_url(request.get_full_path()))
            return redirect(f"{reverse('second-factor-setup')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def recent_second_factor_required(view):
    """For sensitive actions: the second factor again, if it was last proved more than MFA_RECENT_SECONDS ago."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if needs_second_factor(request.user) and not recently_verified(request):
            return redirect(verify_url(request.get_full_path(), again=True))
        return view(request, *args, **kwargs)

    return wrapper


def relying_party_id(request):
    """Passkeys are bound to the host name the clinic's staff type (checked by Django against ALLOWED_HOSTS)."""
    return split_domain_port(request.get_host())[0]


class SiteWebAuthnHelper(WebAuthnHelper):
    """The origin a passkey ceremony must come from: this site, as the request reached it."""

    def get_allowed_origins(self):
        return [f"{self.request.scheme}://{self.request.get_host()}"]
