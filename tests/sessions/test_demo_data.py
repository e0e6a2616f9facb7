from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clinic.consent_models import ConsentPurpose
from clinic.consents import has_consent, has_treatment_consent
from clinic.models import Device, Patient, Product
from sessions.courses import refresh_course_deviations
from sessions.demo import DEMO_NOTE
from sessions.models import BlendComponent, TreatmentSession

pytestmark = pytest.mark.django_db


def test_it_adds_the_requested_patients_and_sessions_all_flagged_as_demo():
    call_command("demo_data", patients=12, sessions_per_patient=3, seed=7, stdout=StringIO())

    assert Patient.objects.count() == 12
    assert TreatmentSession.objects.count() == 36
    assert not Patient.objects.filter(is_demo=False).exists()
    assert not TreatmentSession.objects.filter(is_demo=False).exists()
    assert not Device.objects.filter(is_demo=False).exists()
    assert not Product.objects.filter(is_demo=False).exists()
    assert set(Patient.objects.values_list("notes", flat=True)) == {DEMO_NOTE}


def test_every_generated_record_passes_the_same_validation_as_a_clinicians_entry():
    call_command("demo_data", patients=20, sessions_per_patient=4, seed=3, stdout=StringIO())

    for patient in Patient.objects.all():
        patient.full_clean()
    for session in TreatmentSession.objects.select_related("patient"):
        session.full_clean()
        assert session.performed_at.date() >= session.patient.date_of_birth
    for component in BlendComponent.objects.select_related("lot", "product"):
        component.full_clean()


def test_the_same_seed_gives_the_same_data_and_a_second_run_adds_more():
    call_command("demo_data", patients=5, sessions_per_patient=2, seed=11, stdout=StringIO())
    first = list(Patient.objects.order_by("pk").values_list("first_name", "date_of_birth", "diagnosis"))
    call_command("demo_data", patients=5, sessions_per_patient=2, seed=11, stdout=StringIO())

    second = list(Patient.objects.order_by("pk").values_list("first_name", "date_of_birth", "diagnosis"))[5:]
    assert first == second
    assert Patient.objects.count() == 10
    assert len(set(Patient.objects.values_list("record_number", flat=True))) == 10


def test_it_refuses_nonsense_counts():
    with pytest.raises(CommandError, match="expected a whole number of at least 1, not '0'"):
        call_command("demo_data", "--patients", "0")
    with pytest.raises(CommandError, match="expected a whole number of at least 1, not 'ten'"):
        call_command("demo_data", "--sessions-per-patient", "ten")


def test_most_demo_courses_start_from_a_published_preset_of_their_technique():
    call_command("demo_data", patients=30, sessions_per_patient=2, seed=5, stdout=StringIO())

    started = TreatmentSession.objects.filter(preset__isnull=False).select_related("preset")
    assert started.count() > TreatmentSession.objects.count() // 2
    assert all(s.preset.technique == s.technique and s.preset.is_published for s in started)


def test_demo_courses_store_the_due_dates_the_course_refresh_would():
    call_command("demo_data", patients=30, sessions_per_patient=2, seed=5, stdout=StringIO())
    sessions = TreatmentSession.objects.order_by("pk").values_list("pk", "next_due_from", "next_due_to")
    loaded = list(sessions)

    for patient in Patient.objects.filter(treatment_sessions__preset__isnull=False).distinct():
        for slug in set(patient.treatment_sessions.values_list("preset__slug", flat=True)):
            refresh_course_deviations(patient, slug)

    assert list(sessions) == loaded
    assert any(due_from is not None for _, due_from, _ in loaded)


def test_demo_patients_consents_are_records_and_their_sessions_ask_for_none():
    call_command("demo_data", patients=6, sessions_per_patient=3, seed=11, stdout=StringIO())

    for patient in Patient.objects.filter(is_demo=True):
        assert has_consent(patient, ConsentPurpose.PHOTOGRAPHS) == patient.photo_consent
        assert has_consent(patient, ConsentPurpose.RESEARCH) == patient.research_consent
    sessions = TreatmentSession.objects.select_related("patient")
    assert sessions.count() == 18
    assert [s.pk for s in sessions if not has_treatment_consent(s.patient, s.technique, on=s.performed_on)] == []
