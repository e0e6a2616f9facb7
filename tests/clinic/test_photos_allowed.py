"""One rule says whether photos of a patient may be taken, stored and shown: their photo consent."""

from datetime import date

from tests.support.factories import PatientFactory


def test_photos_are_allowed_once_the_patient_has_given_photo_consent(db):
    patient = PatientFactory(photo_consent=True, photo_consent_date=date(2024, 3, 1))

    assert patient.photos_allowed


def test_photos_are_not_allowed_when_consent_was_never_given(db):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)

    assert not patient.photos_allowed


def test_photos_are_no_longer_allowed_once_consent_is_withdrawn(db):
    patient = PatientFactory(photo_consent=True, photo_consent_date=date(2024, 3, 1))

    patient.photo_consent = False
    patient.save()
    patient.refresh_from_db()

    # The date consent was once given stays on the record; it no longer opens the photos.
    assert patient.photo_consent_date == date(2024, 3, 1)
    assert not patient.photos_allowed
