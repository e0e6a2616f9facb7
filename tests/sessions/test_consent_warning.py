"""Logging a session of a technique the patient has not signed a treatment consent for needs the clinician's
confirmation, and the session's page says so; with the consent signed, no such warning."""

from django.urls import reverse
from django.utils import timezone

from clinic.consent_services import withdraw_consent
from sessions.models import TreatmentSession
from tests.support.factories import PatientFactory, SessionFactory
from tests.support.posts import session_data

WARNING = "No signed treatment consent for Microneedling"


def test_a_session_without_signed_treatment_consent_waits_for_confirmation(clinician_client):
    patient = PatientFactory(treatment_consents=["mmp"])
    url = reverse("session-log", args=[patient.pk])

    response = clinician_client.post(url, session_data(technique="microneedling"))

    assert WARNING in response.content.decode()
    assert not TreatmentSession.objects.exists()
    confirmed = clinician_client.post(url, session_data(technique="microneedling", confirm_warnings="on"))
    assert confirmed.status_code == 302


def test_no_warning_when_the_treatment_consent_is_signed(clinician_client):
    patient = PatientFactory(treatment_consents=["microneedling"])

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), session_data(technique="microneedling"))

    assert response.status_code == 302
    assert TreatmentSession.objects.get().technique == "microneedling"


def test_a_withdrawn_treatment_consent_warns_again(clinician, clinician_client):
    patient = PatientFactory(treatment_consents=["microneedling"])
    withdraw_consent(
        patient=patient, purpose="treatment", technique="microneedling", reason="Fear of needles", recorded_by=clinician
    )

    # Performed now, after the withdrawal (the default two hours ago would be yesterday just after midnight).
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = session_data(technique="microneedling", performed_at=now)
    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert WARNING in response.content.decode()


def test_the_session_page_shows_the_missing_consent(clinician_client):
    session = SessionFactory(patient=PatientFactory(treatment_consents=[]), technique="microneedling")

    assert WARNING in clinician_client.get(session.get_absolute_url()).content.decode()


def test_the_session_page_shows_no_consent_warning_when_signed(clinician_client):
    session = SessionFactory(patient=PatientFactory(treatment_consents=["microneedling"]), technique="microneedling")

    assert "No signed treatment consent" not in clinician_client.get(session.get_absolute_url()).content.decode()
