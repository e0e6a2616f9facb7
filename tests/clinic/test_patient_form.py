from django.urls import reverse

from clinic.models import Patient
from tests.support.factories import PatientFactory
from tests.support.posts import patient_data

VALID = patient_data(record_number="p-00042")


def test_a_clinician_creates_a_patient_and_lands_on_the_patient_page(clinician_client):
    response = clinician_client.post(reverse("patient-create"), VALID, follow=True)

    patient = Patient.objects.get()
    assert patient.record_number == "P-00042"
    assert not patient.photo_consent and not patient.research_consent  # signed later, on the consent pages
    assert response.redirect_chain[-1][0] == patient.get_absolute_url()
    assert "Patient P-00042 created." in response.content.decode()


def test_a_rejected_patient_form_keeps_everything_typed_and_stores_nothing(clinician_client):
    data = {**VALID, "date_of_birth": "2999-01-01", "notes": "Prefers morning appointments"}

    response = clinician_client.post(reverse("patient-create"), data)

    assert response.status_code == 200
    assert not Patient.objects.exists()
    body = response.content.decode()
    assert "The date of birth cannot be in the future." in body
    for typed in ("p-00042", "Ada", "Lovelace", "2999-01-01", "Prefers morning appointments"):
        assert typed in body


def test_a_duplicate_record_number_is_refused_whatever_its_case(clinician_client):
    PatientFactory(record_number="P-00042")

    response = clinician_client.post(reverse("patient-create"), VALID)

    assert "Another patient already has this record number." in response.content.decode()
    assert Patient.objects.count() == 1


def test_editing_a_patient_changes_only_that_patient(clinician_client):
    patient = PatientFactory(first_name="Ada")
    other = PatientFactory(first_name="Grace")
    data = {**VALID, "record_number": patient.record_number, "first_name": "Augusta", "seen_version": patient.version}

    response = clinician_client.post(reverse("patient-edit", args=[patient.pk]), data)

    assert response.status_code == 302
    patient.refresh_from_db()
    other.refresh_from_db()
    assert patient.first_name == "Augusta"
    assert other.first_name == "Grace"


def test_the_edit_form_shows_the_stored_values(clinician_client):
    patient = PatientFactory(first_name="Ada", date_of_birth="1980-05-17")

    body = clinician_client.get(reverse("patient-edit", args=[patient.pk])).content.decode()

    assert 'value="Ada"' in body
    assert 'value="1980-05-17"' in body
