"""What the research files share: the session query with its filters, one snapshot per file, the pseudonyms
and the de-identification constants. Both line paths (research.export in Python, research.copy_lines in
PostgreSQL) read from here."""

import hmac
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from research.english import english
from research.privacy import Generalisation, Plan

SELECTED = """
    s.id, p.id, p.date_of_birth, p.sex, p.diagnosis, p.norwood_hamilton_stage, p.ludwig_stage, p.salt_score,
    p.fitzpatrick_type, s.technique, s.course_number, s.first_at, s.performed_at, s.device_kind,
    s.device_manufacturer, s.device_model, s.cartridge_configuration, s.cartridge_needle_count,
    s.cartridge_needle_diameter_mm, s.cartridge_needle_length_mm,
    s.needle_depth_mm, s.frequency_hz, s.passes, s.treated_zones, s.treated_area_cm2, s.anaesthesia,
    s.pain_score, s.endpoint, s.adverse_events, pr.slug, pr.version, s.deviation_count, s.deviation_summary
"""
# Course: sessions.courses' definition, its tagged key mirrored: the sessions of one patient from the
# same preset (any version), else those without a preset of the same technique.
# The window reads every current session of the patient; the filters apply above it, so a filtered
# export still numbers each session within its whole course. Only exported or filtered columns are
# read: free text cannot reach a file by a slip in a column list.
SESSIONS_SQL = """
SELECT {columns}
FROM (
    SELECT s.id, s.patient_id, s.clinician_id, s.performed_at, s.technique, s.preset_id, s.device_kind,
           s.device_manufacturer, s.device_model, s.cartridge_configuration, s.cartridge_needle_count,
           s.cartridge_needle_diameter_mm, s.cartridge_needle_length_mm, s.needle_depth_mm, s.frequency_hz,
           s.passes, s.treated_zones, s.treated_area_cm2, s.anaesthesia, s.pain_score, s.endpoint,
           s.adverse_events, s.deviation_count, s.deviation_summary,
           ROW_NUMBER() OVER course AS course_number,
           MIN(s.performed_at) OVER (PARTITION BY s.patient_id) AS first_at
    FROM treatments_treatmentsession s
    LEFT JOIN protocols_protocolpreset cp ON cp.id = s.preset_id
    WHERE s.voided_at IS NULL {patients}
    WINDOW course AS (
        PARTITION BY s.patient_id, (cp.slug IS NULL), COALESCE(cp.slug, s.technique) ORDER BY s.performed_at, s.id
    )
) AS s
JOIN clinic_patient p ON p.id = s.patient_id
LEFT JOIN protocols_protocolpreset pr ON pr.id = s.preset_id
WHERE p.research_consent = %s {where}
"""
ORDER_BY = " ORDER BY s.patient_id, s.performed_at, s.id"
# The same rows as SESSIONS_SQL, counted: the course window changes no row's presence, so it is left out;
# the preset is joined for its filter. Both consents in one pass.
COUNT_SQL = """
SELECT COALESCE(SUM(CASE WHEN p.research_consent THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN p.research_consent THEN 0 ELSE 1 END), 0)
FROM treatments_treatmentsession s
JOIN clinic_patient p ON p.id = s.patient_id
LEFT JOIN protocols_protocolpreset pr ON pr.id = s.preset_id
WHERE s.voided_at IS NULL {where}
"""
# With filters on the patient only (diagnosis, demo), the patient tally's stored counts of current sessions
# (clinic.models.PatientTally, kept by triggers) give the same numbers without reading a patient or a session.
PATIENT_COUNT_SQL = """
SELECT COALESCE(SUM(CASE WHEN p.research_consent THEN p.sessions ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN p.research_consent THEN 0 ELSE p.sessions END), 0)
FROM clinic_patienttally p
WHERE TRUE {where}
"""


@dataclass(frozen=True)
class ExportFilters:
    technique: str = ""
    date_from: date | None = None
    date_to: date | None = None
    diagnosis: str = ""
    preset: str = ""  # a preset's slug: every version
    clinician: int | None = None
    include_demo: bool = False
    # Not filters, but what the files make of the rows: a limited data set (exact dates, for a researcher with a
    # data use agreement; its reference) and the generalisation of the quasi-identifiers.
    limited_data_set: str = ""
    generalisation: Generalisation = Generalisation()  # noqa: RUF009 — frozen: one shared default is safe

    def described(self):
        """The filters in use, and a generalisation other than the default, for the audit trail (in English, as
        the bundle's README has them too)."""
        described = {
            key: str(value)
            for key, value in asdict(self).items()
            if key != "generalisation" and value not in ("", None, False)
        }
        if self.generalisation != Generalisation():
            with english():
                described["generalisation"] = self.generalisation.described()
        return described

    @property
    def on_patients_only(self):
        return not (self.technique or self.preset or self.clinician or self.date_from or self.date_to)

    def sql(self, research_consent=True, columns=SELECTED, patients=None):
        """(sql, params) of the matching sessions; `patients` = (after, up to) narrows them to a slice of
        patient ids, both bounds optional."""
        patients_sql, patients_params = _patient_slice(*(patients or (None, None)))
        where, params = self._conditions()
        sql = SESSIONS_SQL.format(columns=columns, patients=patients_sql, where=where)
        return sql, [*patients_params, research_consent, *params]

    def _conditions(self):
        """(" AND ..." clauses, params) of the filters, on the aliases s, p and pr."""
        where, params = [], []
        if not self.include_demo:
            where.append("p.is_demo = %s")
            params.append(False)
        for clause, value in (
            ("s.technique = %s", self.technique),
            ("p.diagnosis = %s", self.diagnosis),
            ("pr.slug = %s", self.preset),
            ("s.clinician_id = %s", self.clinician),
        ):
            if value:
                where.append(clause)
                params.append(value)
        if self.date_from:
            where.append("s.performed_at >= %s")
            params.append(_as_parameter(_start_of(self.date_from)))
        if self.date_to:
            where.append("s.performed_at < %s")
            params.append(_as_parameter(_start_of(self.date_to + timedelta(days=1))))
        return "".join(f" AND {clause}" for clause in where), params


def _patient_slice(after, up_to):
    clauses, params = [], []
    if after is not None:
        clauses.append(" AND s.patient_id > %s")
        params.append(after)
    if up_to is not None:
        clauses.append(" AND s.patient_id <= %s")
        params.append(up_to)
    return "".join(clauses), params


def privacy_plan(filters):
    """The withholding of rare combinations for this export, and its privacy report (research.privacy)."""
    generalisation = filters.generalisation
    written = {}  # raw quasi-identifiers → generalised cells: few combinations, met again and again

    def cells(raw):
        return written.get(raw) or written.setdefault(raw, generalisation.cells(*raw))

    return Plan(
        generalisation,
        ((patient, cells(tuple(raw)), rows) for patient, *raw, rows in quasi_identifiers(filters)),
    )


def whole_years(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def quasi_identifiers(filters):
    """(patient id, age in whole years, sex, diagnosis, Norwood-Hamilton, Ludwig, SALT, Fitzpatrick, rows) for
    the rows of the sessions file; on PostgreSQL grouped (a patient's sessions at one age are one line)."""
    if connection.vendor != "postgresql":
        yield from _quasi_identifiers_in_python(filters)
        return
    with connection.cursor() as cursor:
        zone = cursor.mogrify("%s", [timezone.get_current_timezone_name()]).decode().replace("%", "%%")
        where, params = filters._conditions()
        cursor.execute(QUASI_IDENTIFIER_SQL.format(zone=zone, quasi=QUASI_IDENTIFIER_COLUMNS, where=where), params)
        while rows := cursor.fetchmany(10_000):
            yield from rows


# SALT as text: hashed as a key many times over, a Decimal costs more; research.privacy reads either.
QUASI_IDENTIFIER_COLUMNS = (
    "p.sex AS sex, p.diagnosis AS diagnosis, p.norwood_hamilton_stage AS norwood, p.ludwig_stage AS ludwig, "
    "CAST(p.salt_score AS text) AS salt, p.fitzpatrick_type AS fitzpatrick"
)
# The rows of the sessions file as COUNT_SQL finds them (the course window changes no row's presence), grouped by
# patient and age. Current sessions of a patient in date order are an index of their own (TreatmentSession.Meta):
# without a filter on the session, PostgreSQL reads that index alone, never the sessions' rows.
QUASI_IDENTIFIER_SQL = """SELECT s.patient_id,
       date_part('year', age((s.performed_at AT TIME ZONE {zone})::date, p.date_of_birth))::int AS age,
       {quasi}, COUNT(*)
FROM treatments_treatmentsession s
JOIN clinic_patient p ON p.id = s.patient_id
LEFT JOIN protocols_protocolpreset pr ON pr.id = s.preset_id
WHERE s.voided_at IS NULL AND p.research_consent {where}
GROUP BY p.id, s.patient_id, age
"""


def _quasi_identifiers_in_python(filters):
    zone = timezone.get_current_timezone()
    sql, params = filters.sql(columns=f"s.patient_id, p.date_of_birth, s.performed_at, {QUASI_IDENTIFIER_COLUMNS}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for patient, born, performed_at, *cells in cursor.fetchall():
            on = _parsed_moment(performed_at).astimezone(zone).date()
            yield patient, whole_years(_parsed_date(born), on), *cells, 1


def _parsed_date(value):
    return value if isinstance(value, date) else date.fromisoformat(value)


def _parsed_moment(value):
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_counts(filters):
    """{"included": sessions exported, "without_consent": matching sessions left out for lack of consent}."""
    where, params = filters._conditions()
    with connection.cursor() as cursor:
        cursor.execute((PATIENT_COUNT_SQL if filters.on_patients_only else COUNT_SQL).format(where=where), params)
        included, without_consent = cursor.fetchone()
    # PostgreSQL sums integers as numeric (a Decimal in Python): counts are whole numbers.
    return {"included": int(included), "without_consent": int(without_consent)}


def count_sessions(filters, research_consent=True):
    return session_counts(filters)["included" if research_consent else "without_consent"]


def pseudonym(kind, pk, key=None):
    """A keyed hash of the internal id: stable across exports with the same key, not reversible without it."""
    digest = hmac.digest(key or pseudonym_key(), f"{kind}:{pk}".encode(), "sha256").hex()
    return f"{kind}_{digest[:20]}"


def pseudonym_key():
    key = settings.RESEARCH_PSEUDONYM_KEY
    return key.encode() if key else hmac.digest(settings.SECRET_KEY.encode(), b"research-pseudonyms", "sha256")


@contextmanager
def export_transaction():
    """One transaction for a whole file: on its own (not nested in another), it reads one snapshot
    of the database from the first chunk to the last."""
    snapshot = not connection.in_atomic_block and connection.vendor == "postgresql"
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _as_parameter(moment):
    # Raw SQL gets no help from the ORM: SQLite stores naive UTC text, and compares text.
    return connection.ops.adapt_datetimefield_value(moment)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
