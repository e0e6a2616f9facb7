"""Signatures as the pad posts them: PNG data URLs of a drawing, of nothing, or of something that is not one."""

import base64
import io

from PIL import Image, ImageDraw


def data_url(content: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(content).decode("ascii")


def drawn_png(width=400, height=150, *, ink=True) -> bytes:
    """What the pad draws: a transparent canvas with a black stroke on it (or without, when `ink` is False)."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line([(20, height - 30), (width // 2, 25), (width - 20, height - 40)], "black", 4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def signature(**kwargs) -> str:
    return data_url(drawn_png(**kwargs))
