"""gunicorn's own log (deploy/gunicorn.conf.py names it), redacted like Django's.

An exception that escapes Django, such as one raised while a streamed download is being sent, is logged by
gunicorn, not by Django's logging: without this its message, which may quote patient data, reached the log.
"""

from gunicorn import glogging

from clinic.logs import RedactingFormatter


class RedactingLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(RedactingFormatter(self.error_fmt, self.datefmt))
