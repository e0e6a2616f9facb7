"""The de-identified research export, as generators kept apart from HTTP.

The files as CSV lines (`session_lines`, `blend_lines`, `outcome_lines`) serve the web download,
the `export_sessions` command and the benchmark. On PostgreSQL the sessions file is written by the
database (research.copy_lines); the row generators here are SQLite's path and the reference the
tests hold the COPY path to: one query streams the sessions in chunks, and each chunk's blend
components come in one more query.

Never exported: names, record numbers, dates of birth, contact, free-text notes, photos, voided
records, patients without research consent, and demo records unless asked for.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from django.db import connection, models
from django.db.models import Min, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from clinic.formatting import blend_phrase, dose_phrase
from clinic.spreadsheets import safe_cell
from research import copy_lines
from research.columns import BLEND_COLUMNS, DELAYED_EVENT_COLUMNS, OUTCOME_COLUMNS, session_columns
from research.files import csv_lines
from research.query import (
    ORDER_BY,
    export_transaction,
    privacy_plan,
    pseudonym,
    pseudonym_key,
    whole_years,
)
from sessions.measures import ASSESSMENT_MEASURES
from sessions.models import Assessment, BlendComponent, DelayedAdverseEvent, TreatmentSession

CHUNK_SIZE = 2000


def session_rows(filters, chunk_size=CHUNK_SIZE):
    """The sessions file, wide: the header, then one row per session."""
    yield [column.name for column in session_columns(filters)]
    key, zone = pseudonym_key(), timezone.get_current_timezone()
    with export_transaction():  # the privacy plan and the rows read one snapshot
        plan = privacy_plan(filters)
        for record, blend in _sessions(filters, chunk_size):
            yield _session_row(record, blend, key, zone, plan, filters)


def blend_rows(filters, chunk_size=CHUNK_SIZE):
    """The blend components file, long: the header, then one row per component."""
    yield [column.name for column in BLEND_COLUMNS]
    key = pseudonym_key()
    for record, blend in _sessions(filters, chunk_size):
        session_key = pseudonym("s", record[0], key)
        for name, ingredient, concentration, unit, volume in blend:
            yield [session_key, _text(name), _text(ingredient), _number(concentration), _text(unit), _number(volume)]


def outcome_rows(filters):
    """The outcomes file, long: one row per measure of each current assessment of the exported patients.

    A patient is exported when at least one of their sessions is (same consent, demo and filters).
    """
    yield [column.name for column in OUTCOME_COLUMNS]
    patients_sql, params = filters.sql(columns="DISTINCT p.id")
    first_session = (
        TreatmentSession.objects.current()
        .filter(patient=OuterRef("patient"))
        .values("patient")
        .annotate(first=Min("performed_at"))
        .values("first")
    )
    assessments = (
        Assessment.objects.current()
        .filter(patient_id__in=RawSQL(patients_sql, params))  # noqa: S611 — our SQL, values as parameters
        .annotate(first_session_at=Subquery(first_session))
        .order_by("patient_id", "assessed_on", "pk")
    )
    key, zone = pseudonym_key(), timezone.get_current_timezone()
    for assessment in assessments.iterator(chunk_size=CHUNK_SIZE):
        patient_key = pseudonym("p", assessment.patient_id, key)
        first = assessment.first_session_at
        days = _number((assessment.assessed_on - first.astimezone(zone).date()).days) if first else ""
        for measure in ASSESSMENT_MEASURES:
            value = measure.value_of(assessment)
            if value is None:
                continue
            site = getattr(assessment, measure.site_field) if measure.site_field else ""
            shown = _number(value) if isinstance(value, (int, Decimal)) else _text(value)
            yield [patient_key, days, measure.export_code, shown, _text(measure.export_unit), _text(site)]


def delayed_event_rows(filters):
    """The delayed adverse events file, long: one row per current event of an exported session, timed in days
    from its session (never a date)."""
    yield [column.name for column in DELAYED_EVENT_COLUMNS]
    sessions_sql, params = filters.sql(columns="s.id")
    events = (
        DelayedAdverseEvent.objects.current()
        .filter(session_id__in=RawSQL(sessions_sql, params))  # noqa: S611 — our SQL, values as parameters
        .annotate(session_at=models.F("session__performed_at"), patient=models.F("session__patient_id"))
        .order_by("patient", "session_at", "session_id", "onset_on", "pk")
        .values_list("session_id", "session_at", "kind", "onset_on", "severity", "resolved_on")
    )
    key, zone = pseudonym_key(), timezone.get_current_timezone()
    for session_id, session_at, kind, onset, severity, resolved in events.iterator(chunk_size=CHUNK_SIZE):
        yield [
            pseudonym("s", session_id, key),
            _text(kind),
            _number((onset - _local_date(session_at, zone)).days),
            _text(severity),
            "yes" if resolved else "no",
            _number((resolved - onset).days) if resolved else "",
        ]


def session_lines(filters, chunk_size=None):
    """The sessions file as CSV lines. On PostgreSQL the database writes them (research.copy_lines)."""
    if connection.vendor == "postgresql":
        return copy_lines.session_lines(filters, chunk_size or copy_lines.CHUNK_SESSIONS)
    return csv_lines(session_rows(filters, chunk_size or CHUNK_SIZE))


def blend_lines(filters):
    return csv_lines(blend_rows(filters))


def outcome_lines(filters):
    return csv_lines(outcome_rows(filters))


def delayed_event_lines(filters):
    return csv_lines(delayed_event_rows(filters))


# The audited files by name (each downloads and is recorded as "<name>.csv"); the codebook is not audited.
FILES = {
    "sessions": session_lines,
    "blend_components": blend_lines,
    "outcomes": outcome_lines,
    "delayed_adverse_events": delayed_event_lines,
}


def _sessions(filters, chunk_size):
    """(session record, [blend component tuples]) for every exported session, in chunks."""
    sql, params = filters.sql()
    with export_transaction():
        if connection.vendor == "postgresql":
            # A server-side cursor is planned for its first 10 % of rows by default; an export reads them all.
            with connection.cursor() as settings_cursor:
                settings_cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from _chunks(sql, params, chunk_size)


def _chunks(sql, params, chunk_size):
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql + ORDER_BY, params)
        while records := cursor.fetchmany(chunk_size):
            blends = {}
            components = (
                BlendComponent.objects.current()
                .filter(session_id__in=[record[0] for record in records])
                .order_by("session_id", "pk")
                .values_list(
                    "session_id",
                    "product_name",
                    "active_ingredient",
                    "concentration",
                    "concentration_unit",
                    "volume_ml",
                )
            )
            for session_id, *component in components:
                blends.setdefault(session_id, []).append(component)
            for record in records:
                yield record, blends.get(record[0], [])


def _session_row(record, blend, key, zone, plan, filters):
    (
        session_id, patient_id, born, sex, diagnosis, norwood, ludwig, salt, fitzpatrick, technique, course_number,
        first_at, performed_at, device_kind, manufacturer, model_name, configuration, needle_count,
        diameter, length, depth, frequency, passes, zones, area, anaesthesia, pain, endpoint, adverse, preset_slug,
        preset_version, deviation_count, deviation_summary,
    ) = record  # fmt: skip
    performed_on = _local_date(performed_at, zone)
    age = whole_years(_as_date(born), performed_on)
    quasi = filters.generalisation.cells(age, sex, diagnosis, norwood, ludwig, _decimal(salt), fitzpatrick)
    written, withheld = plan.written(quasi)
    return [
        pseudonym("s", session_id, key),
        pseudonym("p", patient_id, key),
        *written,
        str(withheld),
        _text(technique),
        _number(course_number),
        _number((performed_on - _local_date(first_at, zone)).days),
        *([performed_on.isoformat()] if filters.limited_data_set else []),
        _text(device_kind),
        _text(f"{manufacturer} {model_name}" if manufacturer else ""),
        _text(configuration),
        _number(needle_count),
        _number(diameter),
        _number(length),
        _number(depth),
        _number(frequency),
        _number(passes),
        _joined_codes(zones),
        _number(area),
        _text(anaesthesia),
        _number(pain),
        _text(endpoint),
        _joined_codes(adverse),
        _text(preset_slug),
        _number(preset_version),
        _number(deviation_count),
        _text(deviation_summary),
        _text(blend_phrase(_dose_phrase(*component) for component in blend)),
    ]


def _dose_phrase(name, _ingredient, concentration, unit, volume):
    # As the session pages write it; decimals first, as SQLite may hand back floats.
    return dose_phrase(name, _decimal(concentration), unit, _decimal(volume))


@lru_cache(maxsize=8192)
def _text(value):
    """A text cell, neutralised against formula injection (cached: a few texts fill most cells); numbers never
    pass through here."""
    return safe_cell(value)


@lru_cache(maxsize=8192)
def _number(value):
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return str(value)
    return format(_decimal(value).normalize(), "f")


def _decimal(value):
    # SQLite hands decimals back as floats or ints; str() keeps what was stored (1.2, not 1.19999…).
    return None if value is None else value if isinstance(value, Decimal) else Decimal(str(value))


def _joined_codes(value):
    """A JSON list of codes as one ";"-separated cell."""
    if not value:
        return ""
    return _joined_json_codes(value) if isinstance(value, str) else _text(";".join(value))


@lru_cache(maxsize=4096)
def _joined_json_codes(text):
    # The same few combinations of zones and events come back again and again: decode each once.
    return _text(";".join(json.loads(text)))


def _as_date(value):
    return value if isinstance(value, date) else parse_date(value)


def _local_date(value, zone):
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    if moment.tzinfo is None:  # SQLite's raw rows: stored in UTC, without the zone
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()
