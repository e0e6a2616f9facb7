"""Text cells that a spreadsheet opens as text: a cell starting like a formula is neutralised. Every CSV the
application writes (the research files, the lot recall list) goes through here."""

# A text cell starting with one of these is read as a formula by spreadsheet programs (NULs are
# dropped from text cells first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """A text cell, neutralised against formula injection (a leading apostrophe); NULs dropped, None → ""."""
    if value is None:
        return ""
    text = str(value).replace("\x00", "")
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
