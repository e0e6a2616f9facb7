"""The session summary stored on each patient (count of current sessions, last one) follows every session write."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from clinic.models import Patient
from clinic.vocabularies import Technique
from sessions.demo import create_demo_data
from sessions.models import TreatmentSession
from sessions.services import save_session, void_record
from tests.support.factories import CartridgeFactory, DeviceFactory, PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db


def summary(patient):
    stored = Patient.objects.get(pk=patient.pk)
    return stored.session_count, stored.last_session_at


def test_a_new_session_counts_and_is_the_last(clinician):
    patient = PatientFactory()
    performed_at = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    session = TreatmentSession(
        patient=patient,
        clinician=clinician,
        performed_at=performed_at,
        technique=Technique.MMP,
        device=DeviceFactory(),
        cartridge=CartridgeFactory(),
        needle_depth_mm=Decimal("1.0"),
        frequency_hz=120,
        adverse_events=["none"],
    )

    save_session(session=session, uploaded_by=clinician, warnings_confirmed=True)

    assert summary(patient) == (1, performed_at)


def test_moving_a_session_in_time_moves_the_last_session(clinician):
    patient = PatientFactory()
    earlier = SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=20))
    later = SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=10))

    later.performed_at = earlier.performed_at - timedelta(days=5)
    save_session(session=later, uploaded_by=clinician, warnings_confirmed=True, amendment_reason="Wrong day typed")

    assert summary(patient) == (2, earlier.performed_at)


def test_a_voided_session_neither_counts_nor_is_the_last(clinician):
    patient = PatientFactory()
    kept = SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=9))
    voided = SessionFactory(patient=patient, performed_at=timezone.now() - timedelta(days=1))

    void_record(record=voided, reason="Logged against the wrong patient", by=clinician)

    assert summary(patient) == (1, kept.performed_at)


def test_voiding_the_only_session_leaves_a_never_treated_patient(clinician):
    session = SessionFactory()

    void_record(record=session, reason="Never happened", by=clinician)

    assert summary(session.patient) == (0, None)


def test_saving_a_patient_loaded_before_a_session_keeps_the_summary():
    patient = PatientFactory()
    stale_copy = Patient.objects.get(pk=patient.pk)
    session = SessionFactory(patient=patient)

    stale_copy.notes = "Prefers morning appointments"
    stale_copy.save()

    assert summary(patient) == (1, session.performed_at)
    assert Patient.objects.get(pk=patient.pk).notes == "Prefers morning appointments"


def test_demo_data_comes_with_each_patients_summary():
    create_demo_data(patients=3, sessions_per_patient=4, seed=7)

    for patient in Patient.objects.filter(is_demo=True):
        current = TreatmentSession.objects.current().filter(patient=patient).order_by("-performed_at")
        assert summary(patient) == (current.count(), current.first().performed_at)


def test_the_migration_fills_the_summary_from_the_sessions_already_stored(clinician):
    treated, never = PatientFactory(), PatientFactory()
    kept = SessionFactory(patient=treated, performed_at=timezone.now() - timedelta(days=8))
    SessionFactory(patient=treated, performed_at=timezone.now() - timedelta(days=30))
    void_record(record=SessionFactory(patient=treated), reason="Duplicate", by=clinician)
    Patient.objects.update(session_count=0, last_session_at=None)  # as before the migration

    migration = importlib.import_module("clinic.migrations.0003_patient_session_summary")
    migration.fill_session_summaries(apps, schema_editor=None)

    assert summary(treated) == (2, kept.performed_at)
    assert summary(never) == (0, None)
