"""Test clients signed in as a member of staff, and the second factor a test proves."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.mfa import VERIFIED_AT
from tests.support.factories import PASSWORD

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def authenticator(user):
    """The user's authenticator app (a confirmed TOTP device), added if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device):
    """The code the user's app shows now; a step later if now's was used already (each code works once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = max(time.time(), (device.last_t + 1) * device.step)
    return f"{totp.token():0{device.digits}d}"


def signed_in(user, client=None):
    """A test Client holding a session of `user` that has passed its second factor: what signing in leaves behind,
    without a sign-in's own side effects (its audit rows, django-axes' bookkeeping, last_login, a second session
    key), which cost some twenty queries. Tests of signing in go through the forms (sign_in below); every request
    still passes the session, authentication and second-factor middleware as a browser's would."""
    client = client or Client()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session[VERIFIED_AT] = int(time.time())
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def sign_in(client, user, password=PASSWORD):
    """Sign in through the forms, as a person does: the password, then the authenticator app's code."""
    response = client.post(reverse("login"), {"username": user.get_username(), "password": password})
    assert response.status_code == 302, "the password was refused"
    code = current_code(authenticator(user))
    return client.post(reverse("second-factor"), {"code": code, "next": reverse("home")})


def password_only(user):
    """A client that has typed the user's password and not yet proved the second factor."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return client
