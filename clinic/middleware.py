import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext, ngettext


class RefuseNulInQueryMiddleware:
    """A NUL character in a query string is never legitimate, and PostgreSQL refuses it in text:
    answer 400 at the door instead of failing deep inside a search or an admin filter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("The address contains a null character.", content_type="text/plain")
        return self.get_response(request)


class RefuseOversizedBodyMiddleware:
    """A request announcing a body larger than any form needs (MAX_REQUEST_BYTES) is answered 413 before a byte of
    it is read; one whose Content-Length is not a number of bytes, 400 (Django would fail reading it). A missing
    Content-Length is left to the form's own limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.strip().isdecimal():
            return HttpResponseBadRequest(
                "The request's Content-Length is not a number of bytes.", content_type="text/plain; charset=utf-8"
            )
        length = int(declared)
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


def too_large(request):
    """413, in the browser's language: this answer comes before LocaleMiddleware has chosen one."""
    limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
    with translation.override(translation.get_language_from_request(request)):
        message = gettext(
            "This upload is larger than the %(limit)s MB a form can carry: attach fewer or smaller photos."
        )
        return HttpResponse(message % {"limit": limit}, status=413, content_type="text/plain; charset=utf-8")


# How stale the stored idle expiry may grow before a request writes it again: the 30-minute idle
# timeout (SESSION_COOKIE_AGE) then ends between 29 and 30 minutes after the last request.
SESSION_REFRESH_INTERVAL_SECONDS = 60
SESSION_REFRESHED_AT = "_idle_expiry_refreshed_at"


class RefreshIdleSessionMiddleware:
    """Pushes a session's idle expiry ahead at most once a minute, instead of writing the session row on
    every request (SESSION_SAVE_EVERY_REQUEST): the session is saved only when the request changed it or
    its last refresh is more than SESSION_REFRESH_INTERVAL_SECONDS old. Saving sets the expiry to now plus
    SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if session.session_key is None and not session.modified:
            return response  # no session cookie, and nothing stored during this request
        refreshed_at = session.get(SESSION_REFRESHED_AT)
        if session.is_empty():
            return response  # a stale cookie, or signed out during this request: nothing to keep alive
        now = int(time.time())
        if session.modified or refreshed_at is None or now - refreshed_at >= SESSION_REFRESH_INTERVAL_SECONDS:
            session[SESSION_REFRESHED_AT] = now
        return response


class PrivateResponsesMiddleware:
    """Every page and file the application itself answers may carry patient data: no browser or proxy keeps a copy
    (`Cache-Control: no-store`). Static files are answered before this, by WhiteNoise, and keep their long cache.
    And the browser features no page uses are switched off (Permissions-Policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


# When the session began, for its absolute lifetime (set at sign-in; a session from before this was kept starts
# counting at its next request).
SIGNED_IN_AT = "_signed_in_at"


def start_session_clock(sender, request, user, **kwargs):
    """On user_logged_in: the absolute lifetime counts from now."""
    request.session[SIGNED_IN_AT] = int(time.time())


class AbsoluteSessionLifetimeMiddleware:
    """However active, a session ends SESSION_ABSOLUTE_AGE seconds after the sign-in: then the user is signed out
    (which the audit trail records) and asked to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.setdefault(SIGNED_IN_AT, now) > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                hours = settings.SESSION_ABSOLUTE_AGE // 3600
                messages.info(
                    request,
                    ngettext(
                        "Your session ended %(hours)s hour after you signed in: please sign in again.",
                        "Your session ended %(hours)s hours after you signed in: please sign in again.",
                        hours,
                    )
                    % {"hours": hours},
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
