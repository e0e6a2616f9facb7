"""The patient list costs the same number of queries at 10 patients as at 1,000, whatever page, search or sort."""

import pytest
from django.urls import reverse

from clinic.models import Patient
from clinic.views import PATIENT_SORTS
from sessions.models import TreatmentSession
from sessions.patient_summary import refresh_patient_summaries
from tests.support.db import count_queries
from tests.support.factories import PatientFactory, SessionFactory

URL = reverse("patient-list")
DEEP_PAGE = 30  # past the end at 10 patients (the last page is shown), well inside at 1,000
REQUESTS = [
    "",
    f"?page={DEEP_PAGE}",
    "?q=ada",
    "?q=ada+testperson",
    *(f"?sort={sort}" for sort in PATIENT_SORTS),
    f"?sort=-last_session&page={DEEP_PAGE}",
]


def add_patients_with_sessions(count, template):
    """`count` more patients with two sessions each, stored in bulk as the demo data is."""
    patients = Patient.objects.bulk_create(PatientFactory.build() for _ in range(count))
    values = TreatmentSession.objects.filter(pk=template.pk).values().get()
    del values["id"]
    TreatmentSession.objects.bulk_create(
        TreatmentSession(**{**values, "patient_id": patient.pk}) for patient in patients for _ in range(2)
    )
    refresh_patient_summaries(Patient.objects.filter(pk__in=[patient.pk for patient in patients]))


def queries_per_request(client):
    return {url: count_queries(client, URL + url) for url in REQUESTS}


@pytest.mark.django_db
def test_the_list_runs_as_many_queries_for_1000_patients_as_for_10(clinician_client):
    template = SessionFactory()
    add_patients_with_sessions(9, template)
    at_10 = queries_per_request(clinician_client)

    add_patients_with_sessions(990, template)
    at_1000 = queries_per_request(clinician_client)

    assert Patient.objects.count() == 1000
    assert Patient.objects.filter(session_count=2).count() == 999
    assert at_1000 == at_10
