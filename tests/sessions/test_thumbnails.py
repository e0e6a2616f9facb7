"""sessions.thumbnails: small, upright thumbnails decoded at reduced scale."""

from io import BytesIO

import pytest
from PIL import Image

from sessions.thumbnails import make_thumbnail, make_thumbnail_by_full_decode, reduced
from tests.support.images import jpeg_bytes


def opened(content):
    return Image.open(BytesIO(content))


def test_a_large_jpeg_is_decoded_at_reduced_scale_before_any_resizing():
    with opened(jpeg_bytes(2560, 1920)) as image:
        small = reduced(image)

    # The decoder's 1/8 scale still covers the 320 x 240 thumbnail: 2560 x 1920 comes out as 320 x 240.
    assert small.size == (320, 240)


@pytest.mark.parametrize(
    ("orientation", "size"),
    [(1, (320, 240)), (3, (320, 240)), (6, (240, 320)), (8, (240, 320))],
)
def test_the_thumbnail_is_upright_whatever_the_camera_orientation(orientation, size):
    thumbnail = opened(make_thumbnail(BytesIO(jpeg_bytes(1600, 1200, orientation=orientation))))

    assert thumbnail.size == size
    assert thumbnail.format == "JPEG" and len(thumbnail.getexif()) == 0


def test_it_matches_the_full_decode_in_size_and_orientation():
    source = jpeg_bytes(2000, 1500, orientation=6, gps=True)

    fast = opened(make_thumbnail(BytesIO(source)))
    slow = opened(make_thumbnail_by_full_decode(BytesIO(source)))

    assert fast.size == slow.size == (240, 320)


def test_the_rotated_content_is_the_same_as_a_full_decode_would_give():
    image = Image.new("RGB", (800, 600), (255, 255, 255))
    image.paste((200, 0, 0), (0, 0, 400, 300))  # red top-left quarter, as the sensor saw it
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)

    fast = opened(make_thumbnail(BytesIO(buffer.getvalue()))).convert("RGB")
    slow = opened(make_thumbnail_by_full_decode(BytesIO(buffer.getvalue()))).convert("RGB")

    # Orientation 6: turned 90° clockwise, the red corner ends top-right in both.
    corner = (fast.width - 10, 10)
    assert fast.getpixel(corner)[0] > 150 and fast.getpixel(corner)[1] < 80
    assert abs(fast.getpixel(corner)[0] - slow.getpixel(corner)[0]) < 40
