import time

from django.http import HttpResponseBadRequest


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
