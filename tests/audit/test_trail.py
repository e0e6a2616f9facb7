"""Every login, logout, failure, write and view of patient data leaves an audit event."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from clinic.models import Patient
from tests.support.factories import PASSWORD, LotFactory, PatientFactory, SessionFactory, UserFactory
from tests.support.images import jpeg_bytes, upload
from tests.support.photos import stored_photo
from tests.support.posts import edit_data, session_data, with_blend, with_photos

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_login_and_a_logout_are_recorded_with_user_time_and_address(client):
    user = UserFactory(username="dr.rossi", roles=["clinician"])
    before = timezone.now()

    client.post(reverse("login"), {"username": "dr.rossi", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")

    (login,) = events(AuditAction.LOGIN)
    (logout,) = events(AuditAction.LOGOUT)
    assert (login.user, login.username, login.ip_address) == (user, "dr.rossi", "10.1.2.3")
    assert before <= login.at <= logout.at <= timezone.now()
    assert logout.user == user


def test_a_failed_login_is_recorded_with_the_username_tried(client):
    UserFactory(username="dr.rossi")

    client.post(reverse("login"), {"username": "dr.rossi", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")

    (failure,) = events(AuditAction.LOGIN_FAILED)
    assert (failure.user, failure.username, failure.ip_address) == (None, "dr.rossi", "10.9.9.9")


def test_creating_and_editing_a_patient_are_recorded_with_the_changed_fields(clinician_client, clinician):
    data = {
        "record_number": "P-1",
        "first_name": "Ada",
        "last_name": "L",
        "date_of_birth": "1980-01-01",
        "sex": "female",
        "diagnosis": "aga",
    }
    clinician_client.post(reverse("patient-create"), data)
    patient = Patient.objects.get()

    clinician_client.post(reverse("patient-edit", args=[patient.pk]), {**data, "diagnosis": "te", "seen_version": 1})

    (created,) = events(AuditAction.CREATE)
    (updated,) = events(AuditAction.UPDATE)
    assert (created.user, created.object_type, created.object_id) == (clinician, "patient", str(patient.pk))
    assert updated.changes == {"diagnosis": ["aga", "te"]}


def test_logging_a_session_records_the_session_its_blend_and_its_photo(clinician_client, clinician):
    patient = PatientFactory()
    data = with_photos(with_blend(session_data(), LotFactory()), upload(jpeg_bytes()))

    clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    created = {(event.object_type, event.user) for event in events(AuditAction.CREATE)}
    assert created == {("session", clinician), ("blend_component", clinician), ("photo", clinician)}


def test_editing_a_session_records_old_and_new_values_and_the_reason(clinician_client):
    session = SessionFactory(needle_depth_mm=Decimal("1.00"))

    clinician_client.post(
        reverse("session-edit", args=[session.pk]),
        edit_data(session, needle_depth_mm="1.2", amendment_reason="Machine log says 1.2"),
    )

    (updated,) = events(AuditAction.UPDATE)
    assert updated.object_type == "session"
    assert updated.changes == {"needle_depth_mm": ["1.00", "1.20"]}
    assert updated.reason == "Machine log says 1.2"


def test_viewing_a_patient_a_session_and_a_photo_is_recorded(clinician_client, clinician):
    session = SessionFactory()
    photo = stored_photo(session, clinician, view="top")

    clinician_client.get(session.patient.get_absolute_url())
    clinician_client.get(session.get_absolute_url())
    clinician_client.get(reverse("photo-file", args=[photo.pk]))

    viewed = [(e.object_type, e.object_id, e.user) for e in events(AuditAction.VIEW)]
    assert viewed == [
        ("patient", str(session.patient.pk), clinician),
        ("session", str(session.pk), clinician),
        ("photo", str(photo.pk), clinician),
    ]


def test_a_refused_visitor_leaves_a_security_event_and_no_view(client_for, researcher):
    patient = PatientFactory()

    response = client_for(researcher).get(patient.get_absolute_url(), REMOTE_ADDR="192.0.2.9")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
    refused = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED)
    assert (refused.user, refused.ip_address) == (researcher, "192.0.2.9")
    assert refused.detail == {"path": patient.get_absolute_url(), "why": "Patient records are open to clinicians only."}


def test_the_admin_lists_of_clinical_records_record_what_they_showed(client_for, superuser):
    first, second = SessionFactory(), SessionFactory()

    client_for(superuser).get(reverse("admin:clinic_patient_changelist"), {"q": second.patient.record_number})
    client_for(superuser).get(reverse("admin:treatments_treatmentsession_changelist"))

    lists = [event.detail for event in events(AuditAction.VIEW)]
    assert lists[0] == {
        "listed": "patient",
        "pks": [str(second.patient.pk)],
        "via": "admin",
        "search": second.patient.record_number,
    }
    assert (lists[1]["listed"], sorted(lists[1]["pks"])) == ("session", sorted([str(first.pk), str(second.pk)]))


def test_opening_a_clinical_record_in_the_admin_is_recorded_too(client_for, superuser):
    session = SessionFactory()

    client_for(superuser).get(reverse("admin:clinic_patient_change", args=[session.patient.pk]))
    client_for(superuser).get(reverse("admin:treatments_treatmentsession_history", args=[session.pk]))

    viewed = [(e.object_type, e.user, e.detail) for e in events(AuditAction.VIEW)]
    assert viewed == [("patient", superuser, {"via": "admin"}), ("session", superuser, {"via": "admin"})]
