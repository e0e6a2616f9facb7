"""Turning an uploaded clinical photo into what we store: checked, upright, stripped, re-encoded."""

import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sessions.models import SessionPhoto
from sessions.thumbnails import THUMBNAIL_BOX, make_screen_rendition, make_thumbnail, thumbnail_jpeg

# Pillow format name -> (content type, file extension). Nothing else is ever opened.
ALLOWED_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
# Markup or code hidden inside an image file (a polyglot) has no business in a clinical photo.
POLYGLOT_MARKERS = re.compile(
    rb"<(?:\s*/?\s*)(?:html|head|body|script|svg|iframe|object|embed|!doctype|\?php)", re.IGNORECASE
)


@dataclass(frozen=True)
class PreparedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    content_type: str
    extension: str
    width: int
    height: int


class PixelBudget:
    """The pixels one request may still decode (MAX_REQUEST_PIXELS), shared by all its photos."""

    def __init__(self):
        self.left = settings.MAX_REQUEST_PIXELS

    def spend(self, width, height):
        if width * height > self.left:
            megapixels = settings.MAX_REQUEST_PIXELS // 1_000_000
            raise ValidationError(
                _(
                    "The photos of this form add up to more than %(megapixels)s megapixels: save the session with "
                    "fewer and add the others by editing it."
                )
                % {"megapixels": megapixels},
                code="too_many_pixels_in_all",
            )
        self.left -= width * height


def prepare_photo(upload, budget=None):
    """Validate an upload and re-encode it without any metadata (EXIF, GPS, device, timestamps); its pixels are
    counted against `budget` (a PixelBudget) before they are decoded.

    Raises ValidationError with a message a clinician can act on.
    """
    if upload.size > settings.MAX_PHOTO_BYTES:
        limit = settings.MAX_PHOTO_BYTES // (1024 * 1024)
        message = _("This photo is larger than %(limit)s MB. Export it at a lower size.") % {"limit": limit}
        raise ValidationError(message, code="too_large")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own pixel cap, well below Pillow's bomb threshold, decides; Pillow's warning adds nothing.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(ALLOWED_FORMATS)) as original:
                # Image.open reads only the header, so the pixel cap is checked before any decoding.
                _check_pixels(*original.size)
                if budget is not None:
                    budget.spend(*original.size)
                image_format = original.format
                original.load()
                upright = ImageOps.exif_transpose(original)
    except UnidentifiedImageError:
        raise ValidationError(_("This file is not a JPEG or PNG photo."), code="not_an_image") from None
    except Image.DecompressionBombError:
        _check_pixels(None, None)
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This photo is damaged or incomplete; take or export it again."), code="damaged"
        ) from None

    _refuse_polyglots(upload)
    content_type, extension = ALLOWED_FORMATS[image_format]
    upright.info.clear()
    return PreparedPhoto(
        image=ContentFile(_encode(upright, image_format), name=f"photo{extension}"),
        thumbnail=ContentFile(_thumbnail(upload, upright, image_format), name="thumbnail.jpg"),
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
    )


def _refuse_polyglots(upload):
    """Refuse markup hidden in an image's metadata or appended after it (a polyglot file).

    Only the parts that are not compressed pixels are searched: random pixel data would
    match a short marker by chance in a few photos out of a thousand.
    """
    upload.seek(0)
    content = upload.read()
    metadata, trailer = _outside_pixel_data(content)
    png_trailer = content.startswith(b"\x89PNG") and trailer.strip(b"\x00")
    if png_trailer or POLYGLOT_MARKERS.search(metadata) or POLYGLOT_MARKERS.search(trailer):
        raise ValidationError(
            _("This file carries something besides a photo (web page or script content). Export the photo again."),
            code="polyglot",
        )


def _outside_pixel_data(content):
    """(metadata, trailer) of a PNG or JPEG: every byte except the compressed pixels."""
    if content.startswith(b"\x89PNG"):
        metadata, position = [], 8
        while position + 8 <= len(content):
            length = int.from_bytes(content[position : position + 4], "big")
            kind = content[position + 4 : position + 8]
            if kind != b"IDAT":
                metadata.append(content[position + 8 : position + 8 + length])
            position += 12 + length
            if kind == b"IEND":
                break
        return b"".join(metadata), content[position:]
    scan_start = content.find(b"\xff\xda")  # JPEG: metadata segments come before the first scan
    end_of_image = content.rfind(b"\xff\xd9")
    metadata = content[:scan_start] if scan_start != -1 else content
    trailer = content[end_of_image + 2 :] if end_of_image != -1 else b""
    return metadata, trailer


def _check_pixels(width, height):
    """Refuse a photo larger than MAX_PHOTO_PIXELS; unknown dimensions mean Pillow already found it far too big."""
    if width is not None and width * height <= settings.MAX_PHOTO_PIXELS:
        return
    megapixels = settings.MAX_PHOTO_PIXELS // 1_000_000
    if width is None:
        message = _("This photo has more than %(megapixels)s megapixels.") % {"megapixels": megapixels}
    else:
        message = _("This photo has more than %(megapixels)s megapixels (%(width)s × %(height)s).") % {
            "megapixels": megapixels,
            "width": width,
            "height": height,
        }
    raise ValidationError(message, code="too_many_pixels")


def _encode(image, image_format):
    buffer = BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=92, optimize=True)
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _thumbnail(upload, upright, image_format):
    if image_format == "JPEG":
        # Decoded again at reduced scale: far cheaper than shrinking the full-size pixels.
        upload.seek(0)
        return make_thumbnail(upload)
    small = upright.convert("RGB")
    small.thumbnail(THUMBNAIL_BOX)
    return thumbnail_jpeg(small)


def stored_screen_rendition(photo):
    """The photo's screen-sized rendition (its `screen` file), made from the image and stored the first time it is
    asked for. Raises FileNotFoundError when the image is missing from storage."""
    if not photo.screen:
        with photo.image.open("rb") as original:
            content = ContentFile(make_screen_rendition(original))
        field = photo.screen.field
        name = field.storage.save(field.generate_filename(photo, "screen.jpg"), content)
        # Stored with an update, not a save: a rendition is no change to the record, so no history row.
        if SessionPhoto.objects.filter(pk=photo.pk, screen="").update(screen=name):
            photo.screen.name = name
        else:  # another request stored one meanwhile: theirs is kept
            field.storage.delete(name)
            photo.refresh_from_db(fields=["screen"])
    return photo.screen
