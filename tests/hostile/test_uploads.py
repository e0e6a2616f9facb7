"""Hostile files in the photo rows of the session form.

Each file is refused with a message next to its photo row, or accepted safely (re-encoded,
renamed, stripped of metadata). Never a server error; a refused form stores no session,
no blend, no photo row and no file.
"""

import os
import re
import struct
from io import BytesIO

import pytest
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from PIL import Image

from sessions.models import SessionPhoto, TreatmentSession
from tests.support.db import assert_refused, media_files, stored_state
from tests.support.factories import LotFactory, PatientFactory, SessionFactory
from tests.support.images import jpeg_bytes, png_bytes, png_header_only, upload
from tests.support.pages import text
from tests.support.posts import edit_data, session_data, with_blend, with_photos

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "This file is not a JPEG or PNG photo."
EMPTY = "The submitted file is empty."
DAMAGED = "This photo is damaged or incomplete; take or export it again."
POLYGLOT = "This file carries something besides a photo (web page or script content). Export the photo again."
# Spelled differently from the test client's MULTIPART_CONTENT, so that it sends our body as it is.
RAW_MULTIPART = f"multipart/form-data;boundary={BOUNDARY}"
STORED_NAME = re.compile(r"^photos/[0-9a-f]{32}\.(jpg|png)$")


def gif_bytes():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


def jpeg_with_comment(comment):
    content = jpeg_bytes()
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return content[:2] + segment + content[2:]


def noise_png(width, height):
    return _encode(Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)), "PNG")


def _encode(image, image_format):
    buffer = BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


# (file content, name, declared content type, message shown next to the photo row)
REFUSED_FILES = {
    "html-named-jpg": (b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg", NOT_AN_IMAGE),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "photo.svg", "image/svg+xml", NOT_AN_IMAGE),
    "gif": (gif_bytes(), "photo.gif", "image/gif", NOT_AN_IMAGE),
    "pdf-header": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "scan.jpg", "image/jpeg", NOT_AN_IMAGE),
    "php-script": (b"<?php system($_GET['c']); ?>", "photo.jpg.php", "application/x-php", NOT_AN_IMAGE),
    "empty-jpg": (b"", "photo.jpg", "image/jpeg", EMPTY),
    "png-signature-only": (b"\x89PNG\r\n\x1a\n", "photo.png", "image/png", NOT_AN_IMAGE),
    "decompression-bomb-100000x100000": (
        png_header_only(100_000, 100_000),
        "bomb.png",
        "image/png",
        "This photo has more than 40 megapixels.",
    ),
    "just-over-40-megapixels": (
        png_header_only(8000, 5001),
        "big.png",
        "image/png",
        "This photo has more than 40 megapixels (8000 × 5001).",
    ),
    "truncated-jpeg": (jpeg_bytes(200, 200)[:300], "photo.jpg", "image/jpeg", DAMAGED),
    "png-html-polyglot": (png_bytes() + b"<html><script>alert(1)</script></html>", "photo.png", "image/png", POLYGLOT),
    "jpeg-script-in-comment": (jpeg_with_comment(b"<script>alert(1)</script>"), "photo.jpg", "image/jpeg", POLYGLOT),
    "jpeg-html-after-end": (
        jpeg_bytes() + b"<!doctype html><body onload=alert(1)>",
        "photo.jpg",
        "image/jpeg",
        POLYGLOT,
    ),
}


@pytest.mark.parametrize(("content", "name", "content_type", "message"), REFUSED_FILES.values(), ids=REFUSED_FILES)
def test_a_hostile_file_is_refused_next_to_its_photo_row(content, name, content_type, message, clinician_client):
    patient = PatientFactory()
    data = with_photos(session_data(), upload(content, name=name, content_type=content_type))
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 200
    assert response.context["photos"].forms[0].errors["image"] == [message]
    assert_refused(response, before, messages=[message])
    assert media_files() == []


def test_a_photo_over_the_byte_limit_is_refused(clinician_client, settings):
    settings.MAX_PHOTO_BYTES = 1024 * 1024
    patient = PatientFactory()
    content = noise_png(700, 600)
    assert len(content) > settings.MAX_PHOTO_BYTES
    data = with_photos(session_data(), upload(content, name="scan.png", content_type="image/png"))
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    message = "This photo is larger than 1 MB. Export it at a lower size."
    assert response.context["photos"].forms[0].errors["image"] == [message]
    assert_refused(response, before, messages=[message])


def test_one_bad_photo_among_good_ones_stores_nothing_at_all(clinician_client):
    patient = PatientFactory()
    data = with_blend(session_data(), LotFactory())
    with_photos(data, upload(jpeg_bytes()), upload(png_bytes(), name="ok.png"), upload(jpeg_bytes()[:200]))
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.context["photos"].forms[2].errors["image"] == [DAMAGED]
    assert_refused(response, before, messages=[DAMAGED, "Kept from your last attempt"])
    kept = [form.pending_photo for form in response.context["photos"].forms]
    assert [pending is not None for pending in kept] == [True, True, False]  # the good ones wait, checked
    assert sorted(media_files()) == sorted(f.name for pending in kept[:2] for f in (pending.image, pending.thumbnail))


def test_a_bad_photo_added_while_editing_leaves_the_session_untouched(clinician_client):
    session = SessionFactory()
    data = with_photos(edit_data(session, notes="Changed"), upload(b"GIF89a" + b"\x00" * 64))
    before = stored_state()

    response = clinician_client.post(reverse("session-edit", args=[session.pk]), data)

    assert_refused(response, before, messages=[NOT_AN_IMAGE])


def test_photos_for_a_patient_without_photo_consent_are_refused(clinician_client):
    patient = PatientFactory(photo_consent=False, photo_consent_date=None)
    data = with_photos(session_data(), upload(jpeg_bytes()))
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 200
    assert_refused(response, before, messages=["This patient has not consented to photos, so no photo can be stored."])


def test_garbage_phase_and_view_of_a_photo_row_are_refused(clinician_client):
    patient = PatientFactory()
    data = with_photos(session_data(), upload(jpeg_bytes()))
    data |= {"photos-0-phase": "<script>", "photos-0-view": "../../etc"}
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    errors = response.context["photos"].forms[0].errors
    assert errors["phase"][0].startswith("Select a valid choice.") and "<script>" in errors["phase"][0]
    assert errors["view"][0].startswith("Select a valid choice.")
    assert "<script> is not one" not in text(response)  # the quoted value is escaped
    assert_refused(response, before, messages=["Select a valid choice."])


# --- Accepted, but made safe ----------------------------------------------------------------------------------


def served(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def logged_photo(client, content, **file):
    """Log a session with this one photo; return the stored SessionPhoto."""
    patient = PatientFactory()
    response = client.post(
        reverse("session-log", args=[patient.pk]), with_photos(session_data(), upload(content, **file))
    )
    assert response.status_code == 302, response.context and response.context["photos"].errors
    return SessionPhoto.objects.get()


def test_gps_and_camera_exif_never_reach_storage_or_the_browser(clinician_client, settings):
    stored = logged_photo(clinician_client, jpeg_bytes(gps=True))

    for url in (reverse("photo-file", args=[stored.pk]), reverse("photo-thumbnail", args=[stored.pk])):
        response, content = served(clinician_client, url)
        assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
        assert len(Image.open(BytesIO(content)).getexif()) == 0
        assert b"Exif" not in content and b"PhoneMaker" not in content
    for name in media_files():
        on_disk = (settings.MEDIA_ROOT / name).read_bytes()
        assert b"Exif" not in on_disk and b"PhoneMaker" not in on_disk


@pytest.mark.parametrize("size", [(64, 48), (1600, 1200)])  # small: no reduced decoding; large: the draft path
def test_a_jpeg_comment_never_reaches_storage_or_the_browser(clinician_client, settings, size):
    comment = b"GPS 48.8567 2.3508 taken at Clinique du Parc"
    stored = logged_photo(clinician_client, jpeg_bytes(*size, comment=comment))

    for url in (reverse("photo-file", args=[stored.pk]), reverse("photo-thumbnail", args=[stored.pk])):
        _, content = served(clinician_client, url)
        assert b"48.8567" not in content and "comment" not in Image.open(BytesIO(content)).info
    for name in media_files():
        assert b"48.8567" not in (settings.MEDIA_ROOT / name).read_bytes()


def test_a_declared_content_type_is_ignored_the_file_itself_decides(clinician_client):
    stored = logged_photo(clinician_client, png_bytes(), name="photo.jpg", content_type="text/html")

    response, content = served(clinician_client, reverse("photo-file", args=[stored.pk]))

    assert stored.content_type == response["Content-Type"] == "image/png"
    assert content.startswith(b"\x89PNG") and stored.image.name.endswith(".png")


def test_markup_in_a_compressed_png_text_chunk_is_not_kept(clinician_client):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>" * 4, zip=True)
    buffer = BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buffer, "PNG", pnginfo=info)
    stored = logged_photo(clinician_client, buffer.getvalue(), name="scan.png", content_type="image/png")

    _, content = served(clinician_client, reverse("photo-file", args=[stored.pk]))

    assert Image.open(BytesIO(content)).info.get("Comment") is None
    assert b"zTXt" not in content and b"tEXt" not in content


def raw_multipart(data, field, filename, content, content_type="image/jpeg"):
    """A multipart body whose file part carries `filename` exactly (the test client would strip the path)."""
    closing = f"--{BOUNDARY}--\r\n".encode()
    body = encode_multipart(BOUNDARY, data)
    assert body.endswith(closing)
    part = b"\r\n".join(
        [
            f"--{BOUNDARY}".encode(),
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"'.encode(),
            f"Content-Type: {content_type}".encode(),
            b"",
            content,
            b"",
        ]
    )
    return body[: -len(closing)] + part + closing


HOSTILE_NAMES = {
    "path-traversal": "../../etc/passwd.jpg",
    "html-in-name": "<img src=x onerror=alert(1)>.jpg",
    "double-extension": "shell.php.jpg",
}


@pytest.mark.parametrize("filename", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES)
def test_a_hostile_file_name_never_decides_where_or_as_what_the_photo_is_stored(filename, clinician_client, tmp_path):
    patient = PatientFactory()
    data = session_data(**{"photos-TOTAL_FORMS": "1", "photos-0-phase": "before", "photos-0-view": "top"})
    body = raw_multipart(data, "photos-0-image", filename, jpeg_bytes())

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), body, content_type=RAW_MULTIPART)

    assert response.status_code == 302
    stored = SessionPhoto.objects.get()
    assert STORED_NAME.match(stored.image.name) and STORED_NAME.match(stored.thumbnail.name)
    assert sorted(media_files()) == sorted([stored.image.name, stored.thumbnail.name])
    assert [path for path in tmp_path.rglob("*") if path.is_file() and "media" not in path.parts] == []
    page = text(clinician_client.get(reverse("session-detail", args=[stored.session_id])))
    assert "onerror=alert" not in page and "passwd" not in page and "win.ini" not in page


def test_a_hostile_file_name_is_not_echoed_when_the_file_is_refused(clinician_client):
    patient = PatientFactory()
    data = session_data(**{"photos-TOTAL_FORMS": "1", "photos-0-phase": "before", "photos-0-view": "top"})
    body = raw_multipart(data, "photos-0-image", "<img src=x onerror=alert(1)>.jpg", b"<html>not a photo</html>")
    before = stored_state()

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), body, content_type=RAW_MULTIPART)

    assert "<img src=x onerror" not in text(response)
    assert_refused(response, before, messages=[NOT_AN_IMAGE])


def test_a_path_posted_instead_of_a_file_is_never_read(clinician_client):
    patient = PatientFactory()
    data = session_data(
        **{"photos-TOTAL_FORMS": "1", "photos-0-phase": "before", "photos-0-view": "top"},
        **{"photos-0-image": "/etc/passwd"},
    )

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), data)

    assert response.status_code == 302  # a row without a file is an unused row
    assert TreatmentSession.objects.count() == 1 and not SessionPhoto.objects.exists()
    assert media_files() == []


# --- Limits on what a request may cost --------------------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("path", ["/patients/1/sessions/new/", "/accounts/login/", "/export/"])
def test_a_body_announced_larger_than_any_form_needs_is_refused_before_it_is_read(path, clinician_client, settings):
    response = clinician_client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 413
    assert "larger than the" in response.content.decode()


@pytest.mark.parametrize("length", ["abc", "1e9", "0x10", "-1", "12 34"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/patients/new/"])
def test_a_content_length_that_is_not_a_number_of_bytes_is_refused_before_the_body_is_read(
    path, length, clinician_client
):
    before = stored_state()

    response = clinician_client.generic(
        "POST",
        path,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=length,
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 400
    assert "Content-Length is not a number of bytes" in response.content.decode()
    assert stored_state() == before


def test_a_photo_past_the_byte_limit_is_not_stored_past_it_on_its_way_in(clinician_client, settings, monkeypatch):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.MAX_PHOTO_BYTES = 1024 * 1024
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda handler, data, start: kept.append(len(data)) or original(handler, data, start),
    )
    content = noise_png(1200, 1200)  # about 4.3 MB
    assert len(content) > 4 * settings.MAX_PHOTO_BYTES
    patient = PatientFactory()
    before = stored_state()

    response = clinician_client.post(
        reverse("session-log", args=[patient.pk]),
        with_photos(session_data(), upload(content, name="scan.png", content_type="image/png")),
    )

    assert_refused(response, before, messages=["This photo is larger than 1 MB. Export it at a lower size."])
    assert sum(kept) <= settings.MAX_PHOTO_BYTES


def test_the_photos_of_one_post_are_decoded_up_to_a_pixel_budget(clinician_client, settings):
    # Each PNG is a few kilobytes but 1,000 x 1,000 pixels: the third would pass the 2.5-megapixel budget.
    settings.MAX_REQUEST_PIXELS = 2_500_000
    flat = png_bytes(1000, 1000)
    patient = PatientFactory()
    before = stored_state()
    photos = [upload(flat, name=f"flat{n}.png", content_type="image/png") for n in range(3)]

    response = clinician_client.post(reverse("session-log", args=[patient.pk]), with_photos(session_data(), *photos))

    message = (
        "The photos of this form add up to more than 2 megapixels: save the session with fewer and add the others "
        "by editing it."
    )
    assert response.context["photos"].forms[2].errors["image"] == [message]
    assert not response.context["photos"].forms[0].errors and not response.context["photos"].forms[1].errors
    assert_refused(response, before, messages=[message])
