"""The compare page's screen-sized rendition of a photo: made once from the original, served like the photo."""

from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from audit.models import AuditAction, AuditEvent
from sessions.models import SessionPhoto
from sessions.thumbnails import SCREEN_BOX
from tests.support.db import media_files
from tests.support.factories import SessionFactory
from tests.support.images import jpeg_bytes, png_bytes
from tests.support.photos import stored_photo

pytestmark = pytest.mark.django_db


def a_stored_photo(clinician, content, name="photo.jpg"):
    return stored_photo(SessionFactory(), clinician, content, name=name, view="vertex")


def screen_of(client, photo):
    return client.get(reverse("photo-screen", args=[photo.pk]))


def image_of(response):
    return Image.open(BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize(
    ("size", "expected"), [((4000, 3000), (1600, 1200)), ((1800, 2400), (1200, 1600)), ((800, 600), (800, 600))]
)
def test_it_is_a_jpeg_no_larger_than_a_screen_with_the_photos_proportions(clinician_client, clinician, size, expected):
    photo = a_stored_photo(clinician, jpeg_bytes(*size, gps=True))

    response = screen_of(clinician_client, photo)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    served = image_of(response)
    assert served.format == "JPEG" and served.size == expected
    assert max(served.size) <= max(SCREEN_BOX)
    assert len(served.getexif()) == 0


def test_a_png_photo_gets_a_jpeg_rendition_too(clinician_client, clinician):
    photo = a_stored_photo(clinician, png_bytes(2000, 1000), name="scan.png")

    served = image_of(screen_of(clinician_client, photo))

    assert (served.format, served.size) == ("JPEG", (1600, 800))


def test_it_is_made_once_and_stored_under_a_random_name_like_the_thumbnail(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes(2400, 1800))
    before = media_files()

    first = b"".join(screen_of(clinician_client, photo).streaming_content)
    stored = SessionPhoto.objects.get(pk=photo.pk).screen.name
    second = b"".join(screen_of(clinician_client, photo).streaming_content)

    assert media_files() == sorted([*before, stored])
    assert stored.startswith("photos/") and stored.endswith(".jpg") and str(photo.pk) not in stored
    assert first == second
    assert photo.history.count() == 1  # storing the rendition is no change to the record


def test_a_view_of_it_is_audited_as_photo_views_are(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())

    screen_of(clinician_client, photo)

    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="photo", object_id=str(photo.pk))
    assert [event.detail for event in viewed] == [{"via": "screen"}]


def test_staff_without_the_clinician_role_are_refused(refused_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())

    assert screen_of(refused_client, photo).status_code == 403
    assert not SessionPhoto.objects.get(pk=photo.pk).screen


def test_anonymous_visitors_are_sent_to_the_login_page(client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())

    assert screen_of(client, photo).status_code == 302


def test_without_photo_consent_it_is_not_shown(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())
    photo.session.patient.photo_consent = False
    photo.session.patient.save()

    assert screen_of(clinician_client, photo).status_code == 404


def test_a_photo_whose_file_went_missing_is_404_not_a_crash(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())
    photo.image.storage.delete(photo.image.name)

    assert screen_of(clinician_client, photo).status_code == 404
