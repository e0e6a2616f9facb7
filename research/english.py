"""What leaves for research is written in English, whatever the interface's language: the files, the codebook,
the bundle's README, data package and privacy report, and the filters as the audit trail records them. Column
names, codes and number formats (clinic.formatting.plain writes the active language's decimal separator) never
change with the language of the page that asked for the export."""

from clinic.languages import in_stored_language as english


def in_english(lines):
    """The lines of a file, each made in English: a streamed download makes its lines after the view has returned,
    so each step runs in English of its own, and the language of the request around it is left as it was.
    Closing this closes the source (which may hold the export's transaction)."""
    source = iter(lines)
    try:
        while True:
            with english():
                try:
                    line = next(source)
                except StopIteration:
                    return
            yield line
    finally:
        if hasattr(source, "close"):
            source.close()
