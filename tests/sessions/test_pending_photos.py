"""Nothing chosen is lost: a photo chosen on a session form that comes back (a value to correct, a warning to
confirm) is kept, shown back, and attached when the session is saved, without choosing it again."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from clinic.roles import CLINICIAN
from sessions.forms import PENDING_PHOTO_GONE
from sessions.models import PendingPhoto, TreatmentSession
from sessions.pending_photos import discard_expired
from tests.support.factories import LotFactory, UserFactory
from tests.support.images import jpeg_bytes, upload
from tests.support.posts import session_data, with_blend, with_photos

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes(320, 240, gps=True)


def sent_back(client, patient, **changes):
    """A post with a photo that comes back to the clinician: the needle depth is out of range."""
    data = with_photos(session_data(needle_depth_mm="4.2", **changes), upload(PHOTO))
    response = client.post(reverse("session-log", args=[patient.pk]), data)
    assert response.status_code == 200 and not TreatmentSession.objects.exists()
    return response, PendingPhoto.objects.get()


def again(data, pending, **row):
    """The same form sent again, as a browser sends it: no file, the kept photo's id in its row."""
    return {**data, "photos-TOTAL_FORMS": "1", "photos-0-phase": "after", "photos-0-view": "frontal"} | {
        "photos-0-pending": str(pending.pk),
        **row,
    }


def test_a_photo_survives_the_round_trip_and_is_attached_on_save(clinician_client, clinician, patient):
    response, pending = sent_back(clinician_client, patient)
    body = response.content.decode()
    assert reverse("pending-photo-thumbnail", args=[pending.pk]) in body
    assert f'name="photos-0-pending" value="{pending.pk}"' in body
    assert "Kept from your last attempt" in body

    with pending.image.open("rb") as kept:
        kept_bytes = kept.read()

    stored = clinician_client.post(reverse("session-log", args=[patient.pk]), again(session_data(), pending))

    assert stored.status_code == 302
    photo = TreatmentSession.objects.get().photos.get()
    assert (photo.phase, photo.view, photo.uploaded_by) == ("after", "frontal", clinician)
    with photo.image.open("rb") as image:
        assert image.read() == kept_bytes and b"GPS" not in kept_bytes
    assert not PendingPhoto.objects.exists()
    assert not default_storage.exists(pending.image.name) and not default_storage.exists(pending.thumbnail.name)


def test_a_warning_to_confirm_keeps_the_photo_too(clinician_client, patient):
    expired = LotFactory(expiry_date=timezone.localdate() - timedelta(days=10))
    data = with_photos(with_blend(session_data(), expired), upload(PHOTO))
    first = clinician_client.post(reverse("session-log", args=[patient.pk]), data)
    pending = PendingPhoto.objects.get()
    assert "expired on" in first.content.decode()

    confirmed = again({**with_blend(session_data(), expired), "confirm_warnings": "on"}, pending)
    clinician_client.post(reverse("session-log", args=[patient.pk]), confirmed)

    assert TreatmentSession.objects.get().photos.count() == 1


def test_a_photo_removed_before_saving_is_not_attached_and_goes(clinician_client, patient):
    _, pending = sent_back(clinician_client, patient)

    clinician_client.post(
        reverse("session-log", args=[patient.pk]), again(session_data(), pending, **{"photos-0-remove_pending": "on"})
    )

    assert TreatmentSession.objects.get().photos.count() == 0
    assert not PendingPhoto.objects.exists() and not default_storage.exists(pending.image.name)


def test_a_second_round_trip_keeps_it_still(clinician_client, patient):
    _, pending = sent_back(clinician_client, patient)

    body = clinician_client.post(
        reverse("session-log", args=[patient.pk]), again(session_data(needle_depth_mm="9"), pending)
    ).content.decode()

    assert f'name="photos-0-pending" value="{pending.pk}"' in body
    assert PendingPhoto.objects.get() == pending


def test_another_clinician_can_neither_see_nor_take_someone_elses_photo(client_for, clinician_client, patient):
    _, pending = sent_back(clinician_client, patient)
    colleague = client_for(UserFactory(username="dr.other", roles=[CLINICIAN]))

    thumbnail = colleague.get(reverse("pending-photo-thumbnail", args=[pending.pk]))
    taken = colleague.post(reverse("session-log", args=[patient.pk]), again(session_data(), pending))

    assert thumbnail.status_code == 404
    assert PENDING_PHOTO_GONE in taken.content.decode()
    assert not TreatmentSession.objects.exists()


def test_the_kept_photo_is_shown_to_the_clinician_who_chose_it_and_audited(clinician_client, clinician, patient):
    _, pending = sent_back(clinician_client, patient)

    response = clinician_client.get(reverse("pending-photo-thumbnail", args=[pending.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, user=clinician).latest("pk")
    assert event.detail == {"via": "photo waiting for its session"}
    assert event.object_id == str(patient.pk)


@pytest.mark.parametrize("refused", ["curator", "researcher", "outsider"])
def test_nobody_but_clinicians_sees_a_kept_photo(request, client_for, clinician_client, patient, refused):
    _, pending = sent_back(clinician_client, patient)

    response = client_for(request.getfixturevalue(refused)).get(reverse("pending-photo-thumbnail", args=[pending.pk]))

    assert response.status_code == 403


def test_a_photo_kept_over_a_day_is_refused_with_a_reason_and_cleaned_away(clinician_client, patient):
    _, pending = sent_back(clinician_client, patient)
    PendingPhoto.objects.filter(pk=pending.pk).update(uploaded_at=timezone.now() - timedelta(days=1, minutes=1))

    body = clinician_client.post(reverse("session-log", args=[patient.pk]), again(session_data(), pending))

    assert PENDING_PHOTO_GONE in body.content.decode()
    assert not PendingPhoto.objects.exists() and not default_storage.exists(pending.image.name)
    assert discard_expired() == 0  # nothing left for a later cleaning


def test_a_photo_left_waiting_over_a_day_goes_when_any_session_is_saved(clinician_client, patient):
    _, forgotten = sent_back(clinician_client, patient)
    PendingPhoto.objects.filter(pk=forgotten.pk).update(uploaded_at=timezone.now() - timedelta(days=2))

    saved = clinician_client.post(reverse("session-log", args=[patient.pk]), session_data())

    assert saved.status_code == 302
    assert not PendingPhoto.objects.exists() and not default_storage.exists(forgotten.image.name)
