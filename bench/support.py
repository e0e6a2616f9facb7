"""What the benchmarks share: a scratch PostgreSQL database, filled with demo_data up to a size."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
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


@contextmanager
def production_server(log_path, **env):
    """gunicorn as `make run` starts it (deploy/gunicorn.conf.py, 2 workers), on a free port, with this process's
    environment and `env`; yields its base URL."""
    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"GUNICORN_WORKERS": "2", "HOST": "127.0.0.1", "PORT": str(port)} | env
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        command = [Path(sys.executable).with_name("gunicorn"), "--config", "deploy/gunicorn.conf.py"]
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while server.poll() is None:
                try:
                    if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
                if time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not start: see {log_path}")
            else:
                sys.exit(f"gunicorn did not start: see {log_path}")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)
