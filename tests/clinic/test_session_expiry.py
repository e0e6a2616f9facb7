"""Sessions end after 30 minutes idle, and 12 hours after signing in however active; a clinician can end all of
theirs at once."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from clinic.middleware import SESSION_REFRESH_INTERVAL_SECONDS, SESSION_REFRESHED_AT, SIGNED_IN_AT
from tests.support.clients import sign_in
from tests.support.pages import text

pytestmark = pytest.mark.django_db


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


def session_writes(client, *urls):
    """How many times the requests for these pages wrote the session row."""
    with CaptureQueriesContext(connection) as captured:
        for url in urls:
            assert client.get(url).status_code == 200
    return sum(1 for query in captured if query["sql"].startswith("UPDATE") and "django_session" in query["sql"])


def last_written(client, seconds_ago):
    """As if the session had last been written (and its expiry pushed ahead) that many seconds ago."""
    session = client.session
    session[SESSION_REFRESHED_AT] -= seconds_ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=30, seconds=-seconds_ago)
    )


def test_a_request_pushes_the_expiry_30_minutes_ahead(clinician_client):
    clinician_client.get(reverse("patient-list"))

    expires_in = stored_session(clinician_client).expire_date - timezone.now()
    assert timedelta(minutes=29) < expires_in <= timedelta(minutes=30)


def test_requests_within_a_minute_write_the_session_once(clinician_client):
    pages = [reverse("patient-list"), reverse("patient-list") + "?sort=record", reverse("patient-list")]

    assert session_writes(clinician_client, *pages) == 1


def test_a_request_within_the_minute_leaves_the_expiry_where_it_was(clinician_client):
    clinician_client.get(reverse("patient-list"))
    last_written(clinician_client, SESSION_REFRESH_INTERVAL_SECONDS - 5)
    expiry = stored_session(clinician_client).expire_date

    assert session_writes(clinician_client, reverse("patient-list")) == 0
    assert stored_session(clinician_client).expire_date == expiry


def test_a_request_more_than_a_minute_after_the_last_write_pushes_the_expiry_ahead(clinician_client):
    clinician_client.get(reverse("patient-list"))
    last_written(clinician_client, SESSION_REFRESH_INTERVAL_SECONDS + 1)

    assert session_writes(clinician_client, reverse("patient-list")) == 1
    expires_in = stored_session(clinician_client).expire_date - timezone.now()
    assert timedelta(minutes=29, seconds=59) < expires_in <= timedelta(minutes=30)


def test_after_30_idle_minutes_the_clinician_must_log_in_again(clinician_client):
    clinician_client.get(reverse("patient-list"))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = clinician_client.get(reverse("patient-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_session_cookie_ends_with_the_browser(clinician_client):
    response = clinician_client.get(reverse("patient-list"))

    assert response.cookies["sessionid"]["max-age"] == ""


def test_logging_out_everywhere_ends_every_session_of_that_user_only(client_for, clinician, researcher):
    desk, tablet, colleague = client_for(clinician), client_for(clinician), client_for(researcher)
    for client in (desk, tablet):
        client.get(reverse("patient-list"))

    response = desk.post(reverse("logout-everywhere"))

    assert response["Location"] == reverse("login")
    assert tablet.get(reverse("patient-list")).status_code == 302
    assert desk.get(reverse("patient-list")).status_code == 302
    assert colleague.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT_EVERYWHERE)
    assert event.user == clinician and event.detail == {"sessions_ended": 2}


def test_the_logout_everywhere_page_asks_before_acting(clinician_client):
    page = clinician_client.get(reverse("logout-everywhere"))

    assert page.status_code == 200
    assert clinician_client.get(reverse("patient-list")).status_code == 200


def signed_in_hours_ago(client, hours):
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - hours * 3600
    session.save()


def test_however_active_a_session_ends_12_hours_after_signing_in(client, clinician):
    sign_in(client, clinician)
    assert client.get(reverse("patient-list")).status_code == 200
    signed_in_hours_ago(client, 11)
    assert client.get(reverse("patient-list")).status_code == 200

    signed_in_hours_ago(client, 12.1)
    response = client.get(reverse("patient-list"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Your session ended 12 hours after you signed in: please sign in again." in text(response)
    assert not response.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, user=clinician).count() == 1
    assert client.get(reverse("patient-list")).status_code == 302


def test_a_session_kept_from_before_starts_its_clock_at_its_next_request(clinician_client):
    assert clinician_client.get(reverse("patient-list")).status_code == 200  # no sign-in time stored until now

    assert time.time() - clinician_client.session[SIGNED_IN_AT] < 60
