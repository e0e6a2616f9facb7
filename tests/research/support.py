"""Helpers shared by the research export tests: downloading, parsing and building sessions."""

import csv
import io
import time

from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory

from clinic.mfa import VERIFIED_AT
from research.export import blend_rows, session_lines
from research.privacy import Generalisation
from research.query import ExportFilters
from research.views import download
from tests.support.factories import BlendComponentFactory, LotFactory, SessionFactory

SESSIONS_URL = "/export/sessions.csv"
BLEND_URL = "/export/blend_components.csv"
CODEBOOK_URL = "/export/codebook.csv"
PAGE_URL = "/export/"


# Quasi-identifiers as recorded: for tests of the rows themselves (what generalisation and withholding do is
# tested in tests/research/test_privacy.py).
AS_RECORDED = Generalisation(age_band=1, fitzpatrick_grouped=False, staging_grouped=False, withhold_rare=False)
EXACT = ExportFilters(generalisation=AS_RECORDED)


def body(response):
    """The whole streamed body, decoded as UTF-8 (a UnicodeDecodeError fails the test)."""
    assert response.streaming, "the export must stream"
    return b"".join(response.streaming_content).decode("utf-8")


def served(user, file_name, **params):
    """The download view's response as a WSGI server gets it (the test client wraps the stream in its
    own closing iterator, which cannot be left midway without closing the test's connection)."""
    request = RequestFactory().get(f"/export/{file_name}.csv", params)
    request.user = user
    # What the session and django-otp's middleware say of a researcher who proved the second factor just now.
    request.session = {VERIFIED_AT: int(time.time())}
    user.is_verified = lambda: True
    return download(request, file_name=file_name)


def hang_up(response, lines):
    """Read `lines` lines of a streamed download, then close it as a WSGI server does when the
    client goes away. As the test client does, keep the test's connection open meanwhile
    (request_finished would close it: the test runs inside a transaction)."""
    stream = iter(response)
    read = [next(stream) for _ in range(lines)]
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return read


def parse(text):
    """Rows as Python's csv module reads them."""
    return list(csv.reader(io.StringIO(text, newline="")))


def fetch(client, url, **params):
    """GET a download and return (response, parsed rows)."""
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response, parse(body(response))


def as_dicts(rows):
    header, *data = rows
    return [dict(zip(header, row, strict=True)) for row in data]


def exported(filters=None, chunk_size=None):
    """(session dicts, blend dicts) as the files hold them (on PostgreSQL the sessions file is COPY's)."""
    filters = filters or ExportFilters()
    kwargs = {"chunk_size": chunk_size} if chunk_size else {}
    sessions = parse("".join(session_lines(filters, **kwargs)))
    return as_dicts(sessions), as_dicts(list(blend_rows(filters, **kwargs)))


def session_keys(filters=None):
    """The pseudonymous session keys exported for these filters."""
    return [row["session_id"] for row in exported(filters)[0]]


def session_with_blend(*products, **fields):
    """A session with one current blend component per product."""
    session = SessionFactory(**fields)
    for product in products:
        BlendComponentFactory(session=session, lot=LotFactory(product=product))
    return session
