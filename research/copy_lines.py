# ruff: noqa: S608 — every SQL fragment here is our own text; values reach it through mogrify.
"""The sessions file on PostgreSQL, written by the database itself: COPY (SELECT …) TO STDOUT WITH CSV.

research.export.session_rows stays the reference (and serves SQLite); these lines hold the same
values (tests/research/test_copy_lines.py compares the two paths cell by cell):
- pseudonyms: the same HMAC-SHA256, made here in Python from the ids at the front of each row as
  the rows arrive; the key never reaches the database;
- dates turned into local days in the current time zone; ages over 89 written as 90+; decimals
  without trailing zeros;
- text neutralised against formula injection; an empty text cell is written unquoted, as Python's
  csv module does; COPY quotes as RFC 4180 asks; lines end in CRLF.

Streamed: each COPY covers one slice of patients holding about `chunk_size` rows of the file (whole
patients, so course numbers and first-session days stay exact; the privacy plan's count of the rows, made first,
places the slices), and the first line leaves after the first slice. Within a slice the rows are sorted before
the costly cells are computed, so the database sends each row as soon as it is made and the pseudonyms are made
here meanwhile.
"""

from django.db import connection
from django.utils import timezone

from clinic.spreadsheets import FORMULA_STARTS
from clinic.vocabularies import ScalpZone
from research.columns import session_columns
from research.files import csv_lines
from research.query import ORDER_BY, export_transaction, privacy_plan, pseudonym, pseudonym_key
from sessions.models import ImmediateAdverseEvent

CHUNK_SESSIONS = 20_000
# Any list the forms can write (each code once) is read by index; longer ones element by element.
CODES_BY_INDEX = max(len(ScalpZone), len(ImmediateAdverseEvent))


def _text(column):
    """A text cell: neutralised like clinic.spreadsheets.safe_cell (PostgreSQL text holds no NUL to drop);
    empty → NULL, which COPY leaves unquoted."""
    starts = ", ".join(str(ord(start)) for start in FORMULA_STARTS)
    return f"NULLIF(CASE WHEN ascii({column}) IN ({starts}) THEN '''' || {column} ELSE {column} END, '')"


def _code(column):
    """A raw code ahead of _Sink: empty → NULL, which COPY leaves unquoted (it writes an empty text as "")."""
    return f"NULLIF({column}, '')"


def _decimal(column):
    return f"trim_scale({column})::text"


def _integer(column):
    return f"{column}::text"


def _codes(column):
    """A JSON list of codes as one ";"-separated cell, element by element (any text a list may hold).

    Short lists are read by index: a subquery per list costs several times more (≈ 3 µs a row).
    ->> gives each element's text as jsonb_array_elements_text does, and concat_ws skips a JSON
    null as string_agg does."""
    by_index = ", ".join(f"{column} ->> {index}" for index in range(CODES_BY_INDEX))
    return (
        f"CASE WHEN jsonb_typeof({column}) <> 'array' THEN NULL "
        f"WHEN jsonb_array_length({column}) <= {CODES_BY_INDEX} THEN concat_ws(';', {by_index}) "
        f"ELSE (SELECT string_agg(code, ';' ORDER BY position) "
        f"FROM jsonb_array_elements_text({column}) WITH ORDINALITY AS codes(code, position)) END"
    )


BLEND_PHRASES = f"""(
    SELECT string_agg(
        b.product_name
        || CASE WHEN b.concentration IS NULL THEN '' ELSE ' ' || {_decimal("b.concentration")} || ' ' || b.concentration_unit END
        || CASE WHEN b.volume_ml IS NULL THEN '' ELSE ' (' || {_decimal("b.volume_ml")} || ' mL)' END,
        ' + ' ORDER BY b.id)
    FROM treatments_blendcomponent b
    WHERE b.session_id = r.session_id AND b.voided_at IS NULL
)"""  # noqa: E501

# The values read per session and sorted in the file's order, before anything costly is computed.
# {zone} is the current time zone, as a literal.
RAW = {
    "session_id": "s.id",
    "patient_id": "s.patient_id",
    "performed_at": "s.performed_at",
    "born": "p.date_of_birth",
    "day": "(s.performed_at AT TIME ZONE {zone})::date",
    "first_day": "(s.first_at AT TIME ZONE {zone})::date",
    "sex": "p.sex",
    "diagnosis": "p.diagnosis",
    "norwood": "p.norwood_hamilton_stage",
    "ludwig": "p.ludwig_stage",
    "salt": "p.salt_score",
    "fitzpatrick": "p.fitzpatrick_type",
    "technique": "s.technique",
    "course_number": "s.course_number",
    "device_kind": "s.device_kind",
    "device_model": "CASE WHEN s.device_manufacturer <> '' THEN s.device_manufacturer || ' ' || s.device_model END",
    "configuration": "s.cartridge_configuration",
    "needle_count": "s.cartridge_needle_count",
    "diameter": "s.cartridge_needle_diameter_mm",
    "length": "s.cartridge_needle_length_mm",
    "depth": "s.needle_depth_mm",
    "frequency": "s.frequency_hz",
    "passes": "s.passes",
    "treated_zones": "s.treated_zones",
    "area": "s.treated_area_cm2",
    "anaesthesia": "s.anaesthesia",
    "pain": "s.pain_score",
    "endpoint": "s.endpoint",
    "adverse_events": "s.adverse_events",
    "preset_slug": "pr.slug",
    "preset_version": "pr.version",
    "deviation_count": "s.deviation_count",
    "deviations": "s.deviation_summary",
}

# Computed once per row from the sorted values (above an OFFSET 0 fence, so that PostgreSQL does not
# repeat them for each use in the cells).
DERIVED = {
    "age": "date_part('year', age(r.day, r.born))::int",
    "days": "r.day - r.first_day",
    "zones": _codes("r.treated_zones"),
    "adverse": _codes("r.adverse_events"),
    "blend": BLEND_PHRASES,
}

# One cell per research.columns.session_columns entry, in its order. The ids and the quasi-identifiers come
# first and raw: as the rows arrive, the pseudonyms replace the ids, and the quasi-identifiers are generalised
# and withheld by research.privacy's plan, the withholding level written after them (_Sink).
CELLS = {
    "session_id": "r.session_id",
    "patient_id": "r.patient_id",
    "age_years": "r.age::text",
    "sex": _code("r.sex"),
    "diagnosis": _code("r.diagnosis"),
    "norwood_hamilton_stage": _code("r.norwood"),
    "ludwig_stage": _code("r.ludwig"),
    "salt_score_pct": _decimal("r.salt"),
    "fitzpatrick_type": _integer("r.fitzpatrick"),
    "technique": _text("r.technique"),
    "course_session_number": _integer("r.course_number"),
    "days_since_first_session": _integer("r.days"),
    "session_date": "r.day::text",
    "device_kind": _text("r.device_kind"),
    "device_model": _text("r.device_model"),
    "cartridge_configuration": _text("r.configuration"),
    "needle_count": _integer("r.needle_count"),
    "needle_diameter_mm": _decimal("r.diameter"),
    "needle_length_mm": _decimal("r.length"),
    "depth_mm": _decimal("r.depth"),
    "frequency_hz": _integer("r.frequency"),
    "passes": _integer("r.passes"),
    "zones": _text("r.zones"),
    "treated_area_cm2": _decimal("r.area"),
    "anaesthesia": _text("r.anaesthesia"),
    "pain_score": _integer("r.pain"),
    "endpoint": _text("r.endpoint"),
    "adverse_events": _text("r.adverse"),
    "preset_slug": _text("r.preset_slug"),
    "preset_version": _integer("r.preset_version"),
    "deviation_count": _integer("r.deviation_count"),
    "deviations": _text("r.deviations"),
    "blend": _text("r.blend"),
}


def session_lines(filters, chunk_size=CHUNK_SESSIONS):
    """The sessions file as CSV lines: the header, then one line per session."""
    columns = session_columns(filters)
    yield from csv_lines([[column.name for column in columns]])
    with export_transaction(), connection.cursor() as cursor:
        # Each slice is short: compiling its expressions (JIT) would cost more than it saves.
        cursor.execute("SET LOCAL jit = off")
        plan = privacy_plan(filters)
        sink = _Sink(pseudonym_key(), filters.generalisation, plan)
        for patients in _slices(plan.rows_by_patient, chunk_size):
            yield from _copy(cursor, _slice_query(cursor, filters, columns, patients), sink)


def _slices(rows_by_patient, chunk_size):
    """(after, up to] ranges of patient ids, each holding whole patients and about chunk_size rows of the file (the
    privacy plan has counted them, in this snapshot); the last range is open-ended."""
    ends, held = [], 0
    for patient in sorted(rows_by_patient):
        held += rows_by_patient[patient]
        if held >= chunk_size:
            ends.append(patient)
            held = 0
    if held or not ends:
        ends.append(None)
    else:
        ends[-1] = None
    return list(zip([None, *ends[:-1]], ends, strict=True))


def _slice_query(cursor, filters, columns, patients):
    zone = cursor.mogrify("%s", [timezone.get_current_timezone_name()]).decode()
    raw = ", ".join(f"{expression.format(zone=zone)} AS {name}" for name, expression in RAW.items())
    select, params = filters.sql(columns=raw.replace("%", "%%"), patients=patients)
    derived = ", ".join(f"{expression} AS {name}" for name, expression in DERIVED.items())
    cells = ", ".join(CELLS[column.name] for column in columns if column.name in CELLS)
    # The same order on the outside: PostgreSQL sees the rows come sorted and sorts nothing there.
    order = "ORDER BY r.patient_id, r.performed_at, r.session_id"
    query = f"""SELECT {cells} FROM (
                    SELECT r.*, {derived} FROM ({select} {ORDER_BY} OFFSET 0) AS r {order} OFFSET 0
                ) AS r {order}"""
    return cursor.mogrify(query, params).decode()


def _copy(cursor, query, sink):
    _copy_expert(cursor, f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", sink)
    lines, sink.lines = sink.lines, []
    yield from lines


class _Sink:
    """Takes COPY's rows as they come, one write each: session id, patient id and the seven raw
    quasi-identifiers in front (codes and numbers: never quoted), LF at the end. Puts the pseudonyms in place
    of the ids and the generalised, possibly withheld, quasi-identifiers with their level in place of the raw
    ones (while the database makes the next rows), and ends each line in the CRLF Python's csv module writes."""

    def __init__(self, key, generalisation, plan):
        self.key = key
        self.generalisation = generalisation
        self.plan = plan
        self.lines = []
        self.patient = (None, None)  # a patient's sessions come together: one pseudonym each
        self.quasi = {}  # raw cells → written cells: few combinations, met again and again

    def write(self, row):
        session_id, patient_id, *raw, cells = row.split(b",", 9)
        if patient_id != self.patient[0]:
            self.patient = (patient_id, pseudonym("p", int(patient_id), self.key))
        session = pseudonym("s", int(session_id), self.key)
        raw = tuple(raw)
        quasi = self.quasi.get(raw) or self.quasi.setdefault(raw, self._written(raw))
        self.lines.append(f"{session},{self.patient[1]},{quasi},{cells[:-1].decode()}\r\n")

    def _written(self, raw):
        age, sex, diagnosis, norwood, ludwig, salt, fitzpatrick = (cell.decode() or None for cell in raw)
        quasi = self.generalisation.cells(
            int(age), sex, diagnosis, norwood, ludwig, salt, int(fitzpatrick or 0) or None
        )
        written, level = self.plan.written(quasi)
        return ",".join([*written, str(level)])


def _copy_expert(cursor, sql, file):
    # Django logs COPY like any query when queries are logged (DEBUG, tests), but leaves its errors raw.
    with connection.wrap_database_errors:
        cursor.copy_expert(sql, file)
