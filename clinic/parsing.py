import re

ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def positive_int(text):
    """The whole number written in `text` with ASCII digits, if it is at least 1; else None.

    str.isdigit() accepts "²" and other Unicode digits that int() refuses.
    """
    if isinstance(text, str) and ASCII_DIGITS.fullmatch(text) and int(text) >= 1:
        return int(text)
    return None
