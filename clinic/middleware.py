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
