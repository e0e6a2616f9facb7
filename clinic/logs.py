import logging
import traceback


class RedactingFormatter(logging.Formatter):
    """Formats tracebacks without the exception's message, which may quote patient data
    (a duplicate record number, a rejected value). Where it happened is kept."""

    def format(self, record):
        # Another handler may have formatted the record first and left its full traceback text on it.
        record = logging.makeLogRecord(record.__dict__)
        record.exc_text = None
        return super().format(record)

    def formatException(self, exc_info):
        kind, _error, frames = exc_info
        where = "".join(traceback.format_tb(frames))
        withheld = "[message withheld: it may quote patient data]"
        return f"Traceback (most recent call last):\n{where}{kind.__module__}.{kind.__qualname__}: {withheld}"
