"""What the benchmarks share: a scratch PostgreSQL database, filled with demo_data up to a size."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSIONS_PER_PATIENT = 5


def use_scratch_database(name):
    """Point Django at the scratch database `name` unless DATABASE_URL names another; call before django.setup()."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _postgresql_config():
    import dj_database_url

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL to a PostgreSQL scratch database.")
    return config


def _on_server(statement_for_name):
    import psycopg2

    config = _postgresql_config()
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"], host=config["HOST"], port=config["PORT"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        statement_for_name(cursor, config["NAME"])
    admin.close()


def recreate_database():
    """Drop and create the database DATABASE_URL names: it must be a scratch database."""

    def recreate(cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    _on_server(recreate)


def create_database_if_missing():
    def create(cursor, name):
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')

    _on_server(create)


def fill_with_demo_data(target_sessions):
    """Migrate, then add demo patients (5 sessions each) until there are `target_sessions`; returns the count."""
    from django.core.management import call_command

    from sessions.models import TreatmentSession

    call_command("migrate", verbosity=0)
    have = TreatmentSession.objects.count()
    if have < target_sessions:
        from sessions.demo import create_demo_data

        patients = -(-(target_sessions - have) // SESSIONS_PER_PATIENT)
        started = time.perf_counter()
        create_demo_data(patients=patients, sessions_per_patient=SESSIONS_PER_PATIENT, seed=have)
        print(f"  filled to {TreatmentSession.objects.count():,} sessions in {time.perf_counter() - started:.0f} s")
    return TreatmentSession.objects.count()
