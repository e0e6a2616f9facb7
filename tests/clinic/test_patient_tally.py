"""The patient tally (patients and their current sessions per diagnosis, research consent and demo flag) is kept
by the database itself: it equals a fresh count whatever wrote the patients, and the patient list's total and
a long search's count read it or stop early."""

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from clinic.models import Patient, PatientTally
from clinic.services import save_patient
from clinic.vocabularies import Diagnosis
from sessions.demo import create_demo_data
from sessions.services import void_record
from tests.support.factories import PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db
URL = reverse("patient-list")


def counted_afresh():
    groups = Patient.objects.values("diagnosis", "research_consent", "is_demo").annotate(
        patients=Count("pk"), sessions=Sum("session_count")
    )
    return {(g["diagnosis"], g["research_consent"], g["is_demo"]): (g["patients"], g["sessions"]) for g in groups}


def tallied():
    return {
        (row.diagnosis, row.research_consent, row.is_demo): (row.patients, row.sessions)
        for row in PatientTally.objects.all()
        if row.patients or row.sessions
    }


def test_the_tally_follows_patients_and_sessions_however_they_are_written(clinician):
    ada = save_patient(patient=PatientFactory.build(diagnosis=Diagnosis.ALOPECIA_AREATA))
    grace = PatientFactory(research_consent=False, research_consent_date=None)
    create_demo_data(patients=3, sessions_per_patient=2, seed=1)  # bulk inserts and a bulk summary update
    assert tallied() == counted_afresh()

    SessionFactory(patient=ada)
    second = SessionFactory(patient=ada)
    SessionFactory(patient=grace)
    assert tallied()[(Diagnosis.ALOPECIA_AREATA, True, False)] == (1, 2)

    void_record(record=second, reason="Logged twice", by=clinician)
    ada.refresh_from_db()
    ada.diagnosis, ada.research_consent, ada.research_consent_date = Diagnosis.ALOPECIA_TOTALIS, False, None
    save_patient(patient=ada)
    Patient.objects.filter(pk=grace.pk).update(is_demo=True)

    assert tallied() == counted_afresh()
    assert tallied()[(Diagnosis.ALOPECIA_TOTALIS, False, False)] == (1, 1)
    assert (Diagnosis.ALOPECIA_AREATA, True, False) not in tallied()


def test_a_deleted_patient_leaves_the_tally():
    kept, gone = PatientFactory(), PatientFactory(treatment_consents=[])
    gone.delete()

    assert tallied() == counted_afresh() == {(kept.diagnosis, True, False): (1, 0)}


def test_the_list_total_is_the_tallys(clinician_client):
    PatientFactory.create_batch(27)

    body = clinician_client.get(URL).content.decode()

    assert "Page 1 of 2 (27)" in body


def test_a_search_matching_more_than_it_counts_says_so_and_pages_forward(clinician_client, monkeypatch):
    monkeypatch.setattr("clinic.views.SEARCH_COUNT_LIMIT", 30)
    monkeypatch.setattr("clinic.views.PATIENTS_PER_PAGE", 10)
    names = [f"Smith{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"]  # 36 Smiths
    for name in names:
        PatientFactory(last_name=name)

    first = clinician_client.get(URL, {"q": "smith"})
    third = clinician_client.get(URL, {"q": "smith", "page": 3})
    beyond = clinician_client.get(URL, {"q": "smith", "page": 9})

    assert "Page 1 of 3 (30 or more: refine the search to see the rest)" in first.content.decode()
    # Names in the order a person reads them, whatever their case.
    expected = sorted(names, key=str.upper)
    assert [p.last_name for p in first.context["page"]] == expected[:10]
    assert [p.last_name for p in third.context["page"]] == expected[20:30]
    assert [p.last_name for p in beyond.context["page"]] == expected[20:30]
