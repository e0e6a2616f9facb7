import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.database_roles import EXTENSIONS, grant_application_privileges

ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"

# Functions (the audit trigger's) and sequences not tied to a table, in our schema, not from an extension.
OWN_FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""
STANDALONE_SEQUENCES = """
SELECT c.relname FROM pg_class c
WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
"""


class Command(BaseCommand):
    help = (
        "On PostgreSQL, as a superuser: create (or bring back in line) an owner role that owns the tables and "
        "runs migrations, and an application role that owns nothing and may not change the audit trail or "
        "the history tables. Safe to run again; run it again after a migration made without "
        "DATABASE_OWNER_URL. See README, 'Least privilege'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="the role that owns the tables and migrates")
        parser.add_argument("--app", required=True, help="the role the application connects as")
        parser.add_argument("--owner-password", default=os.environ.get("DATABASE_OWNER_PASSWORD", ""))
        parser.add_argument("--app-password", default=os.environ.get("DATABASE_APP_PASSWORD", ""))

    def handle(self, *args, owner, app, owner_password, app_password, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only; DATABASE_URL names another database.")
        if owner == app:
            raise CommandError("The owner and the application role must be two different roles.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise CommandError("Run this as a PostgreSQL superuser (DATABASE_URL of e.g. postgres).")
            for role, password in ((owner, owner_password), (app, app_password)):
                self.ensure_role(cursor, role, password)
            self.create_extensions(cursor)
            self.hand_schema_to_owner(cursor, owner, app)
            self.set_default_privileges(cursor, owner, app)
            granted = grant_application_privileges(connection, app)
        for table, privileges in granted:
            self.stdout.write(f"  {app} on {table}: {privileges}")
        summary = f"{owner} owns the schema and its {len(granted)} tables; {app} owns nothing."
        self.stdout.write(self.style.SUCCESS(summary))

    def ensure_role(self, cursor, role, password):
        name = connection.ops.quote_name(role)
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"ALTER ROLE {name} {ROLE_ATTRIBUTES}")
            self.stdout.write(f"Role {role} exists: set {ROLE_ATTRIBUTES}.")
        else:
            cursor.execute(f"CREATE ROLE {name} {ROLE_ATTRIBUTES}")
            self.stdout.write(f"Created role {role} ({ROLE_ATTRIBUTES}).")
        if password:
            cursor.execute(f"ALTER ROLE {name} PASSWORD %s", [password])
            self.stdout.write(f"Set the password of {role}.")

    def create_extensions(self, cursor):
        # Made here, as the superuser, so that the owner role never needs CREATE on the database to migrate.
        for extension in EXTENSIONS:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(extension)}")
        self.stdout.write(f"Extensions the migrations use: {', '.join(EXTENSIONS)}.")

    def hand_schema_to_owner(self, cursor, owner, app):
        quote = connection.ops.quote_name
        database = quote(connection.settings_dict["NAME"])
        cursor.execute(f"GRANT CONNECT ON DATABASE {database} TO {quote(owner)}, {quote(app)}")
        # Membership would lend the application the owner's powers.
        cursor.execute(f"REVOKE {quote(owner)} FROM {quote(app)}")
        cursor.execute(f"ALTER SCHEMA public OWNER TO {quote(owner)}")
        cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        cursor.execute(f"REVOKE ALL ON SCHEMA public FROM {quote(app)}")
        self.stdout.write(f"Schema public: owned by {owner}; nobody else may create in it.")
        tables = connection.introspection.table_names(cursor)
        for table in tables:  # also hands over each table's identity sequence and indexes
            cursor.execute(f"ALTER TABLE {quote(table)} OWNER TO {quote(owner)}")
        cursor.execute(STANDALONE_SEQUENCES)
        for (sequence,) in cursor.fetchall():
            cursor.execute(f"ALTER SEQUENCE {quote(sequence)} OWNER TO {quote(owner)}")
        cursor.execute(OWN_FUNCTIONS)
        functions = [row[0] for row in cursor.fetchall()]
        for function in functions:
            cursor.execute(f"ALTER FUNCTION {function} OWNER TO {quote(owner)}")
        self.stdout.write(f"{owner} now owns {len(tables)} tables and {len(functions)} functions.")

    def set_default_privileges(self, cursor, owner, app):
        quote = connection.ops.quote_name
        # Tables a later migration creates start append-only, so a new history table is never open to
        # UPDATE or DELETE; `migrate` with DATABASE_OWNER_URL then grants each table its own privileges.
        defaults = f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA public"
        cursor.execute(f"{defaults} REVOKE ALL ON TABLES FROM {quote(app)}")
        cursor.execute(f"{defaults} GRANT SELECT, INSERT ON TABLES TO {quote(app)}")
        cursor.execute(f"{defaults} GRANT USAGE, SELECT ON SEQUENCES TO {quote(app)}")
        self.stdout.write(f"Tables {owner} creates later: {app} may SELECT and INSERT until grants are re-applied.")
