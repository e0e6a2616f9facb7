"""Adverse events noticed after a session reach the research files: one row per event, timed in days from its
session and from its onset, by the page's download and by the command alike; voided events and patients without
research consent stay out."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from sessions.models import DelayedAdverseEvent
from sessions.services import void_record
from tests.research.support import as_dicts, body, exported, parse
from tests.support.dates import local
from tests.support.db import module_rows
from tests.support.factories import PatientFactory, SessionFactory

pytestmark = pytest.mark.django_db
URL = "/export/delayed_adverse_events.csv"


def event(session, kind, onset_after, severity="mild", lasted=None):
    onset = session.performed_on + timedelta(days=onset_after)
    return DelayedAdverseEvent.objects.create(
        session=session,
        kind=kind,
        onset_on=onset,
        severity=severity,
        resolved_on=onset + timedelta(days=lasted) if lasted is not None else None,
        recorded_by=session.clinician,
    )


@module_rows
def sessions():
    with_events = SessionFactory(performed_at=local(date(2026, 3, 2), 23))  # late evening: the local day counts
    event(with_events, "folliculitis", 5, "moderate", lasted=10)
    event(with_events, "prolonged_erythema", 0)
    voided = event(with_events, "infection", 1)
    void_record(record=voided, reason="Recorded on the wrong session", by=with_events.clinician)
    quiet = SessionFactory(patient=with_events.patient, performed_at=local(date(2026, 4, 2)))
    no_consent = SessionFactory(patient=PatientFactory(research_consent=False, research_consent_date=None))
    event(no_consent, "infection", 2, "severe", lasted=3)
    return {"with_events": with_events, "quiet": quiet}


def test_each_current_event_of_an_exported_session_is_a_row_timed_in_days(client_for, researcher, sessions):
    rows = as_dicts(parse(body(client_for(researcher).get(URL))))

    session_key = next(s["session_id"] for s in exported()[0] if s["days_since_first_session"] == "0")
    assert rows == [
        {
            "session_id": session_key,
            "event": "prolonged_erythema",
            "days_to_onset": "0",
            "severity": "mild",
            "resolved": "no",
            "days_to_resolution": "",
        },
        {
            "session_id": session_key,
            "event": "folliculitis",
            "days_to_onset": "5",
            "severity": "moderate",
            "resolved": "yes",
            "days_to_resolution": "10",
        },
    ]
    assert "2026" not in body(client_for(researcher).get(URL)), "no date reaches the file"


def test_the_command_writes_the_rows_of_the_download(tmp_path, client_for, researcher, sessions):
    path = tmp_path / "delayed.csv"
    call_command(
        "export_sessions", "--out", str(tmp_path / "s.csv"), "--delayed-events-out", str(path), stdout=io.StringIO()
    )

    assert parse(path.read_text(encoding="utf-8")) == parse(body(client_for(researcher).get(URL)))


def test_the_filters_apply_to_the_events_through_their_sessions(client_for, researcher, sessions):
    rows = parse(body(client_for(researcher).get(URL, {"technique": "smp"})))

    assert rows == [["session_id", "event", "days_to_onset", "severity", "resolved", "days_to_resolution"]]
