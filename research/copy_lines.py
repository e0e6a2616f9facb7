# ruff: noqa: S608 — every SQL fragment here is our own text; values reach it through mogrify.
"""The sessions file on PostgreSQL, written by the database itself: COPY (SELECT …) TO STDOUT WITH CSV.

research.export.session_rows stays the reference (and serves SQLite); these lines hold the same
values (tests/research/test_copy_lines.py compares the two paths cell by cell):
- pseudonyms: the same HMAC-SHA256, built from PostgreSQL's own sha256(). The key reaches the
  database as data in a temporary table, never in a query's text, so it cannot turn up in the
  server's logs or in pg_stat_activity;
- dates turned into local days in the current time zone; ages over 89 written as 90+; decimals
  without trailing zeros;
- text neutralised against formula injection; an empty text cell is written unquoted, as Python's
  csv module does; COPY quotes as RFC 4180 asks; lines end in CRLF.

Streamed: each COPY covers one slice of patients holding about `chunk_size` sessions (whole
patients, so course numbers and first-session days stay exact), and the first line leaves after the
first slice.
"""

import hashlib
import io

from django.db import connection
from django.utils import timezone

from research.columns import SESSION_COLUMNS
from research.export import FORMULA_STARTS, OLDEST_EXPORTED_AGE, export_transaction, patient_range, pseudonym_key
from research.files import csv_lines
from sessions.models import ImmediateAdverseEvent, ScalpZone

CHUNK_SESSIONS = 20_000
# Any list the forms can write (each code once) is read by index; longer ones element by element.
CODES_BY_INDEX = max(len(ScalpZone), len(ImmediateAdverseEvent))
KEY_TABLE_NAME = "research_export_key"
KEY_TABLE = f"pg_temp.{KEY_TABLE_NAME}"


def _hmac_sql(kind, id_column):
    """The SQL twin of research.export.pseudonym: HMAC-SHA256 by its definition (RFC 2104)."""
    inner = f"(SELECT inner_pad FROM {KEY_TABLE})"
    outer = f"(SELECT outer_pad FROM {KEY_TABLE})"
    message = f"('{kind}:' || {id_column})::bytea"  # digits only: nothing for bytea's escapes
    return f"'{kind}_' || encode(substring(sha256({outer} || sha256({inner} || {message})) FROM 1 FOR 10), 'hex')"


def _text(column):
    """A text cell: neutralised like research.export._text; empty → NULL, which COPY leaves unquoted.
    (FORMULA_STARTS' NUL cannot occur: PostgreSQL text holds none.)"""
    starts = ", ".join(str(ord(start)) for start in FORMULA_STARTS if start != "\x00")
    return f"NULLIF(CASE WHEN ascii({column}) IN ({starts}) THEN '''' || {column} ELSE {column} END, '')"


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
        pd.name
        || CASE WHEN b.concentration IS NULL THEN '' ELSE ' ' || {_decimal("b.concentration")} || ' ' || b.concentration_unit END
        || CASE WHEN b.volume_ml IS NULL THEN '' ELSE ' (' || {_decimal("b.volume_ml")} || ' mL)' END,
        ' + ' ORDER BY b.id)
    FROM treatments_blendcomponent b JOIN clinic_product pd ON pd.id = b.product_id
    WHERE b.session_id = s.id AND b.voided_at IS NULL
)"""  # noqa: E501

# The raw values, read once per session below an OFFSET 0 fence (so PostgreSQL does not repeat
# the subqueries for each use in the cells); {zone} is the current time zone, as a literal.
RAW = {
    "session_id": "s.id",
    "patient_id": "s.patient_id",
    "performed_at": "s.performed_at",
    "session_key": _hmac_sql("s", "s.id"),
    "age": "date_part('year', age((s.performed_at AT TIME ZONE {zone})::date, p.date_of_birth))::int",
    "days": "(s.performed_at AT TIME ZONE {zone})::date - (s.first_at AT TIME ZONE {zone})::date",
    "sex": "p.sex",
    "diagnosis": "p.diagnosis",
    "norwood": "p.norwood_hamilton_stage",
    "ludwig": "p.ludwig_stage",
    "salt": "p.salt_score",
    "fitzpatrick": "p.fitzpatrick_type",
    "technique": "s.technique",
    "course_number": "s.course_number",
    "device_kind": "d.kind",
    "device_model": "CASE WHEN d.manufacturer <> '' THEN d.manufacturer || ' ' || d.model_name END",
    "configuration": "k.configuration",
    "needle_count": "k.needle_count",
    "diameter": "k.needle_diameter_mm",
    "length": "k.needle_length_mm",
    "depth": "s.needle_depth_mm",
    "frequency": "s.frequency_hz",
    "passes": "s.passes",
    "zones": _codes("s.treated_zones"),
    "area": "s.treated_area_cm2",
    "anaesthesia": "s.anaesthesia",
    "pain": "s.pain_score",
    "endpoint": "s.endpoint",
    "adverse": _codes("s.adverse_events"),
    "preset_slug": "pr.slug",
    "preset_version": "pr.version",
    "deviation_count": "s.deviation_count",
    "deviations": "s.deviation_summary",
    "blend": BLEND_PHRASES,
}

# One cell per research.columns.SESSION_COLUMNS entry, in its order.
CELLS = {
    "session_id": "r.session_key",
    "patient_id": "pk.patient_key",
    "age_years": f"CASE WHEN r.age > {OLDEST_EXPORTED_AGE} THEN '90+' ELSE r.age::text END",
    "sex": _text("r.sex"),
    "diagnosis": _text("r.diagnosis"),
    "norwood_hamilton_stage": _text("r.norwood"),
    "ludwig_stage": _text("r.ludwig"),
    "salt_score_pct": _decimal("r.salt"),
    "fitzpatrick_type": _integer("r.fitzpatrick"),
    "technique": _text("r.technique"),
    "course_session_number": _integer("r.course_number"),
    "days_since_first_session": _integer("r.days"),
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
    yield from csv_lines([[column.name for column in SESSION_COLUMNS]])
    with export_transaction(), connection.cursor() as cursor:
        # Each slice is short: compiling its expressions (JIT) would cost more than it saves.
        cursor.execute("SET LOCAL jit = off")
        _load_key(cursor)
        after = None
        while True:
            up_to = _slice_end(cursor, after, chunk_size)
            yield from _copy(cursor, _slice_query(cursor, filters, (after, up_to)))
            if up_to is None:
                break
            after = up_to
        cursor.execute(f"DROP TABLE {KEY_TABLE}")


def _load_key(cursor):
    """The key's HMAC pads, into a temporary table: as COPY data, out of every query's text."""
    key = pseudonym_key()
    if len(key) > hashlib.sha256().block_size:
        key = hashlib.sha256(key).digest()
    key = key.ljust(hashlib.sha256().block_size, b"\0")
    inner, outer = (bytes(byte ^ pad for byte in key) for pad in (0x36, 0x5C))
    cursor.execute(f"CREATE TEMPORARY TABLE {KEY_TABLE_NAME} (inner_pad bytea, outer_pad bytea) ON COMMIT DROP")
    pads = f"\\\\x{inner.hex()}\t\\\\x{outer.hex()}\n"  # COPY's text format: a backslash is written twice
    _copy_expert(cursor, f"COPY {KEY_TABLE} FROM STDIN", io.BytesIO(pads.encode()))


def _slice_end(cursor, after, chunk_size):
    """The last patient of the next slice: the one holding its chunk_size-th session, so that the
    slice holds whole patients. None when the slice reaches the end."""
    where, params = ("WHERE patient_id > %s", [after]) if after is not None else ("", [])
    cursor.execute(
        f"""SELECT last.patient_id, EXISTS (SELECT 1 FROM treatments_treatmentsession later
                                            WHERE later.patient_id > last.patient_id)
            FROM (SELECT patient_id FROM treatments_treatmentsession {where}
                  ORDER BY patient_id OFFSET %s LIMIT 1) AS last""",
        [*params, chunk_size - 1],
    )
    found = cursor.fetchone()
    return found[0] if found and found[1] else None


def _slice_query(cursor, filters, patients):
    zone = cursor.mogrify("%s", [timezone.get_current_timezone_name()]).decode()
    raw = ", ".join(f"{expression.format(zone=zone)} AS {name}" for name, expression in RAW.items())
    select, params = filters.sql(columns=raw.replace("%", "%%"), patients=patients)
    cells = ", ".join(CELLS[column.name] for column in SESSION_COLUMNS)
    # A patient's pseudonym once per patient rather than once per session.
    slice_sql, slice_params = patient_range("id", patients)
    query = f"""SELECT {cells} FROM ({select} OFFSET 0) AS r
                JOIN (SELECT id, {_hmac_sql("p", "id")} AS patient_key FROM clinic_patient WHERE TRUE {slice_sql})
                     AS pk ON pk.id = r.patient_id
                ORDER BY r.patient_id, r.performed_at, r.session_id"""
    return cursor.mogrify(query, [*params, *slice_params]).decode()


def _copy(cursor, query):
    sink = _Sink()
    _copy_expert(cursor, f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", sink)
    # One write per row, each ending in LF: make it the CRLF Python's csv module ends lines with.
    for row in sink.rows:
        yield row[:-1].decode() + "\r\n"


class _Sink:
    def __init__(self):
        self.rows = []

    def write(self, data):
        self.rows.append(data)


def _copy_expert(cursor, sql, file):
    # Django logs COPY like any query when queries are logged (DEBUG, tests), but leaves its errors raw.
    with connection.wrap_database_errors:
        cursor.copy_expert(sql, file)
