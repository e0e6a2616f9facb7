"""The outcomes file, long: one row per measure of each current assessment of the exported patients."""

from datetime import timedelta
from decimal import Decimal

import pytest

from research.export import outcome_rows, session_rows
from research.query import ExportFilters, pseudonym
from sessions.models import Assessment
from sessions.services import void_record
from tests.support.factories import PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db


def assess(patient, clinician, on, **measures):
    return Assessment.objects.create(patient=patient, assessed_on=on, assessed_by=clinician, **measures)


def rows(filters=None):
    header, *body = list(outcome_rows(filters or ExportFilters()))
    return [dict(zip(header, row, strict=True)) for row in body]


def test_each_measure_is_a_row_with_its_unit_and_days_since_the_first_session(clinician):
    session = SessionFactory()
    first_day = session.performed_on
    assess(
        session.patient,
        clinician,
        first_day - timedelta(days=7),
        density_site="vertex",
        hair_density_per_cm2=Decimal("120.5"),
    )
    assess(
        session.patient,
        clinician,
        first_day + timedelta(days=90),
        hair_density_per_cm2=Decimal("141"),
        density_site="vertex",
        global_photo_assessment=-1,
        norwood_hamilton_stage="IIIa",
    )

    exported = rows()

    patient = pseudonym("p", session.patient_id)
    assert exported == [
        {
            "patient_id": patient,
            "days_since_first_session": "-7",
            "measure": "hair_density",
            "value": "120.5",
            "unit": "hairs/cm²",
            "site": "vertex",
        },
        {
            "patient_id": patient,
            "days_since_first_session": "90",
            "measure": "hair_density",
            "value": "141",
            "unit": "hairs/cm²",
            "site": "vertex",
        },
        {
            "patient_id": patient,
            "days_since_first_session": "90",
            "measure": "global_photographic_assessment",
            "value": "-1",
            "unit": "score −3…+3",
            "site": "",
        },
        {
            "patient_id": patient,
            "days_since_first_session": "90",
            "measure": "norwood_hamilton_stage",
            "value": "IIIa",
            "unit": "stage",
            "site": "",
        },
    ]


def test_the_patient_key_joins_the_sessions_file(clinician):
    session = SessionFactory()
    assess(session.patient, clinician, session.performed_on, satisfaction=4)

    sessions_header, sessions_row = list(session_rows(ExportFilters()))
    (outcome,) = rows()

    assert outcome["patient_id"] == sessions_row[sessions_header.index("patient_id")]


def test_only_exported_patients_and_current_assessments_are_included(clinician):
    consenting = SessionFactory().patient
    refusing = SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None)).patient
    without_sessions = PatientFactory()
    kept = assess(consenting, clinician, consenting.date_of_birth.replace(year=2026), satisfaction=5)
    voided = assess(consenting, clinician, kept.assessed_on, satisfaction=1)
    void_record(record=voided, reason="Wrong patient", by=clinician)
    for patient in (refusing, without_sessions):
        assess(patient, clinician, kept.assessed_on, satisfaction=3)

    exported = rows()

    assert [(row["patient_id"], row["value"]) for row in exported] == [(pseudonym("p", consenting.pk), "5")]


def test_session_filters_choose_the_patients(clinician):
    mmp = SessionFactory(technique="mmp")
    smp = SessionFactory(technique="smp")
    for session in (mmp, smp):
        assess(session.patient, clinician, session.performed_on, satisfaction=4)

    exported = rows(ExportFilters(technique="smp"))

    assert [row["patient_id"] for row in exported] == [pseudonym("p", smp.patient_id)]
