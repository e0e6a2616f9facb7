"""On PostgreSQL, TRUNCATE of the audit trail is refused too: it fires no DELETE trigger.

A superuser may still truncate (Django's test runner empties tables that way between tests); a
superuser can disable any trigger anyway. The application role holds no TRUNCATE privilege at all.
"""

from importlib import import_module

from django.db import migrations

# The same PostgreSQL-only runner as the first trigger's (SQLite has no triggers to add).
run_on_postgresql = import_module("audit.migrations.0002_append_only_trigger").run_on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False)]
