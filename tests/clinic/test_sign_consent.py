"""Signing at the chair stores the exact version, the signature and a PDF of the signed page, and the patient's
consent state follows; a withdrawal is recorded, never a deletion; the signed PDF opens to clinicians only, audited."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from clinic.consent_models import SignedConsent
from clinic.consent_services import sign_consent, withdraw_consent
from clinic.consents import has_consent
from clinic.signatures import SIGNATURE_BLANK, SIGNATURE_MISSING, SIGNATURE_TOO_LARGE, SIGNATURE_UNREADABLE
from tests.support.factories import ConsentDocumentFactory, PatientFactory
from tests.support.images import jpeg_bytes
from tests.support.pdfs import read_pdf
from tests.support.posts import patient_data
from tests.support.signatures import data_url, drawn_png, signature


@pytest.fixture
def photo_document(db):
    return ConsentDocumentFactory(purpose="photographs", text="Photographs of the scalp are kept in the record.")


def sign(patient, document, clinician, **kwargs):
    return sign_consent(patient=patient, document=document, signature=signature(**kwargs), witnessed_by=clinician)


def test_signing_stores_the_exact_version_and_gives_the_patient_photo_consent(photo_document, clinician):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)

    consent = sign(patient, photo_document, clinician)

    patient.refresh_from_db()
    assert (consent.document, consent.witnessed_by, consent.purpose) == (photo_document, clinician, "photographs")
    assert patient.photos_allowed and patient.photo_consent_date == timezone.localdate()
    assert consent.signature.name.startswith("consents/") and consent.pdf.name.endswith(".pdf")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="signed_consent").count() == 1


def test_the_signed_pdf_holds_the_text_record_number_version_and_the_signature(photo_document, clinician):
    patient = PatientFactory(record_number="MRN-4711")

    consent = sign(patient, photo_document, clinician)

    contents = read_pdf(consent.pdf.read())
    assert "Photographs of the scalp are kept in the record." in contents.text
    assert "MRN-4711" in contents.text
    assert f"version {photo_document.version}" in contents.text
    assert "dr.clinician" in contents.text
    assert len(contents.images) == 1


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("", SIGNATURE_MISSING),
        (signature(ink=False), SIGNATURE_BLANK),
        (data_url(jpeg_bytes(200, 100)), SIGNATURE_UNREADABLE),
        ("data:image/png;base64,bm90IGEgcG5n", SIGNATURE_UNREADABLE),
        (data_url(drawn_png(4500, 100)), SIGNATURE_TOO_LARGE),
        ("data:image/png;base64," + "A" * 2_000_000, SIGNATURE_TOO_LARGE),
    ],
    ids=["missing", "blank", "jpeg", "garbage", "too-wide", "too-long"],
)
def test_a_signature_that_is_not_a_drawn_png_is_refused_with_a_clear_message(
    photo_document, clinician, posted, message
):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)

    with pytest.raises(ValidationError) as refused:
        sign_consent(patient=patient, document=photo_document, signature=posted, witnessed_by=clinician)

    assert refused.value.messages == [message]
    assert not SignedConsent.objects.filter(patient=patient, purpose="photographs").exists()


def test_a_retired_version_cannot_be_signed(photo_document, clinician):
    ConsentDocumentFactory(purpose="photographs")  # publishing the next version retires this one

    with pytest.raises(ValidationError, match="no longer the current one"):
        sign(PatientFactory(), photo_document, clinician)


def test_withdrawal_ends_the_consent_and_keeps_the_signed_record(photo_document, clinician):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)
    consent = sign(patient, photo_document, clinician)

    withdrawal = withdraw_consent(patient=patient, purpose="photographs", reason="Moved abroad", recorded_by=clinician)

    patient.refresh_from_db()
    assert not patient.photos_allowed
    assert patient.photo_consent_date == timezone.localdate()  # the date it was given stays on the record
    assert SignedConsent.objects.get(purpose="photographs") == consent
    assert (withdrawal.reason, withdrawal.recorded_by) == ("Moved abroad", clinician)
    with pytest.raises(ValidationError, match="never deleted"):
        consent.delete()


def test_withdrawing_research_consent_takes_the_patient_out_of_the_research_state(db, clinician):
    patient = PatientFactory(research_consent=False, research_consent_date=None)
    sign(patient, ConsentDocumentFactory(purpose="research"), clinician)
    assert PatientFactory._meta.model.objects.get(pk=patient.pk).research_consent

    withdraw_consent(patient=patient, purpose="research", reason="Changed her mind", recorded_by=clinician)

    patient.refresh_from_db()
    assert not patient.research_consent and not has_consent(patient, "research")


def test_a_withdrawal_needs_a_reason_and_a_consent_to_withdraw(db, clinician):
    patient = PatientFactory(treatment_consents=[])

    with pytest.raises(ValidationError, match="Say why"):
        withdraw_consent(patient=patient, purpose="treatment", technique="smp", reason=" ", recorded_by=clinician)
    with pytest.raises(ValidationError, match="no current consent"):
        withdraw_consent(patient=patient, purpose="treatment", technique="smp", reason="No", recorded_by=clinician)


def test_the_signing_page_saves_a_signature_and_returns_to_the_patient(photo_document, clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)
    url = reverse("consent-sign", args=[patient.pk, photo_document.pk])

    assert "Photographs of the scalp" in clinician_client.get(url).content.decode()
    response = clinician_client.post(url, {"signature": signature()})

    assert response.status_code == 302
    assert SignedConsent.objects.get(patient=patient, purpose="photographs").document == photo_document


def test_the_signing_page_shows_why_a_blank_signature_is_refused(photo_document, clinician_client):
    patient = PatientFactory()
    url = reverse("consent-sign", args=[patient.pk, photo_document.pk])

    response = clinician_client.post(url, {"signature": signature(ink=False)})

    assert response.status_code == 200
    assert str(SIGNATURE_BLANK) in response.content.decode()


def test_the_patient_page_shows_a_withdrawal_with_its_date_and_reason(photo_document, clinician, clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)
    sign(patient, photo_document, clinician)
    response = clinician_client.post(
        reverse("consent-withdraw", args=[patient.pk]), {"consent": "photographs:", "reason": "No more photos please"}
    )
    assert response.status_code == 302

    page = clinician_client.get(patient.get_absolute_url()).content.decode()

    withdrawn = rf"{timezone.localdate():%Y-%m-%d} ·\s+<span[^>]*>Photographs withdrawn</span>: No more photos please"
    assert re.search(withdrawn, page)
    # Where the photo consent is stated, not only in the folded history.
    state = page.split('id="photo-consent">')[1].split("</dd>")[0]
    assert f"withdrawn</span> on {timezone.localdate():%Y-%m-%d} (No more photos please)" in state


def test_every_opening_of_a_signed_pdf_is_audited(photo_document, clinician, clinician_client):
    consent = sign(PatientFactory(), photo_document, clinician)
    url = reverse("signed-consent-pdf", args=[consent.pk])

    for _ in range(2):
        response = clinician_client.get(url)
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="signed_consent", object_id=str(consent.pk))
    assert views.count() == 2


def test_the_signed_pdf_is_refused_to_whoever_is_not_a_clinician(photo_document, clinician, refused_client, client):
    consent = sign(PatientFactory(), photo_document, clinician)
    url = reverse("signed-consent-pdf", args=[consent.pk])

    assert refused_client.get(url).status_code == 403
    assert client.get(url).status_code == 302  # to the login page
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="signed_consent").exists()


def test_the_patient_form_no_longer_changes_consent(clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)

    clinician_client.post(
        reverse("patient-edit", args=[patient.pk]),
        patient_data(patient, photo_consent="on", photo_consent_date=date(2025, 2, 2).isoformat()),
    )

    patient.refresh_from_db()
    assert not patient.photo_consent
