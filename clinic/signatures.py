"""A signature drawn on the pad at the chair, posted as a PNG data URL: checked before it is kept.

It must be a real PNG (read by Pillow, not trusted from its header), of a sensible size, and not blank. What is
kept is Pillow's re-encoding of it: nothing the browser put in the file beyond its pixels survives.
"""

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from PIL import Image, ImageChops, UnidentifiedImageError

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 1024 * 1024
MAX_SIDE = 4000
MIN_SIDE = 50

# The refusals, said in the language active when they are (lazy: the sizes go in then too).
formatted_lazy = lazy(lambda text, **values: gettext(text) % values, str)
SIGNATURE_MISSING = gettext_lazy("Sign in the box before saving: there is no signature.")
SIGNATURE_UNREADABLE = gettext_lazy(
    "The signature could not be read: it must be a PNG image drawn on the signature pad."
)
SIGNATURE_TOO_LARGE = formatted_lazy(
    gettext_noop("The signature is too large: at most %(kb)s KB and %(side)s pixels a side."),
    kb=MAX_BYTES // 1024,
    side=MAX_SIDE,
)
SIGNATURE_TOO_SMALL = formatted_lazy(
    gettext_noop("The signature is too small: at least %(side)s pixels a side."), side=MIN_SIDE
)
SIGNATURE_BLANK = gettext_lazy("The signature is blank: ask the patient to sign in the box.")


def signature_png(data_url: str) -> bytes:
    """The PNG of a posted signature, re-encoded; ValidationError with a plain message if it is not one."""
    if not data_url:
        raise ValidationError(SIGNATURE_MISSING, code="missing")
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(SIGNATURE_UNREADABLE, code="not_png")
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(SIGNATURE_TOO_LARGE, code="too_large")
    try:
        raw = base64.b64decode(encoded, validate=True)
        image = Image.open(io.BytesIO(raw))
        if image.format != "PNG":
            raise ValidationError(SIGNATURE_UNREADABLE, code="not_png")
        if max(image.size) > MAX_SIDE:
            raise ValidationError(SIGNATURE_TOO_LARGE, code="too_large")
        image.load()
    except (binascii.Error, ValueError, OSError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(SIGNATURE_UNREADABLE, code="not_png") from None
    if min(image.size) < MIN_SIDE:
        raise ValidationError(SIGNATURE_TOO_SMALL, code="too_small")
    on_white = _on_white(image)
    if ImageChops.invert(on_white.convert("L")).getbbox() is None:
        raise ValidationError(SIGNATURE_BLANK, code="blank")
    kept = io.BytesIO()
    on_white.save(kept, format="PNG", optimize=True)
    return kept.getvalue()


def _on_white(image):
    """The drawing on a white page: the pad's transparent background becomes paper, its ink stays."""
    rgba = image.convert("RGBA")
    page = Image.new("RGBA", rgba.size, "white")
    return Image.alpha_composite(page, rgba).convert("RGB")
