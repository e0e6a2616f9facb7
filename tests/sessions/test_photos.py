"""sessions.photos.prepare_photo: only real JPEG/PNG photos get in, re-encoded without metadata."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from sessions.photos import prepare_photo
from tests.support.images import GPS_IFD, jpeg_bytes, png_bytes, png_header_only, upload


def reopen(content_file):
    content_file.seek(0)
    return Image.open(BytesIO(content_file.read()))


def test_it_removes_all_exif_including_gps_and_camera():
    prepared = prepare_photo(upload(jpeg_bytes(gps=True)))

    stored = reopen(prepared.image)
    assert stored.format == "JPEG"
    assert GPS_IFD not in stored.getexif()
    assert len(stored.getexif()) == 0
    assert "exif" not in stored.info


def test_it_applies_the_orientation_before_stripping_it():
    # Orientation 6: the camera was turned; the stored photo must be upright (portrait) without the tag.
    prepared = prepare_photo(upload(jpeg_bytes(width=80, height=40, orientation=6)))

    assert (prepared.width, prepared.height) == (40, 80)
    assert reopen(prepared.image).size == (40, 80)


def test_it_keeps_png_as_png_and_makes_a_small_jpeg_thumbnail():
    prepared = prepare_photo(upload(png_bytes(width=1000, height=500), name="scan.png", content_type="image/png"))

    assert prepared.content_type == "image/png"
    assert reopen(prepared.image).format == "PNG"
    thumbnail = reopen(prepared.thumbnail)
    assert thumbnail.format == "JPEG"
    assert max(thumbnail.size) == 320


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a JPEG or PNG"),
        (b"<html><script>alert(1)</script></html>", "not a JPEG or PNG"),
        (b"GIF89a" + b"\x00" * 100, "not a JPEG or PNG"),
        (jpeg_bytes(200, 200)[:300], "damaged or incomplete"),
    ],
    ids=["empty", "html", "gif", "truncated-jpeg"],
)
def test_it_refuses_what_is_not_a_whole_jpeg_or_png(content, message):
    with pytest.raises(ValidationError, match=message):
        prepare_photo(upload(content))


def test_a_gif_renamed_to_jpg_is_refused():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")

    with pytest.raises(ValidationError, match="not a JPEG or PNG"):
        prepare_photo(upload(buffer.getvalue(), name="photo.jpg"))


def test_it_refuses_a_photo_over_the_size_cap(settings):
    settings.MAX_PHOTO_BYTES = 1024 * 1024

    with pytest.raises(ValidationError, match="larger than 1 MB"):
        prepare_photo(upload(jpeg_bytes() + b"\x00" * 1024 * 1024))


def test_it_refuses_too_many_pixels_from_the_header_alone(settings):
    settings.MAX_PHOTO_PIXELS = 1_000_000

    with pytest.raises(ValidationError, match=r"more than 1 megapixels \(1001 × 1000\)"):
        prepare_photo(upload(png_bytes(width=1001, height=1000)))


def test_a_decompression_bomb_is_refused_by_its_declared_size_without_decoding():
    with pytest.raises(ValidationError, match=r"more than 40 megapixels"):
        prepare_photo(upload(png_header_only(100_000, 100_000), name="bomb.png"))


def test_a_photo_just_over_the_cap_is_refused_with_its_size_without_decoding():
    with pytest.raises(ValidationError, match=r"more than 40 megapixels \(8000 × 5001\)"):
        prepare_photo(upload(png_header_only(8000, 5001), name="big.png"))


@pytest.mark.parametrize(
    "hidden",
    [
        b"<html><script>alert(document.cookie)</script></html>",
        b"<svg onload=alert(1)>",
        b"<?php system($_GET['c']); ?>",
    ],
    ids=["html", "svg", "php"],
)
def test_a_png_carrying_markup_after_its_end_is_refused(hidden):
    with pytest.raises(ValidationError, match="carries something besides a photo"):
        prepare_photo(upload(png_bytes() + hidden, name="polyglot.png"))


def test_a_jpeg_carrying_a_script_in_a_comment_is_refused():
    content = jpeg_bytes()
    polyglot = content[:2] + b"\xff\xfe\x00\x1e<script>alert(1)</script>xxxxx" + content[2:]

    with pytest.raises(ValidationError, match="carries something besides a photo"):
        prepare_photo(upload(polyglot))


def test_a_png_with_harmless_bytes_after_its_end_is_refused_too():
    with pytest.raises(ValidationError, match="carries something besides a photo"):
        prepare_photo(upload(png_bytes() + b"trailing-data", name="trailer.png"))
