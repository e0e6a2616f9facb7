"""Thumbnails made fast: a JPEG is decoded at reduced scale (draft mode), then turned upright.

exif_transpose() on a loaded image would defeat draft mode, so the orientation is read from the
EXIF first, the image is reduced while decoding, and only the small result is rotated.
"""

import math
from io import BytesIO

from PIL import Image, ImageOps

THUMBNAIL_BOX = (320, 320)
THUMBNAIL_QUALITY = 80
# The compare page's rendition: a screen's worth of pixels, a fraction of the original's bytes.
SCREEN_BOX = (1600, 1600)
SCREEN_QUALITY = 85
ORIENTATION = 0x0112
# EXIF orientation -> the transposition that makes the picture upright (as ImageOps.exif_transpose does).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def reduced(image, box=THUMBNAIL_BOX):
    """The image decoded at the smallest JPEG scale (1/2, 1/4, 1/8) that still covers `box`, upright."""
    orientation = image.getexif().get(ORIENTATION, 1)
    turned = orientation in (5, 6, 7, 8)  # a quarter turn: the picture's width is the sensor's height
    width, height = image.size[::-1] if turned else image.size
    scale = min(box[0] / width, box[1] / height, 1)
    fitted = (math.ceil(width * scale), math.ceil(height * scale))
    # The decoder picks the smallest scale (1/2, 1/4, 1/8) still covering what the thumbnail needs.
    image.draft("RGB", fitted[::-1] if turned else fitted)
    image = image.convert("RGB")
    transpose = UPRIGHT.get(orientation)
    return image.transpose(transpose) if transpose is not None else image


def make_thumbnail(source, box=THUMBNAIL_BOX, quality=THUMBNAIL_QUALITY):
    """JPEG bytes of a thumbnail fitting `box`, upright, without any metadata."""
    with Image.open(source) as image:
        small = reduced(image, box)
    small.thumbnail(box)
    return thumbnail_jpeg(small, quality)


def make_screen_rendition(source):
    """JPEG bytes of the photo at screen size (never enlarged), upright, without any metadata."""
    return make_thumbnail(source, SCREEN_BOX, SCREEN_QUALITY)


def thumbnail_jpeg(small, quality=THUMBNAIL_QUALITY):
    """The thumbnail's JPEG bytes. What Pillow carried over from the original (a JPEG comment, an ICC profile,
    EXIF) is dropped first: it would otherwise be written again."""
    small.info.clear()
    buffer = BytesIO()
    small.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def make_thumbnail_by_full_decode(source, box=THUMBNAIL_BOX):
    """The slow way, for the benchmark: decode every pixel, turn upright, then shrink."""
    with Image.open(source) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail(box)
    return thumbnail_jpeg(upright)
