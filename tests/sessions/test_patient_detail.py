from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tests.support.db import count_queries
from tests.support.factories import BlendComponentFactory, PatientFactory, ProductFactory, SessionFactory


def test_it_shows_the_consents_with_their_dates(clinician_client):
    patient = PatientFactory(
        photo_consent=True, photo_consent_date="2025-03-04", research_consent=False, research_consent_date=None
    )

    body = clinician_client.get(patient.get_absolute_url()).content.decode()

    assert "given</span> on 2025-03-04" in body
    assert "no photos can be stored" not in body
    assert "Research</dt>" in body and "not given" in body


def test_the_timeline_lists_sessions_newest_first_with_parameters_and_blend(clinician_client):
    patient = PatientFactory()
    now = timezone.now()
    older = SessionFactory(patient=patient, performed_at=now - timedelta(days=60), needle_depth_mm=Decimal("0.80"))
    newer = SessionFactory(
        patient=patient, performed_at=now - timedelta(days=30), needle_depth_mm=Decimal("1.20"), frequency_hz=70
    )
    BlendComponentFactory(
        session=newer,
        lot__product=ProductFactory(name="Triamcinolone"),
        concentration=Decimal("10"),
        concentration_unit="mg/mL",
    )

    body = clinician_client.get(patient.get_absolute_url()).content.decode()

    timeline = body[body.index('id="timeline"') :]
    assert timeline.index(newer.get_absolute_url()) < timeline.index(older.get_absolute_url())
    assert "depth 1.2 mm" in timeline and "70 Hz" in timeline
    assert "Triamcinolone 10 mg/mL (2 mL)" in timeline


def test_other_patients_sessions_are_not_on_the_timeline(clinician_client):
    patient = PatientFactory()
    stranger_session = SessionFactory()

    body = clinician_client.get(patient.get_absolute_url()).content.decode()

    assert stranger_session.get_absolute_url() not in body
    assert "No sessions logged yet." in body


def test_adverse_events_are_flagged_on_the_timeline(clinician_client):
    session = SessionFactory(adverse_events=["haematoma"])

    body = clinician_client.get(session.patient.get_absolute_url()).content.decode()

    assert "adverse event</span>" in body


def test_the_page_runs_a_constant_number_of_queries(clinician_client):
    patient = PatientFactory()
    for _ in range(3):
        BlendComponentFactory(session=SessionFactory(patient=patient))
    few = count_queries(clinician_client, patient.get_absolute_url())

    for _ in range(20):
        BlendComponentFactory(session=SessionFactory(patient=patient))
    many = count_queries(clinician_client, patient.get_absolute_url())

    assert few == many


def test_demo_patients_are_marked_as_synthetic(clinician_client):
    patient = PatientFactory()
    type(patient).objects.filter(pk=patient.pk).update(is_demo=True)

    body = clinician_client.get(patient.get_absolute_url()).content.decode()

    assert "synthetic demo record" in body
    assert reverse("session-log", args=[patient.pk]) in body
