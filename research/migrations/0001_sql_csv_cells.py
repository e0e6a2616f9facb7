"""On PostgreSQL: what the fast export path needs — a CSV-cell function and, where allowed, pgcrypto."""

from django.db import migrations

CELL = r"""
CREATE OR REPLACE FUNCTION research_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v IS NULL THEN ''
                WHEN v ~ '[",\r\n]' THEN '"' || replace(v, '"', '""') || '"'
                ELSE v END
    FROM (SELECT CASE WHEN left(value, 1) IN ('=', '+', '-', '@', E'\t', E'\r', E'\n') THEN '''' || value
                      ELSE value END AS v) AS neutralised
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CELL, params=None)
    # pgcrypto gives SQL the same keyed hash as Python; without the right to create it, the export
    # simply keeps to its Python path.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT research_pgcrypto")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        except Exception:  # noqa: BLE001 — insufficient privilege is an expected, harmless outcome
            cursor.execute("ROLLBACK TO SAVEPOINT research_pgcrypto")
        else:
            cursor.execute("RELEASE SAVEPOINT research_pgcrypto")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS research_cell(text)", params=None)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop, elidable=False)]
