from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from tests.support.factories import SessionFactory
from tests.support.images import jpeg_bytes, png_bytes
from tests.support.photos import stored_photo

pytestmark = pytest.mark.django_db


def a_stored_photo(clinician, content, name="photo.jpg"):
    return stored_photo(SessionFactory(), clinician, content, name=name, view="top")


def body_of(response):
    return b"".join(response.streaming_content)


def test_it_serves_the_re_encoded_photo_with_a_safe_content_type(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes(gps=True))

    response = clinician_client.get(reverse("photo-file", args=[photo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    served = Image.open(BytesIO(body_of(response)))
    assert served.format == "JPEG" and len(served.getexif()) == 0


def test_png_photos_are_served_as_png(clinician_client, clinician):
    photo = a_stored_photo(clinician, png_bytes(), name="scan.png")

    response = clinician_client.get(reverse("photo-file", args=[photo.pk]))

    assert response["Content-Type"] == "image/png"
    assert Image.open(BytesIO(body_of(response))).format == "PNG"


def test_the_thumbnail_is_a_small_jpeg(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes(width=1200, height=900))

    response = clinician_client.get(reverse("photo-thumbnail", args=[photo.pk]))

    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(body_of(response))).size == (320, 240)


def test_stored_file_names_are_random_and_say_nothing_about_the_patient(clinician, settings):
    photo = a_stored_photo(clinician, jpeg_bytes(), name="Lovelace_Ada_P-00042.jpg")

    assert "Lovelace" not in photo.image.name and "P-00042" not in photo.image.name
    assert photo.image.name.startswith("photos/") and len(photo.image.name) == len("photos/") + 32 + len(".jpg")


def test_a_photo_whose_file_went_missing_is_404_not_a_crash(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())
    photo.image.storage.delete(photo.image.name)

    assert clinician_client.get(reverse("photo-file", args=[photo.pk])).status_code == 404


def test_only_get_is_allowed(clinician_client, clinician):
    photo = a_stored_photo(clinician, jpeg_bytes())

    assert clinician_client.post(reverse("photo-file", args=[photo.pk])).status_code == 405
