"""Every export is recorded in the audit trail: who, which filters, how many rows, and whether it finished."""

from datetime import date

import pytest

from audit.models import AuditAction, AuditEvent
from clinic.vocabularies import Technique
from research import files
from research.export import session_rows
from research.files import audited, csv_lines
from research.query import ExportFilters
from tests.research.support import (
    BLEND_URL,
    CODEBOOK_URL,
    PAGE_URL,
    SESSIONS_URL,
    body,
    hang_up,
    served,
    session_with_blend,
)
from tests.support.dates import local
from tests.support.factories import ProductFactory, SessionFactory

pytestmark = pytest.mark.django_db


def export_events():
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk"))


@pytest.fixture
def five_sessions():
    product = ProductFactory()
    for day in range(1, 6):
        session_with_blend(product, product, performed_at=local(date(2026, 3, day)), technique=Technique.MMP)
    SessionFactory(technique=Technique.MICRONEEDLING, performed_at=local(date(2026, 3, 6)))


def test_a_download_records_one_event_with_user_filters_and_row_count(client_for, researcher, five_sessions):
    params = {"technique": "mmp", "year_from": "2026", "year_to": "2026"}

    text = body(client_for(researcher).get(SESSIONS_URL, params, REMOTE_ADDR="192.0.2.44"))

    assert text.count("\r\n") == 1 + 5
    (event,) = export_events()
    assert (event.user, event.username, event.ip_address) == (researcher, "researcher", "192.0.2.44")
    assert event.detail == {
        "file": "sessions.csv",
        "filters": {"technique": "mmp", "date_from": "2026-01-01", "date_to": "2026-12-31"},
        "rows": 5,
        "complete": True,
    }


def test_the_blend_download_counts_components(client_for, researcher, five_sessions):
    body(client_for(researcher).get(BLEND_URL, {"include_demo": "on"}))

    (event,) = export_events()
    assert event.detail == {
        "file": "blend_components.csv",
        "filters": {"include_demo": "True"},
        "rows": 10,
        "complete": True,
    }


def test_an_empty_export_is_recorded_with_zero_rows(client_for, superuser):
    body(client_for(superuser).get(SESSIONS_URL))

    (event,) = export_events()
    assert (event.user, event.detail["rows"], event.detail["complete"]) == (superuser, 0, True)


def test_counting_on_the_page_and_the_codebook_record_no_export(client_for, researcher, five_sessions):
    client = client_for(researcher)
    client.get(PAGE_URL, {"technique": "mmp"})
    body(client.get(CODEBOOK_URL))

    assert export_events() == []


def test_nothing_is_recorded_before_the_file_is_sent(client_for, researcher, five_sessions):
    response = client_for(researcher).get(SESSIONS_URL)

    assert export_events() == []
    body(response)
    assert len(export_events()) == 1


def test_a_download_sends_its_lines_joined_and_counts_every_row(client_for, researcher, five_sessions):
    pieces = list(served(researcher, "sessions", technique="mmp"))

    assert len(pieces) == 1 and pieces[0].count(b"\r\n") == 1 + 5
    (event,) = export_events()
    assert (event.detail["rows"], event.detail["complete"]) == (5, True)


def test_a_download_broken_off_midway_is_recorded_as_incomplete(client_for, researcher, five_sessions, monkeypatch):
    monkeypatch.setattr(files, "DOWNLOAD_PIECE_CHARACTERS", 1)  # a line a piece: the reader can stop between rows
    response = served(researcher, "sessions", technique="mmp")
    lines = hang_up(response, 3)  # the header and two sessions, then the reader goes away

    assert lines[0].startswith(b"session_id,")
    (event,) = export_events()
    assert event.user == researcher
    assert event.detail == {"file": "sessions.csv", "filters": {"technique": "mmp"}, "rows": 2, "complete": False}


def test_the_broken_off_download_leaves_the_connection_usable(client_for, researcher, five_sessions):
    hang_up(served(researcher, "sessions"), 1)

    body(client_for(researcher).get(SESSIONS_URL))
    assert [event.detail["complete"] for event in export_events()][-1] is True


def test_the_audited_generator_records_an_abandoned_export_outside_the_exports_transaction(five_sessions):
    """Without HTTP: the CSV stream is dropped after the header and one row, as a WSGI server
    does when the client goes away."""
    lines = csv_lines(audited(session_rows(ExportFilters()), file_name="sessions.csv", filters=ExportFilters()))
    next(lines), next(lines)

    lines.close()
    del lines

    (event,) = export_events()
    assert (event.detail["rows"], event.detail["complete"]) == (1, False)
