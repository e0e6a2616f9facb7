"""Sessions end after 30 minutes idle; a clinician can end all of theirs at once."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_every_request_pushes_the_expiry_30_minutes_ahead(clinician_client):
    clinician_client.get(reverse("patient-list"))

    expires_in = stored_session(clinician_client).expire_date - timezone.now()
    assert timedelta(minutes=29) < expires_in <= timedelta(minutes=30)


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
