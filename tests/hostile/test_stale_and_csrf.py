"""Stale forms (two editors, tampered versions, records voided meanwhile) and posts without a CSRF token."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from sessions.models import SessionPhoto
from tests.hostile.payloads import XSS_PAYLOADS, assert_escaped
from tests.support.clients import signed_in
from tests.support.db import assert_refused, stored_state
from tests.support.factories import PASSWORD, BlendComponentFactory, PatientFactory, SessionFactory
from tests.support.forms import error_messages
from tests.support.pages import text
from tests.support.photos import new_photo, store_photos
from tests.support.posts import edit_data, patient_data, session_data

pytestmark = pytest.mark.django_db

SOMEONE_ELSE = "Someone else saved this record while you were editing it."


def test_the_second_of_two_patient_edits_is_refused_and_says_why(clinician_client, client_for, superuser):
    patient = PatientFactory(first_name="Ada", last_name="Lovelace")
    stale = patient_data(patient)  # both forms show version 1
    script = XSS_PAYLOADS[0]
    first = client_for(superuser).post(
        reverse("patient-edit", args=[patient.pk]), stale | {"first_name": script.value("cf1")}
    )
    assert first.status_code == 302
    before = stored_state()

    second = clinician_client.post(reverse("patient-edit", args=[patient.pk]), stale | {"last_name": "Byron"})

    assert second.status_code == 200
    assert_refused(second, before, messages=[SOMEONE_ELSE, "Your changes are still in the form and were not saved"])
    # The explanation quotes what the other person typed: escaped, like everything else.
    assert_escaped(text(second), script, "cf1", where="the conflict message")
    patient.refresh_from_db()
    assert patient.last_name == "Lovelace"


def test_the_second_of_two_session_edits_is_refused_and_stores_nothing(clinician_client, client_for, clinician):
    session = SessionFactory(notes="original")
    BlendComponentFactory(session=session)
    stale = edit_data(session)
    first = client_for(clinician).post(reverse("session-edit", args=[session.pk]), stale | {"notes": "first"})
    assert first.status_code == 302
    before = stored_state()

    second = clinician_client.post(
        reverse("session-edit", args=[session.pk]),
        stale | {"notes": "second", "pain_score": "9", "blend-0-volume_ml": "7"},
    )

    assert second.status_code == 200
    assert_refused(second, before, messages=[SOMEONE_ELSE, "notes: original → first"])


def test_an_edit_posted_after_the_session_was_voided_is_refused(clinician_client, clinician):
    session = SessionFactory()
    stale = edit_data(session, notes="late edit")
    clinician_client.post(reverse("session-void", args=[session.pk]), {"reason": "Logged on the wrong patient"})
    before = stored_state()

    response = clinician_client.post(reverse("session-edit", args=[session.pk]), stale, follow=True)

    assert_refused(response, before, messages=["This session has been voided and can no longer be edited."])


@pytest.mark.parametrize("what", ["session", "photo"])
def test_a_second_void_form_is_refused_and_keeps_the_first_reason(what, clinician_client, clinician):
    session = store_photos(SessionFactory(), clinician, new_photo(view="top"))
    record = session if what == "session" else SessionPhoto.objects.get()
    url = reverse(f"{what}-void", args=[record.pk])
    assert clinician_client.post(url, {"reason": "first reason"}).status_code == 302
    before = stored_state()

    response = clinician_client.post(url, {"reason": "second reason"}, follow=True)

    assert_refused(response, before, messages=["This record was already voided."])
    record.refresh_from_db()
    assert record.void_reason == "first reason"


def without_version(data):
    return {name: value for name, value in data.items() if name != "seen_version"}


@pytest.mark.parametrize("what", ["patient", "session"])
def test_a_stale_form_posted_without_its_version_never_overwrites_a_colleagues_change(
    what, clinician_client, client_for, superuser
):
    if what == "patient":
        record = PatientFactory(first_name="Ada")
        url, stale = reverse("patient-edit", args=[record.pk]), patient_data(record)
        colleagues, ours = {"first_name": "Augusta"}, {"last_name": "Byron"}
    else:
        record = SessionFactory(notes="original")
        url, stale = reverse("session-edit", args=[record.pk]), edit_data(record)
        colleagues, ours = {"notes": "the colleague's note"}, {"notes": "ours"}
    assert client_for(superuser).post(url, stale | colleagues).status_code == 302
    before = stored_state()

    response = clinician_client.post(url, without_version(stale | ours))

    assert response.status_code == 200
    assert shows_a_form_error(response, response.context["form"]), "refused without any message on the page"
    assert_refused(response, before)


def test_a_new_patient_needs_no_version(clinician_client):
    response = clinician_client.post(reverse("patient-create"), without_version(patient_data()))

    assert response.status_code == 302


TAMPERED_VERSIONS = ["0", "-5", "abc", "999999"]


def shows_a_form_error(response, *forms):
    """At least one of the form's error messages is on the page (a hidden field's error counts only if shown)."""
    messages = error_messages(*forms)
    body = text(response)
    return bool(messages) and any(escape(message) in body for message in messages)


@pytest.mark.parametrize("seen_version", TAMPERED_VERSIONS)
def test_a_tampered_patient_version_is_refused_with_a_message(seen_version, clinician_client):
    patient = PatientFactory(first_name="Ada")
    before = stored_state()

    response = clinician_client.post(
        reverse("patient-edit", args=[patient.pk]),
        patient_data(patient, first_name="Tampered", seen_version=seen_version),
    )

    assert response.status_code == 200
    assert shows_a_form_error(response, response.context["form"]), "refused without any message on the page"
    assert_refused(response, before)


@pytest.mark.parametrize("seen_version", TAMPERED_VERSIONS)
def test_a_tampered_session_version_is_refused_with_a_message(seen_version, clinician_client):
    session = SessionFactory(notes="original")
    before = stored_state()

    response = clinician_client.post(
        reverse("session-edit", args=[session.pk]), edit_data(session, notes="Tampered", seen_version=seen_version)
    )

    assert response.status_code == 200
    assert shows_a_form_error(response, response.context["form"]), "refused without any message on the page"
    assert_refused(response, before)


# --- Posts without a CSRF token -------------------------------------------------------------------------------

CSRF_FAILED = "CSRF verification failed. Request aborted."


@pytest.fixture
def no_csrf_client(clinician):
    client = Client(enforce_csrf_checks=True)
    signed_in(clinician, client)
    return client


@pytest.fixture
def world(clinician):
    session = store_photos(SessionFactory(), clinician, new_photo(view="top"))
    return {"patient": session.patient, "session": session, "photo": SessionPhoto.objects.get()}


CSRF_POSTS = {
    "patient-create": lambda w: (reverse("patient-create"), patient_data()),
    "patient-edit": lambda w: (reverse("patient-edit", args=[w["patient"].pk]), patient_data(w["patient"], notes="x")),
    "session-log": lambda w: (reverse("session-log", args=[w["patient"].pk]), session_data()),
    "session-edit": lambda w: (reverse("session-edit", args=[w["session"].pk]), edit_data(w["session"], notes="x")),
    "session-void": lambda w: (reverse("session-void", args=[w["session"].pk]), {"reason": "no token"}),
    "photo-void": lambda w: (reverse("photo-void", args=[w["photo"].pk]), {"reason": "no token"}),
    "logout": lambda w: (reverse("logout"), {}),
    "logout-everywhere": lambda w: (reverse("logout-everywhere"), {}),
    "patient-create-forged-token": lambda w: (reverse("patient-create"), patient_data(csrfmiddlewaretoken="x" * 64)),
}


@pytest.mark.parametrize("make_post", CSRF_POSTS.values(), ids=CSRF_POSTS)
def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(make_post, no_csrf_client, world):
    url, data = make_post(world)
    before = stored_state()

    response = no_csrf_client.post(url, data)

    assert response.status_code == 403
    assert_refused(response, before, messages=[CSRF_FAILED])
    assert no_csrf_client.get(reverse("patient-list")).status_code == 200  # still signed in


def test_logging_out_by_get_is_refused(no_csrf_client):
    response = no_csrf_client.get(reverse("logout"))

    assert response.status_code == 405
    assert no_csrf_client.get(reverse("patient-list")).status_code == 200


def test_a_login_post_without_a_token_is_refused(clinician):
    client = Client(enforce_csrf_checks=True)
    before = Session.objects.count()

    response = client.post(reverse("login"), {"username": "dr.clinician", "password": PASSWORD})

    assert response.status_code == 403 and CSRF_FAILED in text(response)
    assert Session.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_an_admin_post_without_a_token_is_refused(superuser):
    client = Client(enforce_csrf_checks=True)
    signed_in(superuser, client)
    before = stored_state()

    response = client.post(
        reverse("admin:clinic_device_add"), {"kind": "rotary_tattoo", "manufacturer": "X", "model_name": "Y"}
    )

    assert response.status_code == 403
    assert_refused(response, before, messages=[CSRF_FAILED])
