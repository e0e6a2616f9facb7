"""The export streams: a fixed number of queries plus one per chunk, never one per row."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from research import views
from research.export import blend_rows, session_rows
from research.files import csv_lines
from research.query import ExportFilters
from tests.research.support import SESSIONS_URL, body, parse, session_with_blend
from tests.support.dates import local
from tests.support.factories import PatientFactory, ProductFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_sessions(seeded_presets):
    """`count` sessions over a few patients, each with a blend of two products; half from two presets."""
    presets = list(seeded_presets.filter(technique="mmp").order_by("slug")[:2])
    assert len(presets) == 2
    products = [ProductFactory(), ProductFactory()]
    patients = [PatientFactory() for _ in range(4)]

    def make(count):
        for n in range(count):
            session_with_blend(
                *products,
                patient=patients[n % len(patients)],
                preset=presets[n % 2] if n % 4 < 2 else None,
                performed_at=local(date(2026, 1, 1) + timedelta(days=n)),
            )

    return make


def queries(rows_function, chunk_size):
    with CaptureQueriesContext(connection) as captured:
        rows = list(rows_function(ExportFilters(), chunk_size=chunk_size))
    return len(captured), len(rows) - 1


def chunk_queries(captured):
    return [query for query in captured if "treatments_blendcomponent" in query["sql"]]


@pytest.mark.parametrize("rows_function", [session_rows, blend_rows])
def test_more_sessions_in_the_same_number_of_chunks_cost_no_more_queries(make_sessions, rows_function):
    make_sessions(4)
    four, _ = queries(rows_function, chunk_size=10)
    make_sessions(5)
    nine, _ = queries(rows_function, chunk_size=10)

    assert nine == four


@pytest.mark.parametrize("rows_function", [session_rows, blend_rows])
def test_each_further_chunk_costs_one_query(make_sessions, rows_function):
    make_sessions(6)
    three_chunks, rows = queries(rows_function, chunk_size=2)
    make_sessions(6)
    six_chunks, more_rows = queries(rows_function, chunk_size=2)

    assert more_rows > rows > 0
    assert six_chunks - three_chunks == 3


def test_a_chunk_takes_its_blends_in_one_query(make_sessions):
    make_sessions(5)
    with CaptureQueriesContext(connection) as captured:
        rows = list(session_rows(ExportFilters(), chunk_size=2))

    assert len(rows) == 6
    assert len(chunk_queries(captured)) == 3
    # The rest: the sessions query, the two presets with their blends, and bookkeeping (savepoint,
    # release; on PostgreSQL the server-side cursor's SET LOCAL).
    assert len(captured) <= 3 + 1 + 2 * 2 + 3


def test_the_chunk_size_does_not_change_the_rows(make_sessions):
    make_sessions(8)
    filters = ExportFilters()

    whole = list(session_rows(filters))
    assert list(session_rows(filters, chunk_size=1)) == whole
    assert list(session_rows(filters, chunk_size=3)) == whole
    assert list(blend_rows(filters, chunk_size=3)) == list(blend_rows(filters))


def test_the_download_is_streamed_with_queries_per_chunk(client_for, researcher, make_sessions, monkeypatch):
    # The Python path's chunks (SQLite's; PostgreSQL's COPY slices: tests/research/test_copy_lines.py).
    monkeypatch.setitem(views.FILES, "sessions", lambda filters: csv_lines(session_rows(filters, chunk_size=2)))
    client = client_for(researcher)
    make_sessions(6)
    body(client.get(SESSIONS_URL))  # warm up: sessions and permissions

    with CaptureQueriesContext(connection) as three:
        response = client.get(SESSIONS_URL)
        assert isinstance(response, StreamingHttpResponse)
        rows = parse(body(response))
    make_sessions(6)
    with CaptureQueriesContext(connection) as six:
        more_rows = parse(body(client.get(SESSIONS_URL)))

    assert (len(rows), len(more_rows)) == (7, 13)
    assert len(six) - len(three) == 3
    assert len(chunk_queries(six)) - len(chunk_queries(three)) == 3


def test_the_rows_are_produced_lazily(make_sessions):
    """Nothing is read before the first row is asked for, and a chunk is read only when needed."""
    make_sessions(6)
    with CaptureQueriesContext(connection) as captured:
        rows = session_rows(ExportFilters(), chunk_size=3)
        assert len(captured) == 0
        next(rows), next(rows)  # the header and the first session
        first_chunk = len(chunk_queries(captured))
        for _ in range(2):
            next(rows)
        assert len(chunk_queries(captured)) == first_chunk == 1
        next(rows)  # the first session of the second chunk
        assert len(chunk_queries(captured)) == 2
        rows.close()


def test_sessions_left_out_for_lack_of_consent_cost_no_queries(make_sessions):
    make_sessions(4)
    before, _ = queries(session_rows, chunk_size=4)
    for _ in range(5):
        SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None))

    # Reading the five left out would take one more chunk, hence one more query.
    after, _ = queries(session_rows, chunk_size=4)
    assert after == before
