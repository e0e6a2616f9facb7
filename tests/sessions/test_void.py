"""Voiding: nothing is deleted; a voided session or photo leaves lists, keeps its history, says who and why."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from sessions.models import SessionPhoto, TreatmentSession
from tests.support.factories import BlendComponentFactory
from tests.support.photos import stored_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return BlendComponentFactory().session


def void(client, session, reason="Logged against the wrong patient"):
    return client.post(reverse("session-void", args=[session.pk]), {"reason": reason})


def test_the_void_page_explains_that_nothing_is_deleted(clinician_client, session):
    page = clinician_client.get(reverse("session-void", args=[session.pk])).content.decode()

    assert "Voiding does not delete anything" in page


def test_a_voided_session_leaves_the_timeline_but_is_kept_with_who_when_and_why(clinician_client, clinician, session):
    response = void(clinician_client, session)

    assert response["Location"] == session.patient.get_absolute_url()
    stored = TreatmentSession.objects.get(pk=session.pk)
    assert stored.is_voided and stored.voided_by == clinician
    assert stored.void_reason == "Logged against the wrong patient"
    timeline = clinician_client.get(session.patient.get_absolute_url()).content.decode()
    assert session.get_absolute_url() not in timeline
    assert "Show 1 voided session" in timeline
    with_voided = clinician_client.get(session.patient.get_absolute_url(), {"voided": "1"}).content.decode()
    assert session.get_absolute_url() in with_voided and "voided: Logged against the wrong patient" in with_voided


def test_the_voided_session_page_says_so_and_offers_no_edit(clinician_client, session):
    void(clinician_client, session)

    page = clinician_client.get(session.get_absolute_url()).content.decode()

    assert "Voided</strong>" in page and "Logged against the wrong patient" in page
    assert reverse("session-edit", args=[session.pk]) not in page
    edit = clinician_client.get(reverse("session-edit", args=[session.pk]))
    assert edit.status_code == 302


def test_a_reason_is_required(clinician_client, session):
    response = void(clinician_client, session, reason="   ")

    assert "This field is required." in response.content.decode()
    assert not TreatmentSession.objects.get(pk=session.pk).is_voided


def test_voiding_twice_changes_nothing(clinician_client, session):
    void(clinician_client, session, reason="first")
    void(clinician_client, session, reason="second")

    assert TreatmentSession.objects.get(pk=session.pk).void_reason == "first"
    assert AuditEvent.objects.filter(action=AuditAction.VOID).count() == 1


def test_voiding_is_audited_and_in_the_history(clinician_client, clinician, session):
    void(clinician_client, session)

    event = AuditEvent.objects.get(action=AuditAction.VOID)
    assert (event.user, event.object_type, event.reason) == (clinician, "session", "Logged against the wrong patient")
    latest = session.history.latest()
    assert latest.voided_at is not None and latest.history_change_reason == "Logged against the wrong patient"


def test_a_voided_photo_leaves_the_session_page_but_is_listed_as_voided(clinician_client, clinician, session):
    photo = stored_photo(session, clinician)

    clinician_client.post(reverse("photo-void", args=[photo.pk]), {"reason": "Another patient's scalp"})

    assert SessionPhoto.objects.get(pk=photo.pk).is_voided
    page = clinician_client.get(session.get_absolute_url()).content.decode()
    assert reverse("photo-thumbnail", args=[photo.pk]) not in page
    assert "1 voided photo" in page and "Another patient&#x27;s scalp" in page
    timeline = clinician_client.get(session.patient.get_absolute_url()).content.decode()
    assert reverse("photo-thumbnail", args=[photo.pk]) not in timeline


def test_a_patient_with_sessions_cannot_be_deleted_through_the_orm(session):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        session.patient.delete()
    assert TreatmentSession.objects.filter(pk=session.pk).exists()


def test_other_roles_cannot_void(client_for, researcher, session):
    response = client_for(researcher).post(reverse("session-void", args=[session.pk]), {"reason": "x"})

    assert response.status_code == 403
    assert not TreatmentSession.objects.get(pk=session.pk).is_voided
