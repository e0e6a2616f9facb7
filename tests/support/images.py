"""Real image bytes for upload tests, made with Pillow."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_bytes(width=64, height=48, *, colour=(180, 120, 90), gps=False, orientation=None, comment=None):
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    buffer = BytesIO()
    extra = {"comment": comment} if comment else {}  # a JPEG COM segment
    image.save(buffer, "JPEG", exif=exif, quality=85, **extra)
    return buffer.getvalue()


def png_bytes(width=40, height=30):
    buffer = BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 30, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def png_header_only(width, height):
    """A PNG that declares its size but carries no pixel data: decoding it would fail."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)
