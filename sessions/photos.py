"""Turning an uploaded clinical photo into what we store: checked, upright, stripped, re-encoded."""

import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (content type, file extension). Nothing else is ever opened.
ALLOWED_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
THUMBNAIL_BOX = (320, 320)


@dataclass(frozen=True)
class PreparedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    content_type: str
    extension: str
    width: int
    height: int


def prepare_photo(upload):
    """Validate an upload and re-encode it without any metadata (EXIF, GPS, device, timestamps).

    Raises ValidationError with a message a clinician can act on.
    """
    if upload.size > settings.MAX_PHOTO_BYTES:
        limit = settings.MAX_PHOTO_BYTES // (1024 * 1024)
        raise ValidationError(f"This photo is larger than {limit} MB. Export it at a lower size.", code="too_large")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own pixel cap, well below Pillow's bomb threshold, decides; Pillow's warning adds nothing.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(ALLOWED_FORMATS)) as original:
                # Image.open reads only the header, so the pixel cap is checked before any decoding.
                _check_pixels(*original.size)
                image_format = original.format
                original.load()
                upright = ImageOps.exif_transpose(original)
    except UnidentifiedImageError:
        raise ValidationError("This file is not a JPEG or PNG photo.", code="not_an_image") from None
    except Image.DecompressionBombError:
        _check_pixels(None, None)
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("This photo is damaged or incomplete; take or export it again.", code="damaged") from None

    content_type, extension = ALLOWED_FORMATS[image_format]
    upright.info.clear()
    return PreparedPhoto(
        image=ContentFile(_encode(upright, image_format), name=f"photo{extension}"),
        thumbnail=ContentFile(_encode_thumbnail(upright), name="thumbnail.jpg"),
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
    )


def _check_pixels(width, height):
    """Refuse a photo larger than MAX_PHOTO_PIXELS; unknown dimensions mean Pillow already found it far too big."""
    if width is not None and width * height <= settings.MAX_PHOTO_PIXELS:
        return
    megapixels = settings.MAX_PHOTO_PIXELS // 1_000_000
    size = f" ({width} × {height})" if width is not None else ""
    raise ValidationError(f"This photo has more than {megapixels} megapixels{size}.", code="too_many_pixels")


def _encode(image, image_format):
    buffer = BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=92, optimize=True)
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _encode_thumbnail(image):
    thumbnail = image.convert("RGB")
    thumbnail.thumbnail(THUMBNAIL_BOX)
    buffer = BytesIO()
    thumbnail.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
