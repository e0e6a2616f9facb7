"""The sessions file built line by line inside PostgreSQL, for speed: the same cells as
research.export.session_rows, byte for byte (tests/research/test_sql_lines.py holds them equal).

Used when the database is PostgreSQL with pgcrypto (for the keyed hash); otherwise the Python
row generator serves.
"""

import re

from django.conf import settings
from django.db import connection

# One expression per column of research.columns.SESSION_COLUMNS, in order.
CELLS = [
    "'s_' || left(encode(hmac(('s:' || s.id)::bytea, %(key)s, 'sha256'), 'hex'), 20)",
    "'p_' || left(encode(hmac(('p:' || p.id)::bytea, %(key)s, 'sha256'), 'hex'), 20)",
    "CASE WHEN date_part('year', age(%(local_on)s, p.date_of_birth)) > 89 THEN '90+' "
    "ELSE date_part('year', age(%(local_on)s, p.date_of_birth))::int::text END",
    "research_cell(p.sex)",
    "research_cell(p.diagnosis)",
    "research_cell(p.norwood_hamilton_stage)",
    "research_cell(p.ludwig_stage)",
    "COALESCE(trim_scale(p.salt_score)::text, '')",
    "COALESCE(p.fitzpatrick_type::text, '')",
    "research_cell(s.technique)",
    "c.course_number::text",
    "(%(local_on)s - (c.first_at AT TIME ZONE %(zone)s)::date)::text",
    "research_cell(d.kind)",
    "research_cell(CASE WHEN d.manufacturer <> '' THEN d.manufacturer || ' ' || d.model_name ELSE '' END)",
    "research_cell(k.configuration)",
    "COALESCE(k.needle_count::text, '')",
    "COALESCE(trim_scale(k.needle_diameter_mm)::text, '')",
    "COALESCE(trim_scale(k.needle_length_mm)::text, '')",
    "COALESCE(trim_scale(s.needle_depth_mm)::text, '')",
    "COALESCE(s.frequency_hz::text, '')",
    "COALESCE(s.passes::text, '')",
    "research_cell(array_to_string(ARRAY(SELECT jsonb_array_elements_text(s.treated_zones)), ';'))",
    "COALESCE(trim_scale(s.treated_area_cm2)::text, '')",
    "research_cell(s.anaesthesia)",
    "COALESCE(s.pain_score::text, '')",
    "research_cell(s.endpoint)",
    "research_cell(array_to_string(ARRAY(SELECT jsonb_array_elements_text(s.adverse_events)), ';'))",
    "research_cell(pr.slug)",
    "COALESCE(pr.version::text, '')",
    "COALESCE(s.deviation_count::text, '')",
    "research_cell(s.deviation_summary)",
    """research_cell((
        SELECT string_agg(
            pd.name
            || CASE WHEN b.concentration IS NULL THEN ''
                    ELSE ' ' || trim_scale(b.concentration)::text || ' ' || b.concentration_unit END
            || CASE WHEN b.volume_ml IS NULL THEN '' ELSE ' (' || trim_scale(b.volume_ml)::text || ' mL)' END,
            ' + ' ORDER BY b.id)
        FROM treatments_blendcomponent b JOIN clinic_product pd ON pd.id = b.product_id
        WHERE b.session_id = s.id AND b.voided_at IS NULL))""",
]


def available():
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto')"
            " AND EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'research_cell')"
        )
        return cursor.fetchone()[0]


def line_query(filters, key):
    """(sql, params) selecting one text column: each exported session's CSV line, in export order."""
    from research.export import ORDER_BY

    line = " || ',' || ".join(f"({cell})" for cell in CELLS)
    line = line.replace("%(local_on)s", "(s.performed_at AT TIME ZONE %(zone)s)::date")
    values = {"key": key, "zone": settings.TIME_ZONE}
    # The filters use positional parameters: turn the named ones into positional ones, in order.
    cell_params = [values[name] for name in re.findall(r"%\((\w+)\)s", line)]
    sql, filter_params = filters.sql(columns=re.sub(r"%\(\w+\)s", "%s", line))
    return sql + ORDER_BY, cell_params + filter_params
