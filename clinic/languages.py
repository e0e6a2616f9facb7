"""The interface language: each user's own choice, saved on the user and offered on every page.

Before sign-in, Django's LocaleMiddleware follows the language cookie, then the browser's Accept-Language; once
signed in, the choice saved on the user wins on every device. What leaves for research never follows it."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def in_stored_language():
    """A context in which text is put into words in the code's own language (settings.LANGUAGE_CODE), whatever the
    reader's: for what is stored or leaves for research (departure summaries, export files, codebooks)."""
    return translation.override(settings.LANGUAGE_CODE)


class UserLanguageMiddleware:
    """After authentication: a signed-in user's saved language, where they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen in LANGUAGE_CODES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


@require_POST
def choose_language(request):
    """Save the language chosen in the menu (on the user when signed in, in a cookie for the sign-in page) and go
    back to the page it was chosen on."""
    code = request.POST.get("language", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = resolve_url(settings.LOGIN_REDIRECT_URL if request.user.is_authenticated else settings.LOGIN_URL)
    response = HttpResponseRedirect(back)
    if code not in LANGUAGE_CODES:
        return response
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response
