"""Least privilege on PostgreSQL: an owner role that migrates, an application role that only works.

The owner owns every table; the application role owns nothing, so it can neither drop nor alter a
table, nor disable or drop a trigger, nor TRUNCATE. It may read and insert everywhere, and update and
delete everywhere except in the append-only tables: the audit trail and every simple_history table.
"""

from django.apps import apps
from django.db import transaction
from simple_history.models import HistoricalChanges

from audit.models import AuditEvent

WORKING_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_PRIVILEGES = "SELECT, INSERT"
# The migration record is the owner's business; the application only reads it (e.g. `migrate --check`).
READ_ONLY_TABLES = frozenset({"django_migrations"})
# Besides reading and inserting, the one thing the application may write in the audit trail: a row's place in the
# tamper-evident chain, once (the trigger refuses any other change, and these two columns' change after the first).
CHAIN_COLUMNS = ("sealed_seq", "link")
# PostgreSQL extensions the migrations create (pg_trgm: the patient search's trigram indexes). Made by the
# superuser in create_database_roles: the owner role may not create them.
EXTENSIONS = ("pg_trgm",)


def append_only_tables():
    """The audit trail and every field-level history table, found from the installed models."""
    history = {model._meta.db_table for model in apps.get_models() if issubclass(model, HistoricalChanges)}
    return frozenset({AuditEvent._meta.db_table} | history)


def privileges_for(table, append_only):
    if table in READ_ONLY_TABLES:
        return "SELECT"
    return APPEND_ONLY_PRIVILEGES if table in append_only else WORKING_PRIVILEGES


def grant_application_privileges(connection, app_role):
    """Give `app_role` exactly its privileges on every table and sequence; run as the owner or a
    superuser, after every migration (a table created later starts with only the safe defaults)."""
    append_only = append_only_tables()
    quote = connection.ops.quote_name
    app = quote(app_role)
    done = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {app}")
        for table in sorted(connection.introspection.table_names(cursor)):
            privileges = privileges_for(table, append_only)
            cursor.execute(f"REVOKE ALL ON TABLE {quote(table)} FROM {app}")
            cursor.execute(f"GRANT {privileges} ON TABLE {quote(table)} TO {app}")
            if table == AuditEvent._meta.db_table:
                columns = ", ".join(quote(column) for column in CHAIN_COLUMNS)
                cursor.execute(f"GRANT UPDATE ({columns}) ON TABLE {quote(table)} TO {app}")
                privileges = f"{privileges}, UPDATE ({', '.join(CHAIN_COLUMNS)})"
            done.append((table, privileges))
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}")
    return done
