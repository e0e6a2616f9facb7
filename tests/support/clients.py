"""Test clients signed in as a member of staff."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    """A test Client holding a session of `user`: what Client.force_login leaves behind, without a sign-in's
    own side effects (its audit row, django-axes' bookkeeping, last_login, a second session key), which cost
    a force_login some twenty queries. Tests of signing in go through the log-in form; every request still
    passes the session and authentication middleware as a browser's would."""
    client = Client()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client
