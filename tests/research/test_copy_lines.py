"""On PostgreSQL the database writes the sessions file (COPY): it must hold what the Python path writes."""

import threading
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, connections
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.models import Device, Patient, Product
from research import views
from research.copy_lines import CODES_BY_INDEX
from research.export import session_lines, session_rows
from research.files import csv_lines
from research.query import ExportFilters, pseudonym, pseudonym_key
from sessions.models import TreatmentSession
from sessions.services import void_record
from tests.research.support import EXACT, SESSIONS_URL, as_dicts, body, parse
from tests.support.dates import local
from tests.support.factories import BlendComponentFactory, DeviceFactory, LotFactory, PatientFactory, SessionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite has one path"),
]

AWKWARD_TEXT = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    'Quote "inside", and a comma',
    "Line one\nline two",
    "Carriage\rreturn",
    "Minoxidil 5 % – ½ µg ✓ {zone}",
    " leading space",
    "\\.",
]


@pytest.fixture
def awkward_world(clinician, seeded_presets):
    barletta = seeded_presets.get(slug="barletta-mmp-triamcinolone-aa")
    old = PatientFactory(date_of_birth=date(1930, 1, 1))
    leap = PatientFactory(date_of_birth=date(2000, 2, 29))
    for index, text in enumerate(AWKWARD_TEXT):
        patient = old if index % 3 == 0 else leap if index % 3 == 1 else PatientFactory()
        device = DeviceFactory(manufacturer=text, model_name=f"{text} model") if index % 2 else None
        session = SessionFactory(
            patient=patient,
            device=device,
            preset=barletta if index % 2 else None,
            needle_depth_mm=Decimal("1.25") if index % 4 else None,
            treated_zones=["vertex", "occipital"] if index % 2 else [],
            adverse_events=["haematoma", "other"] if index == 4 else ["none"],
            treated_area_cm2=Decimal("100.0"),
            performed_at=(timezone.now() - timedelta(days=400 - 30 * index)).replace(second=0, microsecond=0),
        )
        product = Product.objects.create(name=text, kind="drug", active_ingredient=text)
        BlendComponentFactory(session=session, lot=LotFactory(product=product), volume_ml=Decimal("0.50"))
        if index % 3 == 1:
            void_record(record=BlendComponentFactory(session=session), reason="Removed", by=clinician)
    SessionFactory(patient=PatientFactory(), device=Device.objects.first(), cartridge=None, frequency_hz=None)
    # Lists the forms would refuse, stored past them: each element must still come out as Python joins it.
    odd = SessionFactory()
    TreatmentSession.objects.filter(pk=odd.pk).update(
        treated_zones=["a, b", 'q"uote', "", "=x", "ünï\ncode", "[x]"], adverse_events=["back\\slash", "semi;colon"]
    )
    # Past the lists read by index, and exactly at their length.
    longest = SessionFactory()
    TreatmentSession.objects.filter(pk=longest.pk).update(
        treated_zones=[f"zone-{number}" for number in range(CODES_BY_INDEX + 3)],
        adverse_events=[f"+event-{number}" for number in range(CODES_BY_INDEX)],
    )
    marker = Product.objects.create(name="\\.", kind="drug", active_ingredient="x")
    BlendComponentFactory(session=SessionFactory(), lot=LotFactory(product=marker), concentration=None, volume_ml=None)


FILTERS = [
    ExportFilters(),
    ExportFilters(include_demo=True, technique="mmp"),
    ExportFilters(preset="barletta-mmp-triamcinolone-aa"),
]


def test_the_database_writes_the_values_the_python_path_writes(awkward_world):
    # Every filter with every slice size, on one world: building it is what costs.
    differing = []
    for filters in FILTERS:
        from_python = list(session_rows(filters))
        assert len(from_python) > 1, filters
        for chunk_size in (1, 3, 1000):
            if parse("".join(session_lines(filters, chunk_size=chunk_size))) != from_python:
                differing.append((filters.described(), chunk_size))

    assert differing == []


def test_the_lines_are_the_bytes_python_writes(awkward_world):
    from_copy = "".join(session_lines(ExportFilters()))
    from_python = "".join(csv_lines(session_rows(ExportFilters())))

    assert ",\\.\r\n" in from_copy  # a cell of only "\\." (COPY's end-of-data marker in its text format)
    assert from_copy == from_python


def test_hostile_text_is_neutralised_and_quoted_by_the_database_too(awkward_world):
    text = "".join(session_lines(EXACT))

    assert '\'=HYPERLINK(""http://x"",""y"")' in text
    assert '"Line one\nline two' in text
    assert ",90+," in text


# Streaming: slices of whole patients, a fixed number of queries per slice.


@pytest.fixture
def patients_with_sessions():
    """make(patients, sessions each): that many consenting patients, each with that many sessions."""

    def make(patients, sessions_each):
        for _ in range(patients):
            patient = PatientFactory()
            for day in range(sessions_each):
                SessionFactory(patient=patient, performed_at=local(date(2026, 1, 1) + timedelta(days=day)))

    return make


def export_queries(chunk_size):
    with CaptureQueriesContext(connection) as captured:
        lines = list(session_lines(ExportFilters(), chunk_size=chunk_size))
    return captured, len(lines) - 1


def copies(captured):
    return [query["sql"] for query in captured if query["sql"].startswith("COPY (")]


def test_more_sessions_in_one_slice_cost_no_more_queries(patients_with_sessions):
    patients_with_sessions(3, 2)
    few, rows = export_queries(chunk_size=100)
    patients_with_sessions(3, 5)
    many, more_rows = export_queries(chunk_size=100)

    assert (rows, more_rows) == (6, 21)
    assert len(many) == len(few)
    assert len(copies(many)) == 1


def test_each_further_slice_costs_one_copy(patients_with_sessions):
    patients_with_sessions(4, 2)
    two_slices, _ = export_queries(chunk_size=4)
    patients_with_sessions(4, 2)
    four_slices, rows = export_queries(chunk_size=4)

    assert rows == 16
    assert (len(copies(two_slices)), len(copies(four_slices))) == (2, 4)
    assert len(four_slices) - len(two_slices) == 2


def test_slices_count_the_rows_of_the_file_not_the_sessions_left_out(patients_with_sessions):
    patients_with_sessions(2, 2)
    for _ in range(3):  # no research consent: their sessions fill no slice
        SessionFactory(patient=PatientFactory(research_consent=False))

    captured, rows = export_queries(chunk_size=2)

    assert rows == 4
    assert len(copies(captured)) == 2


def test_a_slice_holds_whole_patients_however_many_sessions_they_have(patients_with_sessions):
    patients_with_sessions(2, 6)

    captured, rows = export_queries(chunk_size=2)

    assert rows == 12
    assert len(copies(captured)) == 2  # one patient each, six sessions over a slice size of two
    numbers = [row["course_session_number"] for row in as_dicts(parse("".join(session_lines(ExportFilters(), 2))))]
    assert numbers == ["1", "2", "3", "4", "5", "6"] * 2


def test_the_first_line_leaves_after_the_first_slice(patients_with_sessions):
    patients_with_sessions(6, 2)
    with CaptureQueriesContext(connection) as captured:
        lines = session_lines(ExportFilters(), chunk_size=4)
        assert next(lines).startswith("session_id,")
        assert len(captured) == 0
        next(lines)
        assert len(copies(captured)) == 1
        lines.close()


def test_the_key_never_reaches_the_database(patients_with_sessions, settings):
    settings.RESEARCH_PSEUDONYM_KEY = "a research key of our own"
    patients_with_sessions(2, 2)

    with CaptureQueriesContext(connection) as captured:
        rows = as_dicts(parse("".join(session_lines(ExportFilters(), chunk_size=2))))
    sql = "\n".join(query["sql"] for query in captured).lower()

    sessions = TreatmentSession.objects.all()
    assert {row["session_id"] for row in rows} == {pseudonym("s", session.pk) for session in sessions}
    assert "research key" not in sql
    assert pseudonym_key().hex() not in sql
    # Nor as data: nothing is sent to the database, every COPY goes out to us.
    assert "from stdin" not in sql
    assert "create temp" not in sql
    assert {query["sql"].split(" ", 1)[0] for query in captured} <= {"SELECT", "COPY", "SET", "SAVEPOINT", "RELEASE"}


def test_an_export_broken_off_leaves_the_connection_ready_for_the_next(patients_with_sessions):
    patients_with_sessions(4, 2)
    lines = session_lines(ExportFilters(), chunk_size=2)
    next(lines), next(lines)
    lines.close()

    assert len(parse("".join(session_lines(ExportFilters(), chunk_size=2)))) == 9


def test_local_days_follow_the_current_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    patient = PatientFactory(date_of_birth=date(1980, 6, 15))
    with timezone.override("Pacific/Auckland"):
        # 00:30 on the birthday in Auckland is still the day before in UTC.
        SessionFactory(patient=patient, performed_at=local(date(2026, 6, 15), hour=0, minute=30))
        SessionFactory(patient=patient, performed_at=local(date(2026, 6, 16), hour=23, minute=30))
        rows = as_dicts(parse("".join(session_lines(EXACT))))
        assert rows == as_dicts(list(session_rows(EXACT)))

    assert [(row["age_years"], row["days_since_first_session"]) for row in rows] == [("46", "0"), ("46", "1")]


def test_the_download_streams_the_slices(client_for, researcher, patients_with_sessions, monkeypatch):
    monkeypatch.setitem(views.FILES, "sessions", partial(session_lines, chunk_size=2))
    patients_with_sessions(3, 2)
    client = client_for(researcher)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(SESSIONS_URL)
        assert isinstance(response, StreamingHttpResponse)
        rows = as_dicts(parse(body(response)))

    assert len(rows) == 6
    assert len(copies(captured)) == 3


@pytest.mark.django_db(transaction=True)
def test_what_is_saved_during_an_export_waits_for_the_next_export(patients_with_sessions):
    """One snapshot from the first slice to the last: a file never mixes two moments."""
    patients_with_sessions(4, 2)
    last_patient = Patient.objects.order_by("-pk").first()
    lines = session_lines(ExportFilters(), chunk_size=2)
    read = [next(lines), next(lines)]  # the header and the first slice's first session

    in_another_connection(lambda: SessionFactory(patient=last_patient))
    read += list(lines)

    assert len(read) - 1 == 8
    assert len(parse("".join(session_lines(ExportFilters())))) - 1 == 9


@pytest.mark.django_db(transaction=True)
def test_the_python_path_reads_one_snapshot_too(patients_with_sessions):
    patients_with_sessions(4, 2)
    last_session = TreatmentSession.objects.order_by("-patient_id", "-performed_at").first()
    rows = session_rows(ExportFilters(), chunk_size=2)
    next(rows), next(rows)

    in_another_connection(lambda: BlendComponentFactory(session=last_session))
    *_, last_row = rows

    assert last_row[-1] == ""
    assert as_dicts(list(session_rows(ExportFilters())))[-1]["blend"] != ""


def in_another_connection(work):
    """Run work in a thread of its own, hence on a connection of its own, committed when it returns."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
